"""Exercises in the notebooks: nbgrader metadata, and student versions a learner can study from.

An exercise is a *solution cell* — code between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
(nbgrader's markers) — followed by one or more *check cells*, one per graded part, each starting
with a line ``# CHECK <grade_id> (<n> points)`` and holding public asserts with hints and, between
``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``, tests the learner does not see.

    python -m tools.student metadata notebooks        write nbgrader metadata (idempotent)
    python -m tools.student notebooks student         student versions (or: make student)

The metadata (nbgrader schema 3) follows from those markers, so it is never edited by hand:
solution cells ``{solution: true, grade: false, locked: false, grade_id: <check id>_answer}``,
check cells ``{solution: false, grade: true, locked: true, grade_id, points}``.

A student version keeps every lesson output (text, tables, figures) and clears only the exercise
cells: each solution becomes ``raise NotImplementedError()`` (as nbgrader's ClearSolutions does),
hidden tests are removed, and the outputs of solution and check cells are cleared.  A first cell
links to the solved notebook.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

from tools.rewrite import rewrite_notebooks

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
STUB = "raise NotImplementedError()"
CHECK = re.compile(r"# CHECK (?P<grade_id>[a-z0-9_]+) \((?P<points>\d+) points?\)")


def _strip_block(source: str, begin: str, end: str, replacement: str | None) -> str:
    """Replace every begin/end block (markers included) by ``replacement`` at the marker's indentation."""
    out, inside = [], False
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if stripped == begin:
            if inside:
                raise ValueError(f"line {number}: {begin} inside another block")
            inside = True
            if replacement is not None:
                out.append(line[: len(line) - len(line.lstrip())] + replacement)
        elif stripped == end:
            if not inside:
                raise ValueError(f"line {number}: {end} without a {begin}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"a {begin} block is never closed with {end}")
    return "\n".join(out)


def strip_solution(source: str) -> str:
    """Replace every BEGIN/END SOLUTION block in ``source`` by an indented ``raise NotImplementedError()``."""
    return _strip_block(source, BEGIN, END, STUB)


def strip_hidden_tests(source: str) -> str:
    """Remove every BEGIN/END HIDDEN TESTS block (markers included)."""
    return _strip_block(source, HIDDEN_BEGIN, HIDDEN_END, None).rstrip("\n")


def is_solution_cell(cell) -> bool:
    return cell.cell_type == "code" and BEGIN in cell.source


def check_header(cell):
    """(grade_id, points) of a check cell, or None."""
    if cell.cell_type != "code":
        return None
    match = CHECK.match(cell.source.lstrip().splitlines()[0] if cell.source.strip() else "")
    return (match["grade_id"], int(match["points"])) if match else None


def is_check_cell(cell) -> bool:
    return check_header(cell) is not None


def exercises(notebook) -> list[tuple[int, list[int]]]:
    """[(solution cell index, [its check cell indices])] — the check cells up to the next solution cell."""
    out = []
    for index, cell in enumerate(notebook.cells):
        if is_solution_cell(cell):
            out.append((index, []))
        elif is_check_cell(cell):
            if not out:
                raise ValueError(f"cell {index}: a check cell before any solution cell")
            out[-1][1].append(index)
    for index, checks in out:
        if not checks:
            raise ValueError(f"cell {index}: a solution cell with no '# CHECK <grade_id> (<n> points)' cell after it")
    return out


def with_metadata(notebook):
    """The notebook with nbgrader metadata on every solution and check cell, and none elsewhere."""
    for cell in notebook.cells:
        cell.metadata.pop("nbgrader", None)
    for index, checks in exercises(notebook):
        first_id = check_header(notebook.cells[checks[0]])[0]
        notebook.cells[index].metadata["nbgrader"] = {
            "schema_version": 3, "solution": True, "grade": False, "locked": False, "task": False,
            "grade_id": f"{first_id}_answer"}
        for check in checks:
            grade_id, points = check_header(notebook.cells[check])
            notebook.cells[check].metadata["nbgrader"] = {
                "schema_version": 3, "solution": False, "grade": True, "locked": True, "task": False,
                "grade_id": grade_id, "points": points}
    ids = [c.metadata["nbgrader"]["grade_id"] for c in notebook.cells if "nbgrader" in c.metadata]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"grade_id used twice: {sorted(duplicates)}")
    return notebook


def student_notebook(notebook, solved_link: str | None = None):
    """A copy of ``notebook`` for study: exercises blanked, hidden tests removed, lesson outputs kept."""
    student = nbformat.from_dict(notebook)
    for cell in student.cells:
        if is_solution_cell(cell) or is_check_cell(cell):
            cell.source = strip_hidden_tests(strip_solution(cell.source))
            cell.outputs = []
            cell.execution_count = None
    if solved_link:
        student.cells.insert(0, nbformat.v4.new_markdown_cell(
            f"*Student version: the exercises are blank. The solved notebook is [{solved_link}]({solved_link}).*"))
    return student


def write_metadata(directory: str) -> None:
    rewrite_notebooks(directory, with_metadata, "nbgrader metadata")


def main(source_dir: str, target_dir: str) -> None:
    target = Path(target_dir)
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(Path(source_dir).glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        link = Path("..", source_dir, path.name).as_posix()
        nbformat.write(student_notebook(notebook, link), target / path.name)
        print(f"{target / path.name}: {len(exercises(notebook))} exercise(s)")


if __name__ == "__main__":
    if sys.argv[1] == "metadata":
        write_metadata(sys.argv[2])
    else:
        main(*sys.argv[1:3])
