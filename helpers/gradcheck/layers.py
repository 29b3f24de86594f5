"""Layer by layer (notebook 07): a numerical vector–Jacobian product, and a one-line-per-tensor cmp.

A layer out = f(x) has a Jacobian J_f = ∂out/∂x; its backward returns the vector–Jacobian
product dx = J_fᵀ·dout for the upstream gradient dout.  Numerically, dx_i ≈ Σ_j dout_j ·
(f(x + ε e_i)_j − f(x − ε e_i)_j) / 2ε: the gradient of the scalar Σ_j dout_j·f(x)_j.
:func:`compare_tensors` then shows, one line per tensor, exact? close? max difference.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from helpers.gradcheck.inputs import _check_eps, _check_params, _named
from helpers.gradcheck.numerical import _flat, _steps
from helpers.gradcheck.report import WITHIN_TOL


def numerical_vjp(f: Callable, x: np.ndarray, dout, eps: float | None = None) -> np.ndarray:
    """Numerical vector–Jacobian product of a layer f: ndarray -> ndarray.

        dx_i ≈ Σ_j dout_j · (f(x + ε e_i)_j − f(x − ε e_i)_j) / 2ε

    i.e. the gradient of the scalar Σ_j dout_j·f(x)_j — what a layer's backward returns for
    upstream gradient ``dout``.  x: float array of any shape (perturbed in place, one element
    at a time, restored in ``finally``); dout: the shape of f(x); returns an array of x's shape.
    eps=None: the checker's default step per element (∛u·max(|x_i|, s), s the typical |x|).
    Costs 2·x.size + 1 evaluations of f.
    """
    if not callable(f):
        raise TypeError(f"f must be a function f(x) -> array (a layer's forward), but got {type(f).__name__}")
    _check_eps(eps)
    named, _ = _named(x, "x")
    _check_params(named, True, "x")
    dout = np.asarray(dout, dtype=np.float64)
    out = np.asarray(f(x))
    if out.shape != dout.shape:
        raise ValueError(
            f"dout has shape {dout.shape} but f(x) has shape {out.shape}; dout is the upstream "
            "gradient ∂J/∂out, so it must have the shape of the layer's output"
        )

    def projected(i: int, sign: str) -> float:
        value = np.asarray(f(x))
        if value.shape != dout.shape:
            raise ValueError(f"f returned shape {value.shape} at {_moved(i, sign)}, but {dout.shape} at x")
        with np.errstate(invalid="ignore", over="ignore"):
            total = float(np.sum(dout * value))
        if total - total != 0.0:
            raise ValueError(f"f returned a non-finite value at {_moved(i, sign)}; use a smaller eps or finite inputs")
        return total

    def _moved(i: int, sign: str) -> str:
        index = ", ".join(str(int(k)) for k in np.unravel_index(i, x.shape))
        return f"x[{index}] moved by {sign}eps = {sign}{steps[i]:.3e}"

    steps = _steps(x, eps, "central")
    flat = _flat(x)
    dx = np.empty(x.size)
    for i in range(x.size):
        old = flat[i]
        value = float(old)
        try:
            flat[i] = value + steps[i]
            plus = projected(i, "+")
            flat[i] = value - steps[i]
            minus = projected(i, "-")
        finally:
            flat[i] = old
        dx[i] = (plus - minus) / (2 * steps[i])
    return dx.reshape(x.shape)


class ComparisonRow(NamedTuple):
    """One tensor of a TensorComparison: exact (bit-equal), close (np.allclose), max |a − n|."""

    name: str
    exact: bool
    close: bool
    max_diff: float


def _max_diff(row) -> str:
    """0 when bit-equal, the band when close (round-off decides the digits), else the digits."""
    return f"{row.max_diff:.1e}" if row.exact or not row.close else WITHIN_TOL


@dataclass(repr=False)
class TensorComparison:
    """Per-tensor comparison, one line each (karpathy's ``cmp``); ``all_close`` is the verdict."""

    rows: list
    rtol: float
    atol: float

    @property
    def all_close(self) -> bool:
        return all(row.close for row in self.rows)

    def __bool__(self) -> bool:
        return self.all_close

    def __str__(self) -> str:
        width = max(len(row.name) for row in self.rows)
        return "\n".join(
            f"{row.name.ljust(width)}  | exact: {row.exact!s:5s} | close: {row.close!s:5s} "
            f"| max diff: {_max_diff(row)}"
            for row in self.rows
        )

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        body = "".join(
            f"<tr><td>{html.escape(r.name)}</td><td>{r.exact}</td>"
            f"<td style='color:{'green' if r.close else 'red'}'>{r.close}</td>"
            f"<td style='text-align:right'>{_max_diff(r)}</td></tr>"
            for r in self.rows
        )
        return ("<table><thead><tr><th>tensor</th><th>exact</th><th>close</th><th>max diff</th></tr>"
                f"</thead><tbody>{body}</tbody></table>")


def compare_tensors(analytic, numeric, rtol: float = 1e-5, atol: float = 1e-8) -> TensorComparison:
    """Compare two dicts of arrays tensor by tensor (arrays: one tensor named "theta").

    exact: every element bit-equal; close: |a − n| ≤ atol + rtol·|n| everywhere (np.allclose,
    whose defaults rtol=1e-5, atol=1e-8 are used); max diff: max |a − n|.  Same keys and shapes.
    """
    a_named, _ = _named(analytic, "analytic")
    n_named, _ = _named(numeric, "numeric")
    if set(a_named) != set(n_named):
        raise ValueError(
            f"analytic and numeric must have the same keys, got {list(a_named)} and {list(n_named)}"
        )
    rows = []
    for name, a in a_named.items():
        n = n_named[name]
        if np.shape(a) != np.shape(n):
            raise ValueError(f"analytic[{name!r}] has shape {np.shape(a)} "
                             f"but numeric[{name!r}] has shape {np.shape(n)}")
        a64 = np.asarray(a, dtype=np.float64)
        n64 = np.asarray(n, dtype=np.float64)
        max_diff = float(np.max(np.abs(a64 - n64))) if a64.size else 0.0
        rows.append(ComparisonRow(name, bool(np.array_equal(a, n)), bool(np.allclose(a64, n64, rtol=rtol, atol=atol)),
                                  max_diff))
    return TensorComparison(rows, rtol, atol)
