"""Numerical gradients: perturb one element at a time, in place, and always restore it.

For every element θ_i (e_i its unit vector) with step ε_i:
central (J(θ+ε_i e_i) − J(θ−ε_i e_i)) / 2ε_i, forward (J(θ+ε_i e_i) − J(θ)) / ε_i, complex
Im J(θ+iε_i e_i) / ε_i.  The perturbation goes through a flat view of each array and every element
is restored in a ``finally`` clause, so the caller's arrays are bit-identical afterwards — also
when ``loss`` raises.  Nothing is copied per evaluation: a central gradient costs 2N evaluations.
Also here: the checks on what ``loss`` returns (a finite real float, the same one every time).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from helpers.derivatives import default_step
from helpers.gradcheck.inputs import (
    _F64,
    SINGLE_NAME,
    _check_eps,
    _check_loss,
    _check_method,
    _check_params,
    _element,
    _named,
)


def tensor_scale(p: np.ndarray) -> float:
    """s, the typical size of a tensor's values: the median of its nonzero |θ_j|, or 1 if it has none.

    The median, not the mean or the largest, so that one large element does not set the step of
    all the small ones; 1 for an all-zero tensor (a bias initialised at 0), as in default_step.
    """
    values = np.abs(p.astype(np.float64, copy=False)).reshape(-1)
    nonzero = values[values > 0]
    return float(np.median(nonzero)) if nonzero.size else 1.0


SMALLEST_SCALE = 1e-8
"""Scales below this are taken as 1e-8 (steps ≥ 6e-14): a step far below it lets products of small
parameters underflow, e.g. ε·θ² for θ ≈ 1e-150."""


def element_scales(p: np.ndarray) -> np.ndarray:
    """s_i = max(|θ_i|, s, 1e-8) for every element of p (flattened): the scale its step is relative to."""
    return np.maximum(np.abs(p.astype(np.float64, copy=False)).reshape(-1), max(tensor_scale(p), SMALLEST_SCALE))


def _steps(p: np.ndarray, eps, method: str) -> np.ndarray:
    """The step ε_i for every element of p (flattened, float64).

    eps=None: ε_i = c·s_i with c = ∛u (central), √u (forward), 1e-20 (complex) — the rule of
    ``default_step`` — and s_i = max(|θ_i|, s, 1e-8), s the tensor's scale (:func:`tensor_scale`).  Relative to the
    scale of the parameter *and of its tensor*, not to 1: weights of size 1e-4 get steps of
    6e-10, not 6e-6 (6 % of the weights), and the check gives the same verdict on θ and on s·θ.
    """
    if eps is None:
        return default_step(1.0, method, p.dtype) * element_scales(p)
    return np.full(p.size, float(eps))


def _flat(p: np.ndarray):
    """A flat, writeable view of p's elements in C order: reshape(-1) if contiguous, else p.flat."""
    if p.flags.c_contiguous:
        return p.reshape(-1)
    return p.flat


def _bad_loss(value, where: str, complex_ok: bool = False):
    """Turn loss(...)'s return value into a float (or complex), or raise naming the fix."""
    if value is None:
        raise TypeError(
            f"loss returned None at {where}: is a `return` missing at the end of the loss function? "
            "It must return the cost as a float"
        )
    if isinstance(value, (bool, np.bool_, int, np.integer)):
        raise TypeError(
            f"loss returned the integer {value!r} at {where}: a step of ε cannot change an integer, "
            "so every numerical derivative would be 0. Return the cost as a float — look for int(), "
            "round(), // or an integer array (np.float64 arithmetic) in the loss"
        )
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


def _value(value, where: str) -> float:
    """loss(...)'s value as a finite float, or an error naming ``where`` and the fix."""
    if (type(value) is float or type(value) is _F64) and value - value == 0.0:
        return float(value)
    return _bad_loss(value, where)


def _check_deterministic(loss, params, J0: float) -> None:
    """J(θ) a second time must equal the first, bit for bit: a check of a random loss is noise.

    One extra evaluation.  Without it, a loss with fresh dropout masks or a fresh minibatch at
    every call makes every numerical derivative noise, and the measured round-off σ (which
    sets the tolerance) swallows it: the check would pass anything.
    """
    again = _value(loss(params), "the unperturbed params (second call)")
    if again != J0:
        raise ValueError(
            f"loss(params) returned {J0!r} and then {again!r} for the same params: the loss is not a "
            "fixed function of params, so no gradient check can judge it. Remove the randomness from "
            "the loss you check: turn dropout off or seed its masks (the same masks at every call), "
            "use one fixed minibatch, and put batch norm in a fixed mode."
        )


def _shifted_losses(loss, params, name, p, steps, single, signs=(1.0, -1.0), indices=None):
    """J(θ + s·ε_i e_i) for every element i of p and each sign s: one float64 array per sign.

    ``indices`` (flat, optional): evaluate only those elements; the others are NaN (sampling).
    The hot loop of the checker: per evaluation one store into the flat view, one call of
    ``loss`` and a type/finiteness test on its value — O(1), no copies.
    """
    flat = _flat(p)
    base = p.astype(np.float64, copy=False).reshape(-1)
    targets = [(base + sign * steps).tolist() for sign in signs]
    labels = ["+" if sign > 0 else "-" for sign in signs]
    fill = 0.0 if indices is None else float("nan")
    out = [[fill] * p.size for _ in signs]
    for i in (range(p.size) if indices is None else indices.tolist()):
        old = flat[i]
        try:
            for values, target, label in zip(out, targets, labels, strict=True):
                flat[i] = target[i]
                value = loss(params)
                if (type(value) is not float and type(value) is not _F64) or value - value != 0.0:
                    value = _bad_loss(value, _where(name, single, p.shape, i, label, steps[i]))
                values[i] = value
        finally:
            flat[i] = old
    return [np.array(values) for values in out]


def _losses_at(loss, params, name, p, i, values, single):
    """J with element i of p set to each of ``values`` in turn (a few extra evaluations)."""
    flat = _flat(p)
    old = flat[i]
    out = []
    try:
        for x in values:
            flat[i] = x
            value = loss(params)
            if (type(value) is not float and type(value) is not _F64) or value - value != 0.0:
                value = _bad_loss(value, f"{_element(name, single, p.shape, i)} = {x:.6e}")
            out.append(value)
    finally:
        flat[i] = old
    return out


def _complex_derivatives(loss, params, name, p, steps, single, indices=None):
    """Im J(θ + iε_i e_i) / ε_i for every element i of p.

    The complex step needs a complex working copy of this one tensor (a real array cannot hold
    θ_i + iε): the copy is made once per tensor; for dict params it replaces params[name] for the
    duration and the original array is put back in a finally clause.
    """
    work = np.array(p, dtype=np.result_type(p.dtype, np.complex64), order="C")
    wflat = work.reshape(-1)
    n = p.size
    out = np.full(n, 0.0 if indices is None else np.nan)
    if single:
        target = work
    else:
        target = params
        params[name] = work
    try:
        for i in (range(n) if indices is None else indices.tolist()):
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
    eps : the step ε; ``None``: ε_i = c·max(|θ_i|, s), c = ∛u central, √u forward (u the dtype's
        round-off, the rule of ``default_step``), s the tensor's typical |θ| (``tensor_scale``).
    method : "central" (default), "forward" or "complex".

    Returns the same structure as ``params``: an array of the same shape (float64), or a dict
    with the same keys and shapes.  ``params`` is perturbed in place and every element is
    restored in a ``finally`` clause: afterwards the arrays are bit-identical, also if ``loss``
    raises.  No copy of the parameters is made per evaluation.
    """
    _check_loss(loss)
    _check_method(method)
    _check_eps(eps)
    named, single = _named(params)
    _check_params(named, single)
    numeric = {}
    base = None
    for name, p in named.items():
        steps = _steps(p, eps, method)
        if method == "central":
            plus, minus = _shifted_losses(loss, params, name, p, steps, single)
            grad = (plus - minus) / (2 * steps)
        elif method == "forward":
            if base is None:
                base = _value(loss(params), "the unperturbed params")
            (plus,) = _shifted_losses(loss, params, name, p, steps, single, signs=(1.0,))
            grad = (plus - base) / steps
        else:
            grad = _complex_derivatives(loss, params, name, p, steps, single)
        numeric[name] = grad.reshape(p.shape)
    return numeric[SINGLE_NAME] if single else numeric
