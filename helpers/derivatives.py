"""Numerical derivatives of a scalar function of one variable.

Notation used throughout the series: θ (``x`` here) the point, ε (``eps``) the step,
J or ``f`` the function.  Every function here works in the precision of its inputs:
pass ``np.float32`` values to see single-precision behaviour.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

__all__ = [
    "forward_difference",
    "central_difference",
    "complex_step",
    "default_step",
    "derivative_errors",
    "observed_order",
    "step_sweep",
    "best_step",
    "optimal_step_table",
]

_METHODS = ("central", "forward", "complex")


def _check_function(f: Callable) -> None:
    if not callable(f):
        raise TypeError(
            f"f must be a function of one number, but got {type(f).__name__} {f!r}; "
            "pass the function itself, e.g. central_difference(lambda t: t**3, 1.0, 0.01)"
        )


def _check_step(eps, expected: str = "a positive real number",
                fix: str = "a typical step is 1e-5 (central) or 1e-8 (forward)", name: str = "eps") -> None:
    """eps is a positive finite real number (not a bool, not an array), or an error naming the fix.

    ``name``: the parameter the message names (the checker also validates its ``tol`` with this)."""
    if isinstance(eps, bool) or not np.isscalar(eps) or not np.isreal(eps):
        raise TypeError(f"{name} must be {expected}, but got {name}={eps!r}")
    if not np.isfinite(eps) or eps <= 0:
        raise ValueError(f"{name} must be a positive finite number, but got {name}={eps!r}; {fix}")


def _check_point(x) -> None:
    if isinstance(x, bool) or np.ndim(x) != 0:
        raise TypeError(
            f"x must be a single number, but got {type(x).__name__} with shape {np.shape(x)}; "
            "for arrays of parameters use helpers.gradcheck.numerical_gradient"
        )
    if not np.isfinite(x):
        raise ValueError(f"x must be finite, but got x={x!r}")


def _evaluate(f: Callable, x):
    """f(x), checked to be one number."""
    value = f(x)
    if np.ndim(value) != 0:
        raise ValueError(
            f"f must return a single number, but f({x!r}) returned shape {np.shape(value)}; "
            "reduce it to a scalar (e.g. with .sum() or .mean())"
        )
    return value


def forward_difference(f: Callable, x: float, eps: float) -> float:
    """One-sided (forward) difference  (f(x+ε) − f(x)) / ε.

    Taylor: f(x+ε) = f(x) + ε f'(x) + ε²/2 f''(x) + …, so the error is
    ε/2 · f''(x) + O(ε²): first order, O(ε).  Two evaluations of f (one if f(x) is known).
    """
    _check_function(f)
    _check_point(x)
    _check_step(eps)
    return float((_evaluate(f, x + eps) - _evaluate(f, x)) / eps)


def central_difference(f: Callable, x: float, eps: float) -> float:
    """Two-sided (central) difference  (f(x+ε) − f(x−ε)) / 2ε.

    The ε² terms of the two Taylor expansions cancel, leaving the error
    ε²/6 · f'''(x) + O(ε⁴): second order, O(ε²).  Two evaluations of f.
    """
    _check_function(f)
    _check_point(x)
    _check_step(eps)
    return float((_evaluate(f, x + eps) - _evaluate(f, x - eps)) / (2 * eps))


def complex_step(f: Callable, x: float, eps: float = 1e-20) -> float:
    """Complex-step derivative  Im f(x + iε) / ε.

    For f analytic and real on the real line, f(x+iε) = f(x) + iε f'(x) − ε²/2 f''(x) + …,
    so Im f(x+iε)/ε = f'(x) + O(ε²).  There is no subtraction, hence no cancellation:
    ε = 1e-20 gives f'(x) to machine precision.  Wrong for code that is not analytic
    (abs, max, comparisons, conjugation).  One evaluation of f, in complex arithmetic.
    """
    _check_function(f)
    _check_point(x)
    _check_step(eps)
    value = _evaluate(f, x + 1j * eps)
    return float(np.imag(value) / eps)


def default_step(x: float = 1.0, method: str = "central", dtype=np.float64) -> float:
    """A step ε that balances truncation against round-off, for a point x of the given dtype.

    With u the machine epsilon of ``dtype`` (``np.finfo(dtype).eps``: 2.22e-16 in float64,
    1.19e-7 in float32) and scale = max(1, |x|):

    - central:  ε = ∛u · scale   (truncation ε², round-off u/ε; balanced at ε³ ≈ u) → 6.06e-6
    - forward:  ε = √u · scale   (truncation ε,  round-off u/ε; balanced at ε² ≈ u) → 1.49e-8
    - complex:  ε = 1e-20 · scale (no round-off term, any tiny step works)
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, but got method={method!r}")
    dtype = np.dtype(dtype)
    if dtype.kind not in "fc":
        raise TypeError(
            f"dtype must be a floating-point type (float64, float32), but got {dtype}; "
            "an integer parameter cannot hold a small perturbation"
        )
    _check_point(x)
    u = float(np.finfo(dtype).eps)
    scale = max(1.0, abs(float(x)))
    if method == "central":
        return u ** (1 / 3) * scale
    if method == "forward":
        return math.sqrt(u) * scale
    return 1e-20 * scale


def derivative_errors(
    f: Callable, x: float, exact: float, eps_values: Sequence[float], method: str = "central"
) -> np.ndarray:
    """Absolute errors |approx(ε) − exact| of one difference scheme, one per ε in ``eps_values``."""
    schemes = {"central": central_difference, "forward": forward_difference, "complex": complex_step}
    if method not in schemes:
        raise ValueError(f"method must be one of {_METHODS}, but got method={method!r}")
    scheme = schemes[method]
    return np.array([abs(scheme(f, x, eps) - exact) for eps in eps_values], dtype=float)


def observed_order(eps_values: Sequence[float], errors: Sequence[float]) -> float:
    """Slope p of the least-squares line log(error) = p·log(ε) + c: the measured order of a scheme.

    An O(ε) scheme gives p ≈ 1, an O(ε²) scheme p ≈ 2 — as long as round-off is negligible.
    """
    eps_values = np.asarray(eps_values, dtype=float)
    errors = np.asarray(errors, dtype=float)
    if eps_values.shape != errors.shape or eps_values.size < 2:
        raise ValueError(
            f"need at least two (eps, error) pairs of equal length, got {eps_values.size} and {errors.size}"
        )
    if np.any(eps_values <= 0) or np.any(errors <= 0):
        raise ValueError("observed_order needs positive steps and positive errors (logarithms)")
    slope, _ = np.polyfit(np.log(eps_values), np.log(errors), 1)
    return float(slope)


def step_sweep(
    f: Callable,
    x: float,
    exact: float,
    eps_values: Sequence[float],
    method: str = "central",
    dtype=np.float64,
) -> np.ndarray:
    """Relative errors |approx(ε) − exact| / |exact| of one scheme, one per ε in ``eps_values``.

    ``x`` and every ε are first converted to ``dtype`` (float64 or float32), so the difference
    quotient is computed in that precision; ``exact`` is the true derivative (a float64 number).
    Returns an array of shape (len(eps_values),).  Plotted against ε on log-log axes this is the
    V-shaped curve: truncation error falling to the right, round-off error rising to the left.
    """
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"dtype must be a real floating-point type (float64, float32), but got {dtype}")
    _check_point(exact)
    if exact == 0:
        raise ValueError(
            "exact must be nonzero: the relative error |approx − exact| / |exact| is undefined at 0; "
            "use derivative_errors for absolute errors instead"
        )
    errors = derivative_errors(f, dtype.type(x), float(exact), [dtype.type(eps) for eps in eps_values], method)
    return errors / abs(float(exact))


def best_step(eps_values: Sequence[float], errors: Sequence[float]) -> tuple[float, float]:
    """The step with the smallest error, and that error: (ε*, error(ε*)) read off a sweep."""
    eps_values = np.asarray(eps_values, dtype=float)
    errors = np.asarray(errors, dtype=float)
    if eps_values.shape != errors.shape or eps_values.size == 0:
        raise ValueError(
            f"eps_values and errors must be non-empty and of equal length, got {eps_values.size} and {errors.size}"
        )
    at = int(np.nanargmin(errors))
    return float(eps_values[at]), float(errors[at])


def optimal_step_table(dtypes: Sequence = (np.float64, np.float32)) -> list[dict]:
    """The rule-of-thumb steps and errors per dtype, from its machine epsilon u = ``np.finfo(dtype).eps``.

    Forward: truncation ~ε, round-off ~u/ε, balanced at ε* = √u with error ~√u.
    Central: truncation ~ε², round-off ~u/ε, balanced at ε* = ∛u with error ~u^(2/3).
    (For |θ| > 1 multiply the step by |θ|, as :func:`default_step` does.)  One dict per dtype with
    keys "dtype", "u", "forward_step", "forward_error", "central_step", "central_error".
    """
    rows = []
    for dtype in dtypes:
        dtype = np.dtype(dtype)
        u = float(np.finfo(dtype).eps)
        rows.append({
            "dtype": dtype.name,
            "u": u,
            "forward_step": default_step(1.0, "forward", dtype),
            "forward_error": math.sqrt(u),
            "central_step": default_step(1.0, "central", dtype),
            "central_error": u ** (2 / 3),
        })
    return rows
