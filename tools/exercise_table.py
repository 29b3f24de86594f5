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
from typing import NamedTuple

import nbformat

from tools.rewrite import rewrite_notebook, rewrite_text
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


class Parts(NamedTuple):
    """Every graded part, as (notebook number, grade_id, points, public checks, hidden checks),
    and the number of exercises they belong to."""

    rows: list[tuple[str, str, int, int, int]]
    n_exercises: int

    @property
    def points(self) -> int:
        return sum(points for _, _, points, _, _ in self.rows)


def graded_parts(directory: Path) -> Parts:
    """The graded parts of every notebook in ``directory``, read once for all the rewrites below."""
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
    return Parts(out, n_exercises)


def with_table(text: str, parts: Parts) -> str:
    table = ["| notebook | part (grade_id) | points | public checks | hidden checks |", "|---|---|---|---|---|"]
    table += [f"| {nb} | `{gid}` | {p} | {pub} | {hid} |" for nb, gid, p, pub, hid in parts.rows]
    table.append(f"| **total** | {len(parts.rows)} parts | **{parts.points}** | | |")
    text = TABLE.sub(lambda _: "\n".join(table) + "\n", text)
    return SUMMARY.sub(f"There are {parts.n_exercises} exercises, split into {len(parts.rows)} graded parts worth "
                       f"{parts.points} points in all", text)


def with_counts(text: str, parts: Parts) -> str:
    """``text`` with every "N exercises in M graded parts (P points)" and "(0 and P points)" up to date."""

    def quoted(match):
        tail = f"({parts.points} points)" if match.group(0).rstrip().endswith("points)") else ""
        return f"{parts.n_exercises} exercises in {len(parts.rows)} graded parts{match['gap']}{tail}"

    return FULL_MARKS.sub(f"(0 and {parts.points} points)", QUOTED.sub(quoted, text))


def start_with_counts(start, parts: Parts):
    """00's notebook with ``with_counts`` applied to every markdown cell."""
    for cell in start.cells:
        if cell.cell_type == "markdown":
            cell.source = with_counts(cell.source, parts)
    return start


def main(directory: str) -> None:
    parts = graded_parts(Path(directory))
    rewrite_text(INSTRUCTORS, lambda text: with_table(text, parts), "exercise table")
    rewrite_text(README, lambda text: with_counts(text, parts), "exercise counts")
    rewrite_notebook(Path(directory) / START, lambda start: start_with_counts(start, parts), "exercise counts")


if __name__ == "__main__":
    main(sys.argv[1])
