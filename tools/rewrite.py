"""Rewrite a notebook, a folder of notebooks or a text file with a pure transform, writing only
what it changes (so running a tool twice writes nothing the second time)."""

from collections.abc import Callable
from pathlib import Path

import nbformat


def rewrite_notebook(path: Path, transform: Callable, what: str) -> None:
    """Apply ``transform`` (notebook → the same notebook, changed in place) to the notebook at
    ``path``; write it and report ``<path>: <what> written`` only if it changed."""
    notebook = nbformat.read(path, as_version=4)
    before = nbformat.writes(notebook)
    if nbformat.writes(transform(notebook)) != before:
        nbformat.write(notebook, path)
        print(f"{path}: {what} written")


def rewrite_notebooks(directory: str, transform: Callable, what: str) -> None:
    """``rewrite_notebook`` on each ``*.ipynb`` in ``directory``."""
    for path in sorted(Path(directory).glob("*.ipynb")):
        rewrite_notebook(path, transform, what)


def rewrite_text(path: Path, transform: Callable[[str], str], what: str) -> None:
    """The same for a text file: ``transform`` maps its text to the new text."""
    before = path.read_text()
    after = transform(before)
    if after != before:
        path.write_text(after)
        print(f"{path.name}: {what} written")
