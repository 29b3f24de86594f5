"""Open the series without installing anything: Binder and Colab badges, and a Colab-only install cell.

    python -m tools.open_anywhere notebooks

The repository's public address is set in one place, ``pyproject.toml``:

    [project.urls]
    Repository = "https://github.com/<owner>/<name>"

From it this script writes (idempotent; a second run changes nothing):

- in README.md, between the two ``<!-- open-anywhere -->`` lines: a Binder badge (JupyterLab on
  00, built from ``environment.yml``) and a Colab badge (00);
- in 00_start_here, after the title: a markdown cell with the same two badges;
- in every notebook, as its first code cell: a cell that, only on Google Colab
  (``"google.colab" in sys.modules``), installs ``helpers`` from the repository with pip, and does
  nothing anywhere else.  It is ``# NBVAL_SKIP``: it is not part of the lesson and has no output.

Without a Repository address (the series not yet published) it removes all three, so that no
badge or install command ever points at an address nobody chose.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import nbformat

from tools.rewrite import rewrite_notebook, rewrite_text

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
README = ROOT / "README.md"
BADGES = "<!-- open-anywhere: written by tools/open_anywhere.py -->"
COLAB_CELL = "# NBVAL_SKIP\n# reason: runs only on Google Colab"
GITHUB = re.compile(r"https://github\.com/(?P<owner>[\w.-]+)/(?P<name>[\w.-]+?)(?:\.git)?/?")
START = "00_start_here.ipynb"


def repository(pyproject: Path = PYPROJECT) -> tuple[str, str] | None:
    """(owner, name) of ``[project.urls] Repository``, or None when it is not set."""
    urls = tomllib.loads(pyproject.read_text()).get("project", {}).get("urls", {})
    url = urls.get("Repository")
    if url is None:
        return None
    match = GITHUB.fullmatch(url)
    if not match:
        raise ValueError(f"[project.urls] Repository in pyproject.toml must be a GitHub address "
                         f"https://github.com/<owner>/<name> (Binder and Colab open GitHub repositories), got {url!r}")
    return match["owner"], match["name"]


def badges(repo: tuple[str, str]) -> str:
    owner, name = repo
    binder = f"https://mybinder.org/v2/gh/{owner}/{name}/HEAD?labpath=notebooks%2F{START}"
    colab = f"https://colab.research.google.com/github/{owner}/{name}/blob/main/notebooks/{START}"
    return (f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder}) "
            f"[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab})")


def colab_cell_source(repo: tuple[str, str]) -> str:
    owner, name = repo
    return f'''{COLAB_CELL}, where it installs `helpers` from the repository; elsewhere it does nothing
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "gradient-checking-series @ git+https://github.com/{owner}/{name}"], check=True)'''


def is_colab_cell(cell) -> bool:
    return cell.cell_type == "code" and cell.source.startswith(COLAB_CELL)


def is_badge_cell(cell) -> bool:
    return cell.cell_type == "markdown" and cell.source.startswith(BADGES)


def with_open_anywhere(notebook, repo: tuple[str, str] | None, start: bool = False):
    """The notebook with (repo set) or without (None) its Colab cell, and for 00 its badge cell.
    Cells already right are kept as they are (ids, metadata), so a second run changes nothing."""
    old = {c.source: c for c in notebook.cells if is_colab_cell(c) or is_badge_cell(c)}
    cells = [c for c in notebook.cells if not (is_colab_cell(c) or is_badge_cell(c))]
    if repo is not None:
        first_code = next((i for i, c in enumerate(cells) if c.cell_type == "code"), len(cells))
        source = colab_cell_source(repo)
        cells.insert(first_code, old.get(source) or nbformat.v4.new_code_cell(source, metadata={
            "slideshow": {"slide_type": "skip"}}))
        if start:
            source = f"{BADGES}\n\nNo installation: open the series on {badges(repo)}."
            cells.insert(1, old.get(source) or nbformat.v4.new_markdown_cell(source, metadata={
                "slideshow": {"slide_type": "skip"}}))
    notebook.cells = cells
    return notebook


def readme_with_badges(text: str, repo: tuple[str, str] | None) -> str:
    """README text with the badge line after the title (repo set), or without it (None)."""
    text = re.sub(rf"{re.escape(BADGES)}\n.*\n{re.escape(BADGES)}\n\n", "", text)
    if repo is None:
        return text
    title, _, rest = text.partition("\n\n")
    return f"{title}\n\n{BADGES}\n{badges(repo)}\n{BADGES}\n\n{rest}"


def main(directory: str) -> None:
    repo = repository()
    if repo is None:
        print("pyproject.toml has no [project.urls] Repository: no badges and no Colab cell (removed if present)")
    for path in sorted(Path(directory).glob("*.ipynb")):
        rewrite_notebook(path, lambda notebook, start=path.name == START: with_open_anywhere(notebook, repo, start),
                         "open-anywhere cells")
    rewrite_text(README, lambda text: readme_with_badges(text, repo), "badges")


if __name__ == "__main__":
    main(sys.argv[1])
