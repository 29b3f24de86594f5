"""What the exercises' check cells use: refuse an answer that calls the reference solution.

Every exercise asks the learner to write something `helpers` already has (a central difference,
a gradient loop, a backward).  A hidden test calls :func:`refuse_reference` on the learner's
function: it reads the function's source with ``inspect`` and walks its syntax tree with ``ast``,
and fails with a clear message if the function imports from ``helpers`` or calls one of the
named reference functions.  It never executes the learner's code.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterable

__all__ = ["refuse_reference", "references_in"]


def references_in(func: Callable, names: Iterable[str]) -> list[str]:
    """The forbidden things ``func``'s source uses: ``import helpers…`` or a call of one of ``names``.

    A call counts by its last name, so ``central_difference(...)``, ``derivatives.central_difference(...)``
    and ``helpers.derivatives.central_difference(...)`` are all found; so is a bare reference
    (``f = central_difference``).  Returns a sorted list of descriptions, empty when clean.
    """
    try:
        source = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError) as error:
        raise TypeError(f"cannot read the source of {func!r}: define it with `def` in a notebook cell") from error
    names = set(names)
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {f"import {a.name}" for a in node.names if a.name.split(".")[0] == "helpers"}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "helpers":
            found.add(f"from {node.module} import …")
        elif isinstance(node, ast.Name) and node.id in names:
            found.add(node.id)
        elif isinstance(node, ast.Attribute) and (node.attr in names or node.attr == "helpers"):
            found.add(node.attr)
        elif isinstance(node, ast.Name) and node.id == "helpers":
            found.add("helpers")
    return sorted(found)


def refuse_reference(func: Callable, *names: str) -> None:
    """AssertionError naming what ``func`` borrowed from ``helpers``, if anything (see :func:`references_in`)."""
    borrowed = references_in(func, names)
    if borrowed:
        raise AssertionError(
            f"{func.__name__} uses {', '.join(borrowed)}: that is the reference answer, not yours. "
            "The exercise is to work this out yourself (with NumPy, from what the notebook taught); "
            "the reference in `helpers` is there to compare with, not to call or to read the answer from."
        )
