"""Rewrite every notebook of a folder with a pure transform, writing only the ones it changes."""

from collections.abc import Callable
from pathlib import Path

import nbformat


def rewrite_notebooks(directory: str, transform: Callable, what: str) -> None:
    """Apply ``transform`` (notebook → the same notebook, changed in place) to each ``*.ipynb`` in
    ``directory``; write and report (``<path>: <what> written``) only the notebooks that changed,
    so running it twice writes nothing the second time."""
    for path in sorted(Path(directory).glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        before = nbformat.writes(notebook)
        if nbformat.writes(transform(notebook)) != before:
            nbformat.write(notebook, path)
            print(f"{path}: {what} written")
