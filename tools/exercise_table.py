"""The table of exercises in INSTRUCTORS.md, written from the notebooks' check cells (idempotent).

    python -m tools.exercise_table notebooks        rewrite the table and its totals in INSTRUCTORS.md

One row per graded part (check cell): notebook, grade_id, points, and two counts —
*public checks*: lines a learner sees that assert or call a check (``assert …``, ``check_…(``);
*hidden checks*: the same in the hidden tests, plus the ``refuse_reference(`` guard.
The sentence above the table gives the number of exercises, parts and points; README.md and 00
quote the same numbers ("N exercises in M graded parts (P points)"), rewritten here too.
tests/test_notebooks.py fails when any of them is stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

from tools.student import HIDDEN_BEGIN, check_header, exercises

ROOT = Path(__file__).resolve().parents[1]
INSTRUCTORS = ROOT / "INSTRUCTORS.md"
CHECK_LINE = re.compile(r"^\s*assert\b|\bcheck_\w+\(|refuse_reference\(", re.MULTILINE)
TABLE = re.compile(r"\| notebook \| part \(grade_id\).*?\n\| \*\*total\*\* \|[^\n]*\n", re.DOTALL)
SUMMARY = re.compile(r"There are \d+ exercises, split into \d+ graded parts worth \d+ points in all")
QUOTED = re.compile(r"\d+ exercises in \d+ graded parts(?P<gap>,?\s+)(?:\(\d+ points\))?")
FULL_MARKS = re.compile(r"\(0 and \d+ points\)")
README = ROOT / "README.md"
START = "00_start_here.ipynb"


def rows(directory: Path) -> tuple[list[tuple[str, str, int, int, int]], int]:
    """(notebook number, grade_id, points, public checks, hidden checks) per part; and the exercise count."""
    out, n_exercises = [], 0
    for path in sorted(directory.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        found = exercises(notebook)
        n_exercises += len(found)
        for _, checks in found:
            for index in checks:
                source = notebook.cells[index].source
                grade_id, points = check_header(notebook.cells[index])
                public, _, hidden = source.partition(HIDDEN_BEGIN)
                out.append((path.name[:2], grade_id, points, len(CHECK_LINE.findall(public)),
                            len(CHECK_LINE.findall(hidden))))
    return out, n_exercises


def with_table(text: str, directory: Path) -> str:
    parts, n_exercises = rows(directory)
    points = sum(p for _, _, p, _, _ in parts)
    table = ["| notebook | part (grade_id) | points | public checks | hidden checks |", "|---|---|---|---|---|"]
    table += [f"| {nb} | `{gid}` | {p} | {pub} | {hid} |" for nb, gid, p, pub, hid in parts]
    table.append(f"| **total** | {len(parts)} parts | **{points}** | | |")
    text = TABLE.sub(lambda _: "\n".join(table) + "\n", text)
    return SUMMARY.sub(f"There are {n_exercises} exercises, split into {len(parts)} graded parts worth "
                       f"{points} points in all", text)


def with_counts(text: str, directory: Path) -> str:
    """``text`` with every "N exercises in M graded parts (P points)" and "(0 and P points)" up to date."""
    parts, n_exercises = rows(directory)
    points = sum(p for _, _, p, _, _ in parts)

    def quoted(match):
        tail = f"({points} points)" if match.group(0).rstrip().endswith("points)") else ""
        return f"{n_exercises} exercises in {len(parts)} graded parts{match['gap']}{tail}"

    return FULL_MARKS.sub(f"(0 and {points} points)", QUOTED.sub(quoted, text))


def main(directory: str) -> None:
    for path, rewrite in [(INSTRUCTORS, lambda text: with_table(text, Path(directory))),
                          (README, lambda text: with_counts(text, Path(directory)))]:
        before = path.read_text()
        if rewrite(before) != before:
            path.write_text(rewrite(before))
            print(f"{path.name}: exercise counts written")
    start_path = Path(directory) / START
    start = nbformat.read(start_path, as_version=4)
    before = nbformat.writes(start)
    for cell in start.cells:
        if cell.cell_type == "markdown":
            cell.source = with_counts(cell.source, Path(directory))
    if nbformat.writes(start) != before:
        nbformat.write(start, start_path)
        print(f"{start_path}: exercise counts written")


if __name__ == "__main__":
    main(sys.argv[1])
