"""check_gradient: compare a hand-written gradient with the numerical one, element by element.

Here: what is checked (inputs, sampling, a warning for float32) and the first pass — every
element's numerical derivative at its default step (2N evaluations, central).  The screen, the
measurements of the few elements above it and the verdict are the judge's (``judge``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from helpers.gradcheck.inputs import (
    _check_count,
    _check_loss,
    _check_method,
    _check_untouched,
    _checked_inputs,
    _generator,
    _label,
    _restore,
)
from helpers.gradcheck.judge import _Judge
from helpers.gradcheck.numerical import (
    _check_deterministic,
    _complex_derivatives,
    _shifted_losses,
    _steps,
    _value,
    element_scales,
)
from helpers.gradcheck.report import GradCheckReport
from helpers.gradcheck.tolerance import default_rtol


class PrecisionWarning(UserWarning):
    """Parameters in less than double precision: the check is much less sensitive."""


class FirstPass(NamedTuple):
    """One tensor's numerical derivatives at its steps (flat float64 arrays; NaN where not sampled)."""

    steps: np.ndarray
    scales: np.ndarray
    plus: np.ndarray | None
    minus: np.ndarray | None
    numeric: np.ndarray


def _sample_indices(named: dict, sample, rng) -> dict:
    """name -> sorted flat indices to check (None = every element), ``sample`` per tensor."""
    if sample is None:
        return dict.fromkeys(named)
    _check_count(sample, "sample", "None (check every element) or a whole number ≥ 1 of elements per tensor")
    rng = _generator(rng)
    return {name: (None if p.size <= sample else np.sort(rng.choice(p.size, size=int(sample), replace=False)))
            for name, p in named.items()}


def _first_pass(loss, params, name, p, eps, method, J0, single, indices) -> FirstPass:
    steps = _steps(p, eps, method)
    if method == "central":
        plus, minus = _shifted_losses(loss, params, name, p, steps, single, indices=indices)
        return FirstPass(steps, element_scales(p), plus, minus, (plus - minus) / (2 * steps))
    if method == "forward":
        (plus,) = _shifted_losses(loss, params, name, p, steps, single, signs=(1.0,), indices=indices)
        return FirstPass(steps, element_scales(p), plus, None, (plus - J0) / steps)
    numeric = _complex_derivatives(loss, params, name, p, steps, single, indices)
    return FirstPass(steps, element_scales(p), None, None, numeric)


def _warn_low_precision(named, single, method) -> None:
    low = [name for name, p in named.items() if np.finfo(p.dtype).eps > np.finfo(np.float64).eps]
    if low:
        p = named[low[0]]
        u = float(np.finfo(p.dtype).eps)
        warnings.warn(
            f"{_label(low[0], single)} is {p.dtype}: its machine epsilon u = {u:.2e}, so a central difference "
            f"is accurate to about u^(2/3) = {u ** (2 / 3):.1e} at best and the check uses the looser "
            f"rtol = {default_rtol(p.dtype, method):.1e}: smaller bugs go unseen.  Check gradients in "
            "float64 (params = {k: v.astype(np.float64) for k, v in params.items()}).",
            PrecisionWarning,
            stacklevel=3,
        )


def check_gradient(
    loss: Callable,
    params,
    grads,
    eps: float | None = None,
    method: str = "central",
    tol: float | None = None,
    *,
    atol: float | None = None,
    detect_kinks: bool = True,
    max_shown: int = 10,
    sample: int | None = None,
    rng=None,
) -> GradCheckReport:
    """Compare analytic ``grads`` with the numerical gradient of ``loss`` at ``params``, element by element.

    loss(params) -> float; params: float ndarray (reported as "theta") or dict[str, ndarray];
    grads: the same structure, shapes and dtypes.  Returns a GradCheckReport whose ``status`` is
    "passed", "failed" or "inconclusive" (``report.passed`` is True only for "passed").

    **Steps.**  eps=None: ε_i = c·max(|θ_i|, s), c = ∛u (central), s the tensor's typical |θ| —
    relative to the parameter's own scale, so the verdict on θ and on 1000·θ is the same.

    **The rule.**  Screen: element i agrees when |g_i − n_i| ≤ rtol·max(|g_i|,|n_i|) + (ε_i/s_i)ᵖ·G
    + m·R/ε_i + C·u·G (p, m = 2, 1 central; 1, 2 forward; 2, 0 complex), with G the tensor's
    largest magnitude that analytic and numeric agree on, R = max(10·u·|J|, 30·σ) the round-off of
    one loss evaluation (σ measured by probes, ``report.loss_noise``), C = 1000.  An element above
    the screen is measured: J(θ±2ε) (2 evaluations) give the kink test and Richardson's n_R with
    its truncation τ; it disagrees when |g_i − n_R| > rtol·max(|g_i|,|n_R|) + 2τ + 2R/ε + C·u·G,
    also after its own round-off probe.  ``tol`` replaces rtol; ``atol`` replaces everything but
    the rtol term by one absolute number.  rtol = u^(1/3) = 6.1e-6 for central float64
    (``default_rtol``): "agree on at least half of the digits the method can deliver".

    **Verdicts.**  failed: an element disagrees.  inconclusive: none does, but an element sits on a kink
    (its gradient could not be checked), or a tensor's whole gradient is within its tolerance (a bug there could
    not show), or an element that matters differs by more than 0.5 % yet within what its measured
    truncation allowed (the step is too large for the curvature) — ``report.reasons`` says which
    and what to do.  passed: otherwise.

    **Sampling.**  ``sample=k`` checks k elements of *every* tensor, drawn by ``rng`` (a Generator
    or a seed; None means seed 0, so a report is reproducible).

    **Cost.**  2N + 2 evaluations (central; J(θ) twice, to refuse a loss that is not deterministic)
    + 12 per round-off probe (up to 4 tensors) + 2 per element above the screen (+4 if it looks
    like a kink, +12 for its own probe, for at most 16 elements).

    **Safety.**  params are perturbed in place and restored in ``finally``; a copy of every tensor
    is kept to detect a loss that modifies its input and to restore the caller's arrays after
    any error: afterwards they are bit-identical.
    """
    _check_loss(loss)
    _check_method(method)
    if atol is not None and (isinstance(atol, bool) or not np.isscalar(atol) or not atol >= 0):
        raise ValueError(f"atol must be a number ≥ 0 or None (derived from the step), got atol={atol!r}")
    named, single, g_named = _checked_inputs(params, grads, eps, tol)
    chosen = _sample_indices(named, sample, rng)
    _warn_low_precision(named, single, method)
    backup = {name: p.copy() for name, p in named.items()}
    try:
        J0 = _value(loss(params), "the unperturbed params")
        _check_untouched(params, named, backup, single, "during the first (unperturbed) call")
        _check_deterministic(loss, params, J0)
        runs = {name: _first_pass(loss, params, name, p, eps, method, J0, single, chosen[name])
                for name, p in named.items()}
        _check_untouched(params, named, backup, single, "while the parameters were perturbed")
        judge = _Judge(loss, params, named, g_named, runs, J0, method, tol, atol, detect_kinks, single)
        report = judge.report(eps, sample, max_shown)
        _check_untouched(params, named, backup, single, "while measuring suspicious elements")
    except BaseException:
        _restore(params, named, backup, single)
        raise
    return report
