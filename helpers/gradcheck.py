"""Numerical gradients, the two relative errors, and the gradient check with its report.

Notation of the series: θ (``theta`` / ``params``) the parameters, ε (``eps``) the step,
J (``loss``) the scalar cost, ``grads`` the analytic gradient, ``numeric`` its finite-difference
estimate.  ``params`` is either one float array (reported under the name ``"theta"``) or a
dict of named float arrays; every result has the same structure.

The perturbation is done **in place**, one element at a time, through a flat view of each array,
and every element is restored in a ``finally`` clause, so the caller's arrays are bit-identical
afterwards — also when ``loss`` raises.  Nothing is copied per evaluation: a full central check
costs 2N evaluations of ``loss`` and (almost) nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from helpers.derivatives import default_step

__all__ = [
    "numerical_gradient",
    "relative_error",
    "gradient_difference",
]

_METHODS = ("central", "forward", "complex")
SINGLE_NAME = "theta"  # the name a bare array of parameters is reported under


# --------------------------------------------------------------------------------------------
# structure: one array or a dict of named arrays
# --------------------------------------------------------------------------------------------

def _label(name: str, single: bool) -> str:
    return "theta" if single else f"params[{name!r}]"


def _element(name: str, single: bool, shape: tuple, flat_index: int) -> str:
    index = tuple(int(i) for i in np.unravel_index(flat_index, shape)) if shape else ()
    inside = ", ".join(str(i) for i in index)
    return f"{_label(name, single)}[{inside}]"


def _named(params, what: str = "params") -> tuple[dict[str, np.ndarray], bool]:
    """(dict name -> array, single) for an array or a dict of arrays; validates each array."""
    if isinstance(params, np.ndarray):
        named, single = {SINGLE_NAME: params}, True
    elif isinstance(params, Mapping):
        if not params:
            raise ValueError(f"{what} is an empty dict; pass at least one named array")
        named, single = dict(params), False
        for name in named:
            if not isinstance(name, str):
                raise TypeError(f"{what} keys must be strings (tensor names), got {name!r}")
    else:
        raise TypeError(
            f"{what} must be a NumPy array or a dict of NumPy arrays, but got "
            f"{type(params).__name__}; wrap it, e.g. np.asarray(theta, dtype=np.float64)"
        )
    for name, p in named.items():
        label = what if single else f"{what}[{name!r}]"
        if not isinstance(p, np.ndarray):
            raise TypeError(
                f"{label} must be a NumPy array (it is perturbed in place), but got "
                f"{type(p).__name__}; convert it with np.asarray(..., dtype=np.float64)"
            )
    return named, single


def _check_params(named: dict[str, np.ndarray], single: bool) -> None:
    """Float dtype, writeable, finite, no two tensors sharing memory."""
    for name, p in named.items():
        label = _label(name, single)
        if p.dtype.kind in "iub":
            raise TypeError(
                f"{label} has integer dtype {p.dtype}: a step of 1e-5 added to an integer array "
                f"is lost when it is stored; convert it first with {label} = {label}.astype(float)"
            )
        if p.dtype.kind == "c":
            raise TypeError(
                f"{label} is complex ({p.dtype}); gradient checks need real parameters — "
                "for the complex step use real params and method='complex'"
            )
        if p.dtype.kind != "f":
            raise TypeError(f"{label} has dtype {p.dtype}; parameters must be a float array (np.float64)")
        if not p.flags.writeable:
            raise ValueError(
                f"{label} is read-only, so it cannot be perturbed in place; pass a writeable "
                f"copy ({label}.copy())"
            )
        if p.size and not np.isfinite(p).all():
            values = p.ravel()
            bad = int(np.flatnonzero(~np.isfinite(values))[0])
            raise ValueError(
                f"{_element(name, single, p.shape, bad)} is {values[bad]}; the gradient is only "
                "defined at finite parameters — fix the initialisation or the update that produced it"
            )
    names = list(named)
    for a in range(len(names)):
        for b in range(a + 1, len(names)):
            if np.shares_memory(named[names[a]], named[names[b]]):
                raise ValueError(
                    f"params[{names[a]!r}] and params[{names[b]!r}] share memory, so perturbing one "
                    "moves the other; pass separate arrays (.copy()) or one tensor"
                )


def _check_method(method: str) -> None:
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, but got method={method!r}")


def _check_eps(eps) -> None:
    if eps is None:
        return
    if isinstance(eps, bool) or not np.isscalar(eps) or not np.isreal(eps):
        raise TypeError(f"eps must be None (default step) or a positive number, but got eps={eps!r}")
    if not np.isfinite(eps) or eps <= 0:
        raise ValueError(
            f"eps must be a positive finite number, but got eps={eps!r}; "
            "use eps=None for the default step ∛u·max(1, |θ|)"
        )


def _steps(p: np.ndarray, eps, method: str) -> np.ndarray:
    """The step ε_i for every element of p (flattened, float64).

    eps=None: ``default_step(θ_i, method, p.dtype)`` = c·max(1, |θ_i|) with c = ∛u (central),
    √u (forward), 1e-20 (complex) — computed for all elements at once, same numbers.
    """
    values = np.abs(p.astype(np.float64, copy=False)).reshape(-1)
    if eps is None:
        return default_step(1.0, method, p.dtype) * np.maximum(1.0, values)
    return np.full(values.shape, float(eps))


def _flat(p: np.ndarray):
    """A flat, writeable view of p's elements in C order: reshape(-1) if contiguous, else p.flat."""
    if p.flags.c_contiguous:
        return p.reshape(-1)
    return p.flat


# --------------------------------------------------------------------------------------------
# evaluating the loss
# --------------------------------------------------------------------------------------------

def _bad_loss(value, where: str, complex_ok: bool = False):
    """Turn loss(...)'s return value into a float (or complex), or raise naming the fix."""
    if np.ndim(value) != 0:
        raise ValueError(
            f"loss must return a single number, but at {where} it returned shape {np.shape(value)}; "
            "reduce it to a scalar, e.g. with .sum() or .mean()"
        )
    if complex_ok:
        if not np.iscomplexobj(value):
            raise TypeError(
                f"method='complex' needs a loss that keeps complex arithmetic, but at {where} it "
                f"returned the real {type(value).__name__} {value!r}; avoid float(), abs(), "
                "np.real, np.maximum in the loss or use method='central'"
            )
        value = complex(value)
        if not np.isfinite(value):
            raise ValueError(f"loss returned {value} at {where}; {_NONFINITE_FIX}")
        return value
    if np.iscomplexobj(value):
        raise TypeError(
            f"loss must return a real number, but at {where} it returned {type(value).__name__}; "
            "return np.real(...) of it or check the computation"
        )
    try:
        value = float(value)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"loss must return a real number, but at {where} it returned {type(value).__name__}"
        ) from error
    if value - value != 0.0:
        raise ValueError(f"loss returned {value} at {where}; {_NONFINITE_FIX}")
    return value


_NONFINITE_FIX = (
    "a finite-difference check needs a finite loss: clip the logits/probabilities (e.g. "
    "np.clip(a, 1e-12, 1 - 1e-12) inside the log), fix the overflow, or use a smaller eps"
)


def _value(value, where_fn: Callable[[], str]) -> float:
    """Fast path for the common case (a Python/NumPy float that is finite)."""
    if type(value) is float or type(value) is np.float64:
        value = float(value)
        if value - value == 0.0:
            return value
    return _bad_loss(value, where_fn())


def _central_losses(loss, params, name, p, steps, single):
    """J(θ + ε_i e_i) and J(θ − ε_i e_i) for every element i of p (two lists of floats)."""
    flat = _flat(p)
    base = p.astype(np.float64, copy=False).reshape(-1)
    ups = (base + steps).tolist()
    downs = (base - steps).tolist()
    n = p.size
    plus = [0.0] * n
    minus = [0.0] * n
    for i in range(n):
        old = flat[i]
        try:
            flat[i] = ups[i]
            plus[i] = _value(loss(params), lambda: _where(name, single, p.shape, i, "+", steps[i]))
            flat[i] = downs[i]
            minus[i] = _value(loss(params), lambda: _where(name, single, p.shape, i, "-", steps[i]))
        finally:
            flat[i] = old
    return np.array(plus), np.array(minus)


def _forward_losses(loss, params, name, p, steps, single):
    """J(θ + ε_i e_i) for every element i of p."""
    flat = _flat(p)
    base = p.astype(np.float64, copy=False).reshape(-1)
    ups = (base + steps).tolist()
    n = p.size
    plus = [0.0] * n
    for i in range(n):
        old = flat[i]
        try:
            flat[i] = ups[i]
            plus[i] = _value(loss(params), lambda: _where(name, single, p.shape, i, "+", steps[i]))
        finally:
            flat[i] = old
    return np.array(plus)


def _complex_derivatives(loss, params, name, p, steps, single):
    """Im J(θ + iε_i e_i) / ε_i for every element i of p.

    The complex step needs a complex working copy of this one tensor (a real array cannot hold
    θ_i + iε): the copy is made once per tensor; for dict params it replaces params[name] for the
    duration and the original array is put back in a finally clause.
    """
    work = np.array(p, dtype=np.result_type(p.dtype, np.complex64), order="C")
    wflat = work.reshape(-1)
    n = p.size
    out = np.empty(n)
    if single:
        target = work
    else:
        target = params
        params[name] = work
    try:
        for i in range(n):
            old = wflat[i]
            try:
                wflat[i] = old + 1j * steps[i]
                value = loss(target)
                if type(value) is not complex:
                    value = _bad_loss(value, _where(name, single, p.shape, i, "+i", steps[i]), True)
                elif not np.isfinite(value):
                    _bad_loss(value, _where(name, single, p.shape, i, "+i", steps[i]), True)
                out[i] = value.imag / steps[i]
            finally:
                wflat[i] = old
    finally:
        if not single:
            params[name] = p
    return out


def _where(name, single, shape, i, sign, step) -> str:
    return f"{_element(name, single, shape, i)} moved by {sign}eps = {sign}{step:.3e}"


# --------------------------------------------------------------------------------------------
# public functions
# --------------------------------------------------------------------------------------------

def numerical_gradient(loss: Callable, params, eps: float | None = None, method: str = "central"):
    """The gradient of ``loss`` at ``params`` by finite differences, one element at a time.

    For every element θ_i (e_i the unit vector of that element):

    - ``central``:  (J(θ + ε e_i) − J(θ − ε e_i)) / 2ε      error O(ε²), 2N evaluations
    - ``forward``:  (J(θ + ε e_i) − J(θ)) / ε               error O(ε),  N + 1 evaluations
    - ``complex``:  Im J(θ + iε e_i) / ε                     error O(ε²), no cancellation, N
      evaluations in complex arithmetic.  A real array cannot hold θ_i + iε, so each tensor in
      turn is replaced by a complex working copy (made once per tensor; for a dict,
      ``params[name]`` is that copy while its elements are perturbed and the original array
      object is put back afterwards).  ``loss`` must keep complex arithmetic (no ``float()``,
      ``abs``, ``np.maximum``).

    Parameters
    ----------
    loss : callable, ``loss(params) -> float``; called with the very object you pass.
    params : float ndarray, or dict[str, float ndarray] (each of any shape).
    eps : the step ε; ``None`` uses ``default_step(θ_i, method, dtype)`` per element
        (∛u·max(1, |θ_i|) for central, √u·max(1, |θ_i|) for forward, u the dtype's round-off).
    method : "central" (default), "forward" or "complex".

    Returns the same structure as ``params``: an array of the same shape (float64), or a dict
    with the same keys and shapes.  ``params`` is perturbed in place and every element is
    restored in a ``finally`` clause: afterwards the arrays are bit-identical, also if ``loss``
    raises.  No copy of the parameters is made per evaluation.
    """
    if not callable(loss):
        raise TypeError(f"loss must be a function loss(params) -> float, but got {type(loss).__name__}")
    _check_method(method)
    _check_eps(eps)
    named, single = _named(params)
    _check_params(named, single)
    numeric = {}
    base = None
    for name, p in named.items():
        steps = _steps(p, eps, method)
        if method == "central":
            plus, minus = _central_losses(loss, params, name, p, steps, single)
            grad = (plus - minus) / (2 * steps)
        elif method == "forward":
            if base is None:
                base = _value(loss(params), lambda: "the unperturbed params")
            grad = (_forward_losses(loss, params, name, p, steps, single) - base) / steps
        else:
            grad = _complex_derivatives(loss, params, name, p, steps, single)
        numeric[name] = grad.reshape(p.shape)
    return numeric[SINGLE_NAME] if single else numeric


def relative_error(a, b) -> np.ndarray:
    """Element-wise relative error  |a − b| / max(|a|, |b|),  0 where both are 0 (CS231n).

    a, b: arrays (or numbers) of the same shape; returns a float64 array of that shape.
    Each entry lies in [0, 2]: 1 when one of the two is 0, 2 when they are opposite.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"relative_error needs equal shapes, got a.shape={a.shape} and b.shape={b.shape}")
    difference = np.abs(a - b)
    scale = np.maximum(np.abs(a), np.abs(b))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(scale > 0, difference / np.where(scale > 0, scale, 1.0), 0.0)


def gradient_difference(grads, numeric) -> float:
    """The norm-wise difference  ‖g − n‖₂ / (‖g‖₂ + ‖n‖₂)  over all parameters together.

    The one number of the deeplearning.ai assignment.  ``grads`` and ``numeric``: arrays of the
    same shape, or dicts with the same keys and shapes (all tensors are concatenated).
    0 when both are zero; at most 1.
    """
    g_named, _ = _named(grads, "grads")
    n_named, _ = _named(numeric, "numeric")
    if set(g_named) != set(n_named):
        raise ValueError(
            f"grads and numeric must have the same keys, got {sorted(g_named)} and {sorted(n_named)}"
        )
    difference2 = g2 = n2 = 0.0
    for name, g in g_named.items():
        n = n_named[name]
        if g.shape != n.shape:
            raise ValueError(f"grads[{name!r}] has shape {g.shape} but numeric[{name!r}] has shape {n.shape}")
        g = g.astype(np.float64, copy=False).ravel()
        n = n.astype(np.float64, copy=False).ravel()
        difference2 += float(np.dot(g - n, g - n))
        g2 += float(np.dot(g, g))
        n2 += float(np.dot(n, n))
    denominator = np.sqrt(g2) + np.sqrt(n2)
    return 0.0 if denominator == 0 else float(np.sqrt(difference2) / denominator)
