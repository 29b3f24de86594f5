"""Contracts every notebook keeps (outputs are checked by nbval; these check the structure).

- the series is complete and each notebook starts with a title and ends with a recap;
- outputs are stored from a clean top-to-bottom run;
- NBVAL_IGNORE_OUTPUT / NBVAL_SKIP are rare and each carries a reason;
- every exercise has solution markers and graded check cells with hidden tests and the guard, its
  nbgrader metadata is what the markers say, and every check cell fails on the student version
  (solutions replaced by NotImplementedError) — the committed version passes under nbval.
"""

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from tools.navigation import MARKER, navigation_text, title
from tools.student import (
    check_header,
    exercises,
    is_check_cell,
    is_solution_cell,
    strip_solution,
    student_notebook,
    with_metadata,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
MAX_IGNORED_CELLS_PER_NOTEBOOK = 2


def read(path):
    return nbformat.read(path, as_version=4)


def code_cells(notebook):
    return [c for c in notebook.cells if c.cell_type == "code" and c.source.strip()]


def test_series_starts_with_00_and_01():
    names = [p.name for p in NOTEBOOKS]
    assert names[:2] == ["00_start_here.ipynb", "01_numerical_derivative.ipynb"]
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", n) for n in names)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_title_first_then_recap_and_navigation_last(path):
    notebook = read(path)
    first, recap, last = notebook.cells[0], notebook.cells[-2], notebook.cells[-1]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    assert "what you will learn" in first.source.lower()
    assert recap.cell_type == "markdown" and "recap" in recap.source.lower()
    assert last.cell_type == "markdown" and last.source.startswith(MARKER), "run `python -m tools.navigation notebooks`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_navigation_links_previous_index_and_next_and_every_link_resolves(path):
    names = [p.name for p in NOTEBOOKS]
    notebook = read(path)
    expected = navigation_text(names, {p.name: title(read(p)) for p in NOTEBOOKS}, path.name)
    assert notebook.cells[-1].source == expected, "run `python -m tools.navigation notebooks`"
    at = names.index(path.name)
    linked = re.findall(r"\]\(([^)]+\.ipynb)\)", expected)
    assert linked == [n for n in (names[at - 1] if at else None, names[0] if at else None,
                                  names[at + 1] if at + 1 < len(names) else None) if n]
    for cell in notebook.cells:  # every link to a notebook, anywhere, points at one that exists
        if cell.cell_type == "markdown":
            for target in re.findall(r"\]\((?!https?://)([^)#]+\.ipynb)", cell.source):  # not Colab's URLs
                assert (path.parent / target).exists(), f"{path.name}: link to {target}, which does not exist"


def test_start_here_links_every_notebook():
    start = "\n".join(c.source for c in read(NOTEBOOKS[0]).cells if c.cell_type == "markdown")
    for path in NOTEBOOKS[1:]:
        assert f"]({path.name})" in start, f"00 does not link {path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_come_from_a_clean_top_to_bottom_run(path):
    counts = [c.execution_count for c in code_cells(read(path))]
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: re-run it top to bottom on a fresh kernel"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_ignored_or_skipped_cells_are_rare_and_explained(path):
    from tools.open_anywhere import is_colab_cell

    marked = [c for c in code_cells(read(path))  # the Colab-only install cell is not part of the lesson
              if re.search(r"NBVAL_(IGNORE_OUTPUT|SKIP)", c.source) and not is_colab_cell(c)]
    assert len(marked) <= MAX_IGNORED_CELLS_PER_NOTEBOOK
    for cell in marked:
        # nbval only sees a marker alone on its line, so the reason is the comment line below it
        lines = cell.source.splitlines()
        at = next(i for i, line in enumerate(lines) if re.fullmatch(r"#\s*NBVAL_(IGNORE_OUTPUT|SKIP)", line.strip()))
        reason = lines[at + 1].strip() if at + 1 < len(lines) else ""
        assert reason.startswith("#") and len(reason) >= 20, (
            f"{path.name}: NBVAL marker needs a one-line reason below it")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_raw_addresses_or_errors_in_stored_outputs(path):
    for cell in code_cells(read(path)):
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"{path.name}: a stored error output"
            text = output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
            assert not re.search(r"at 0x[0-9a-f]+", text), f"{path.name}: a memory address in an output"
            if output.output_type == "stream":
                assert output.name != "stderr", f"{path.name}: stderr output (a warning?): {text[:200]}"


def test_strip_solution_keeps_indentation_and_surroundings():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n\nprint(f)"
    assert strip_solution(source) == "def f(x):\n    raise NotImplementedError()\n\nprint(f)"


def test_strip_solution_refuses_unbalanced_markers():
    with pytest.raises(ValueError, match="never closed"):
        strip_solution("### BEGIN SOLUTION\nx = 1")


EXERCISE_NOTEBOOKS = [p for p in NOTEBOOKS if any(map(is_solution_cell, read(p).cells))]


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if not p.name.startswith("00")], ids=lambda p: p.name)
def test_every_lesson_has_an_exercise(path):
    assert path in EXERCISE_NOTEBOOKS


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if not p.name.startswith("00")], ids=lambda p: p.name)
def test_at_least_two_graded_exercises_with_hidden_tests_and_the_guard(path):
    notebook = read(path)
    found = exercises(notebook)
    assert len(found) >= 2, f"{path.name}: {len(found)} exercise(s), the series asks for at least 2"
    for _, checks in found:
        for index in checks:
            source = notebook.cells[index].source
            hidden = source.split("### BEGIN HIDDEN TESTS")[1] if "### BEGIN HIDDEN TESTS" in source else ""
            assert "refuse_reference(" in hidden, (
                f"{path.name} cell {index}: a check cell needs hidden tests that start with refuse_reference")


def test_at_least_15_graded_parts_in_the_series():
    parts = [check_header(c) for p in NOTEBOOKS for c in read(p).cells if is_check_cell(c)]
    assert len(parts) >= 15 and all(points >= 1 for _, points in parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_nbgrader_metadata_is_what_the_markers_say(path):
    """The metadata is written by `python -m tools.student metadata notebooks`, never by hand."""
    notebook = read(path)
    expected = with_metadata(read(path))
    metadata = [c.metadata.get("nbgrader") for c in notebook.cells]
    assert metadata == [c.metadata.get("nbgrader") for c in expected.cells], (
        f"{path.name}: run `python -m tools.student metadata notebooks`")
    for cell in notebook.cells:
        info = cell.metadata.get("nbgrader")
        if is_solution_cell(cell):
            assert info["solution"] and not info["grade"] and not info["locked"] and info["schema_version"] == 3
        if is_check_cell(cell):
            assert info["grade"] and info["locked"] and info["points"] >= 1 and not info["solution"]


def test_with_metadata_refuses_a_solution_without_a_check_cell():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")]
    with pytest.raises(ValueError, match="no '# CHECK"):
        with_metadata(notebook)


@pytest.mark.parametrize("path", EXERCISE_NOTEBOOKS, ids=lambda p: p.name)
def test_student_version_keeps_the_lesson_and_blanks_only_the_exercises(path):
    notebook = read(path)
    student = student_notebook(notebook, solved_link="../notebooks/x.ipynb")
    assert "../notebooks/x.ipynb" in student.cells[0].source
    for cell, copy in zip(notebook.cells, student.cells[1:], strict=True):
        if is_solution_cell(cell) or is_check_cell(cell):
            assert copy.outputs == [] and "### BEGIN SOLUTION" not in copy.source
            assert "HIDDEN TESTS" not in copy.source and "refuse_reference" not in copy.source
        else:
            assert copy == cell  # lesson cells, outputs and figures included, unchanged


def executed(make, notebook, path, attempts=2):
    """make(notebook) executed on a fresh kernel (errors kept as outputs).

    Once, in the lowest-versions configuration (ipykernel 6.17.0, jupyter_client 7.4.9, pyzmq 27),
    a kernel and its client both sat idle waiting for each other after a cell: a lost message,
    not a slow cell (every cell here takes seconds).  So a cell gets 120 s, and a run that times
    out or loses its kernel is repeated once on a new kernel.
    """
    for attempt in range(attempts):
        copy = make(notebook)
        try:
            NotebookClient(copy, timeout=120, allow_errors=True, kernel_name="python3",
                           resources={"metadata": {"path": str(path.parent)}}).execute()
            return copy
        except (CellTimeoutError, DeadKernelError):
            if attempt == attempts - 1:
                raise


@pytest.mark.parametrize("path", EXERCISE_NOTEBOOKS, ids=lambda p: p.name)
def test_every_check_cell_fails_on_the_student_version(path):
    notebook = read(path)
    student = executed(student_notebook, notebook, path)
    check_cells = [index for _, checks in exercises(notebook) for index in checks]
    for index in check_cells:
        errors = [o for o in student.cells[index].outputs if o.output_type == "error"]
        assert errors, f"{path.name}: check cell {index} passes on the student version"
        assert errors[0].ename in ("NotImplementedError", "AssertionError", "NameError"), errors[0].ename


def test_start_here_gives_each_notebook_the_minutes_of_the_stated_rule():
    from tools.minutes import MAP_ROW, minutes

    start = "\n".join(c.source for c in read(NOTEBOOKS[0]).cells if c.cell_type == "markdown")
    shown = {number: int(value) for number, _, value in MAP_ROW.findall(start)}
    assert shown == {p.name[:2]: minutes(read(p)) for p in NOTEBOOKS}, "run `python -m tools.minutes notebooks`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_fits_in_25_minutes(path):
    """The series' promise (00 and CURRICULUM.md): each notebook ≤ 25 minutes by the rule of tools/minutes.py."""
    from tools.minutes import minutes

    measured = minutes(read(path))
    assert measured <= 25, f"{path.name}: {measured} min by tools/minutes.py; trim or split it"


def test_the_minutes_rule_counts_words_lesson_cells_and_exercises():
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    from tools.minutes import minutes

    notebook = new_notebook(cells=[
        new_markdown_cell("word " * 300),                      # 1.5 min of reading
        new_code_cell("x = 1"), new_code_cell("print(x)"),     # 2 lesson cells
        new_code_cell("### BEGIN SOLUTION\nanswer = 1\n### END SOLUTION"),  # one exercise: 5
        new_code_cell("# CHECK nbxx_part (1 point)\nassert answer == 1"),
        new_markdown_cell(f"{MARKER}\nnot counted " * 100),   # the navigation line
    ])
    assert minutes(notebook) == 9  # ⌈1.5 + 2 + 5⌉


def test_instructors_table_lists_every_graded_part():
    from tools.exercise_table import INSTRUCTORS, README, START, graded_parts, with_counts, with_table

    parts = graded_parts(ROOT / "notebooks")
    text = INSTRUCTORS.read_text()
    assert with_table(text, parts) == text, "run `python -m tools.exercise_table notebooks`"
    for text in [README.read_text(), *(c.source for c in read(ROOT / "notebooks" / START).cells)]:
        assert with_counts(text, parts) == text, "run `python -m tools.exercise_table notebooks`"
    assert "exercises in" in README.read_text()
