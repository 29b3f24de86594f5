"""How long each notebook takes a learner, by one stated rule, written into 00's map.

    minutes = words of text ÷ 200  +  1 per lesson code cell  +  5 per exercise

- words: every markdown cell but the navigation line and the badges (a word is a run of letters or digits);
- a lesson code cell is one a learner reads and runs (not an exercise's solution or check cell,
  nor the Colab-only install cell of tools/open_anywhere.py);
  one minute each, including moving its widget;
- an exercise (a solution cell and its check cells): five minutes to write, run the checks and fix.

The total is rounded up.  `python -m tools.minutes notebooks` rewrites the "Minutes*" column of the
map in 00_start_here.ipynb (idempotent); tests/test_notebooks.py checks that it is up to date.
"""

import math
import re
import sys
from pathlib import Path

import nbformat

from tools.navigation import MARKER
from tools.open_anywhere import is_badge_cell, is_colab_cell
from tools.rewrite import rewrite_notebook
from tools.student import exercises, is_check_cell, is_solution_cell

WORDS_PER_MINUTE = 200
MINUTES_PER_CODE_CELL = 1
MINUTES_PER_EXERCISE = 5
MAP_ROW = re.compile(r"^\| (\d\d) \| (.+) \| (\d+) \|$", re.MULTILINE)


def words(notebook) -> int:
    return sum(len(re.findall(r"\w+", cell.source)) for cell in notebook.cells
               if cell.cell_type == "markdown" and not cell.source.startswith(MARKER) and not is_badge_cell(cell))


def lesson_code_cells(notebook) -> int:
    return sum(1 for cell in notebook.cells if cell.cell_type == "code" and cell.source.strip()
               and not (is_solution_cell(cell) or is_check_cell(cell) or is_colab_cell(cell)))


def minutes(notebook) -> int:
    """Minutes by the rule in this module's docstring, rounded up."""
    return math.ceil(words(notebook) / WORDS_PER_MINUTE + MINUTES_PER_CODE_CELL * lesson_code_cells(notebook)
                     + MINUTES_PER_EXERCISE * len(exercises(notebook)))


def with_minutes(start, by_number: dict[str, int]):
    """00's notebook with each map row's last column set to its notebook's minutes."""
    for cell in start.cells:
        if cell.cell_type == "markdown" and "| Minutes* |" in cell.source:
            cell.source = MAP_ROW.sub(
                lambda row: f"| {row[1]} | {row[2]} | {by_number.get(row[1], int(row[3]))} |", cell.source)
    return start


def main(directory: str) -> None:
    paths = sorted(Path(directory).glob("*.ipynb"))
    by_number = {p.name[:2]: minutes(nbformat.read(p, as_version=4)) for p in paths}
    rewrite_notebook(paths[0], lambda start: with_minutes(start, by_number), "minutes")
    for number, value in by_number.items():
        print(f"{number}: {value} min")


if __name__ == "__main__":
    main(sys.argv[1])
