"""Student versions of the notebooks: solutions replaced by ``raise NotImplementedError()``.

Solution code sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` (nbgrader's markers).
This replaces each marked block, markers included, by ``raise NotImplementedError()`` at the
marker's indentation — what nbgrader's ``ClearSolutions`` does — and clears all outputs.

    python -m tools.student notebooks student      (or: make student)
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = "raise NotImplementedError()"


def strip_solution(source: str) -> str:
    """Replace every BEGIN/END SOLUTION block in ``source`` by an indented ``raise NotImplementedError()``."""
    out, inside = [], False
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError(f"line {number}: {BEGIN} inside another solution block")
            inside = True
            out.append(line[: len(line) - len(line.lstrip())] + STUB)
        elif stripped == END:
            if not inside:
                raise ValueError(f"line {number}: {END} without a {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"a {BEGIN} block is never closed with {END}")
    return "\n".join(out)


def is_solution_cell(cell) -> bool:
    return cell.cell_type == "code" and BEGIN in cell.source


def student_notebook(notebook):
    """A copy of ``notebook`` with solutions stripped and outputs cleared."""
    student = nbformat.from_dict(notebook)
    for cell in student.cells:
        if cell.cell_type == "code":
            cell.source = strip_solution(cell.source)
            cell.outputs = []
            cell.execution_count = None
    student.metadata.pop("widgets", None)
    return student


def main(source_dir: str, target_dir: str) -> None:
    target = Path(target_dir)
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(Path(source_dir).glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        nbformat.write(student_notebook(notebook), target / path.name)
        print(f"{target / path.name}: {sum(map(is_solution_cell, notebook.cells))} exercise(s)")


if __name__ == "__main__":
    main(*sys.argv[1:3])
