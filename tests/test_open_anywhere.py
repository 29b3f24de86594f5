"""tools/open_anywhere.py: Binder and Colab badges and the Colab-only install cell, from one address.

The repository's address is not set yet (no [project.urls] Repository): the committed series must
then carry no badge and no install cell.  With an address (a sample one here), the cells and badges
are written, point at that address, run nothing outside Colab, and a second run changes nothing.
"""

import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tools.minutes import minutes
from tools.open_anywhere import (
    BADGES,
    README,
    is_badge_cell,
    is_colab_cell,
    readme_with_badges,
    repository,
    with_open_anywhere,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SAMPLE = ("sample-owner", "gradient-checking")


def lesson():
    return new_notebook(cells=[new_markdown_cell("# 01 — A title\n\nwords"), new_code_cell("x = 1"),
                               new_markdown_cell("more words"), new_code_cell("print(x)")])


def test_the_committed_series_matches_pyproject():
    """No address in pyproject.toml → nothing written; with one, every notebook and the README carry it."""
    repo = repository()
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        before = nbformat.writes(notebook)
        assert nbformat.writes(with_open_anywhere(notebook, repo, start=path.name.startswith("00"))) == before, (
            f"{path.name}: run `python -m tools.open_anywhere notebooks`")
    assert readme_with_badges(README.read_text(), repo) == README.read_text()


def test_the_address_must_be_a_github_repository(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n[project.urls]\nRepository = "https://gitlab.com/a/b"\n')
    with pytest.raises(ValueError, match=r"\[project.urls\] Repository.*https://github.com/<owner>/<name>"):
        repository(pyproject)
    pyproject.write_text('[project]\nname = "x"\n[project.urls]\nRepository = "https://github.com/a-b/c.d.git"\n')
    assert repository(pyproject) == ("a-b", "c.d")
    pyproject.write_text('[project]\nname = "x"\n')
    assert repository(pyproject) is None


def test_the_colab_cell_comes_first_among_code_cells_and_a_second_run_changes_nothing():
    notebook = with_open_anywhere(lesson(), SAMPLE)
    first_code = next(c for c in notebook.cells if c.cell_type == "code")
    assert is_colab_cell(first_code) and notebook.cells[1] is first_code
    assert "git+https://github.com/sample-owner/gradient-checking" in first_code.source
    assert first_code.source.splitlines()[0] == "# NBVAL_SKIP"
    once = nbformat.writes(notebook)
    assert nbformat.writes(with_open_anywhere(notebook, SAMPLE)) == once
    assert [c.source for c in with_open_anywhere(notebook, None).cells] == [c.source for c in lesson().cells]


def test_the_start_notebook_gets_both_badges():
    notebook = with_open_anywhere(lesson(), SAMPLE, start=True)
    badge = notebook.cells[1]
    assert is_badge_cell(badge)
    assert "https://mybinder.org/v2/gh/sample-owner/gradient-checking/HEAD?labpath=notebooks%2F00_start_here.ipynb" \
        in badge.source
    assert ("https://colab.research.google.com/github/sample-owner/gradient-checking/blob/main/notebooks/"
            "00_start_here.ipynb") in badge.source


def test_the_colab_cell_does_nothing_outside_colab_and_installs_on_colab(monkeypatch):
    source = next(c.source for c in with_open_anywhere(lesson(), SAMPLE).cells if is_colab_cell(c))
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda args, check: calls.append(args))
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(source, "colab-cell", "exec"), {})
    assert calls == []                                     # a laptop, Binder, CI: nothing runs
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    exec(compile(source, "colab-cell", "exec"), {})
    assert calls == [[sys.executable, "-m", "pip", "install", "--quiet",
                      "gradient-checking-series @ git+https://github.com/sample-owner/gradient-checking"]]


def test_the_readme_badges_come_after_the_title_and_go_away_without_an_address():
    text = "# Title\n\nFirst paragraph.\n"
    with_badges = readme_with_badges(text, SAMPLE)
    assert with_badges.startswith(f"# Title\n\n{BADGES}\n[![Binder]")
    assert with_badges.endswith("\n\nFirst paragraph.\n")
    assert readme_with_badges(with_badges, SAMPLE) == with_badges
    assert readme_with_badges(with_badges, None) == text


def test_the_colab_cell_and_the_badges_do_not_count_as_lesson_minutes():
    assert minutes(with_open_anywhere(lesson(), SAMPLE, start=True)) == minutes(lesson())
