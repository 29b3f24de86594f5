"""Previous / index / next links at the end of every notebook (an idempotent marker cell).

    python -m tools.navigation notebooks

Each notebook gets, as its last cell, a markdown cell that starts with the marker below and links
the previous notebook, the index (00_start_here) and the next one, by their titles (the first
line of each notebook, without the "# ").  Running it again rewrites the same cell.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

MARKER = "<!-- navigation: written by tools/navigation.py -->"


def title(notebook) -> str:
    return notebook.cells[0].source.splitlines()[0].lstrip("# ").strip()


def navigation_text(names: list[str], titles: dict[str, str], name: str) -> str:
    """The marker and one line of links for notebook ``name`` among ``names`` (in series order)."""
    at = names.index(name)
    links = []
    if at > 0:
        links.append(f"← previous: [{titles[names[at - 1]]}]({names[at - 1]})")
    if at > 0:
        links.append(f"[index: {titles[names[0]]}]({names[0]})")
    if at + 1 < len(names):
        links.append(f"next: [{titles[names[at + 1]]}]({names[at + 1]}) →")
    return MARKER + "\n\n" + " · ".join(links)


def with_navigation(notebook, text: str):
    """The notebook with its navigation cell (added at the end, or rewritten in place keeping the
    old cell's metadata, e.g. its slide type from tools/slides.py)."""
    old = [c for c in notebook.cells if c.cell_type == "markdown" and c.source.startswith(MARKER)]
    cells = [c for c in notebook.cells if not (c.cell_type == "markdown" and c.source.startswith(MARKER))]
    cells.append(nbformat.v4.new_markdown_cell(text, metadata=old[-1].metadata if old else {}))
    notebook.cells = cells
    return notebook


def main(directory: str) -> None:
    paths = sorted(Path(directory).glob("*.ipynb"))
    names = [p.name for p in paths]
    notebooks = {p.name: nbformat.read(p, as_version=4) for p in paths}
    titles = {name: title(nb) for name, nb in notebooks.items()}
    for path in paths:
        notebook = notebooks[path.name]
        before = nbformat.writes(notebook)
        old_ids = {c.source: c.get("id") for c in notebook.cells}
        updated = with_navigation(notebook, navigation_text(names, titles, path.name))
        last = updated.cells[-1]
        if old_ids.get(last.source):  # unchanged text: keep the cell id, so a re-run changes nothing
            last["id"] = old_ids[last.source]
        if nbformat.writes(updated) != before:
            nbformat.write(updated, path)
            print(f"{path}: navigation written")


if __name__ == "__main__":
    main(sys.argv[1])
