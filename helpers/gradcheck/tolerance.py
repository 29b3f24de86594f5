"""How far a correct numerical derivative may stray: theory for the screen, measurements for the verdict.

A central difference with step ε errs by truncation plus round-off,

    (J(θ+ε) − J(θ−ε)) / 2ε  =  J'  +  ε²·J‴/6  +  O(δJ/ε),

where δJ is the round-off of one evaluation of J.  The checker never *assumes* either term where
the verdict depends on it:

- **Round-off δJ is measured** (:func:`loss_noise`): J is evaluated at 6 irregular offsets around a
  smooth element and a cubic is fitted; the residual is noise.  A probe that lands on a kink or a
  tie is recognised — its residual shrinks with the offsets instead of staying put — and
  rejected.  R = max(2·u·|J|, 10·σ) is the round-off allowed per evaluation.
- **The screen** (:func:`screen_threshold`) is cheap theory: rtol·max(|g|,|n|) + (ε/s)ᵖ·G +
  m·R/ε + C·u·G, with s the element's scale (so θ and 1000·θ are judged alike).  Almost every
  element of a correct gradient passes it; the few that do not are *measured*.
- **Truncation is measured** (:func:`richardson`) for those: J(θ±2ε) gives a second estimate
  n₂ₕ; n_R = nₕ + (nₕ − n₂ₕ)/3 cancels the ε² term, and τ = |n₂ₕ − nₕ|/3 is nₕ's own truncation.
  The element disagrees if |g − n_R| > rtol·max(|g|,|n_R|) + 2τ + 2R/ε + C·u·G.

rtol (:func:`default_rtol`) is the square root of the best relative error the method reaches:
u^(1/3) for central differences (6.1e-6 in float64), "agree on at least half of the digits the
method can deliver".
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from helpers.gradcheck.inputs import _check_method
from helpers.gradcheck.numerical import _flat, _losses_at

SAFETY = 1000.0
"""Safety factor C for round-off of the gradients themselves and in the kink test."""

NOISE_FACTOR = 10.0
"""Multiple of the measured round-off σ of one loss evaluation allowed."""

ROUNDOFF_UNITS = 2.0
"""The least round-off allowed per evaluation, in units of u·|J| (a loss computed to its last digits)."""

# (p, m): truncation order and number of rounded evaluations per estimate, by method
ORDERS = {"central": (2, 1.0), "forward": (1, 2.0), "complex": (2, 0.0)}


def default_rtol(dtype=np.float64, method: str = "central") -> float:
    """The default relative tolerance: the square root of the best relative error the method reaches.

    With u the machine epsilon of ``dtype`` (``np.finfo(dtype).eps``): central u^(2/3) → rtol = u^(1/3)
    (6.1e-6 in float64, 4.9e-3 in float32); forward u^(1/2) → u^(1/4) (1.2e-4, 1.9e-2); complex u → u^(1/2)
    (1.5e-8, 3.5e-4).  "Agree on at least half of the digits the method can deliver."
    """
    _check_method(method)
    u = float(np.finfo(dtype).eps)
    return {"central": u ** (1 / 3), "forward": u ** 0.25, "complex": u ** 0.5}[method]


def round_off(u: float, J_scale: float, sigma: float) -> float:
    """R, the round-off allowed per loss evaluation: max(2·u·|J|, 10·σ)."""
    return max(ROUNDOFF_UNITS * u * J_scale, NOISE_FACTOR * sigma)


def screen_threshold(g, numeric, steps, scales, G, u, rtol, R, method) -> np.ndarray:
    """The first screen, per element: rtol·max(|g|,|n|) + (ε/s)ᵖ·G + m·R/ε + C·u·G + tiny."""
    p, m = ORDERS[method]
    return (rtol * np.maximum(np.abs(g), np.abs(numeric)) + (steps / scales) ** p * G + m * R / steps
            + SAFETY * u * G + np.finfo(np.float64).smallest_normal)


# --- measured round-off ------------------------------------------------------------------------

# irregular offsets (in units of the step) for the round-off probe: not multiples of one another,
# so rounding errors cannot line up (a quantised loss can look exactly linear on an even grid)
_PROBE_OFFSETS = (-1.93, -1.29, -0.61, 0.37, 1.07, 1.71)
_VANDERMONDE = np.vander(np.array((0.0, *_PROBE_OFFSETS)), 4)
# residual of the least-squares cubic fit: r = (I − V·V⁺)·J, the same matrix for every probe
_RESIDUAL = np.eye(len(_VANDERMONDE)) - _VANDERMONDE @ np.linalg.pinv(_VANDERMONDE)
_SHRINK = 16.0  # the second probe's offsets are 16 times smaller


def _fit_residual(loss, params, p, name, i, h, J0, single) -> tuple[float, bool]:
    """(σ of the residual of a cubic through J at θ_i and θ_i + t·h, t in _PROBE_OFFSETS (3 dof),
    whether J did not move at all)."""
    x = float(_flat(p)[i])
    values = np.array([J0, *_losses_at(loss, params, name, p, i, [x + t * h for t in _PROBE_OFFSETS], single)])
    residual = _RESIDUAL @ (values - J0)
    return float(np.sqrt(residual @ residual / (len(values) - 4))), bool(np.all(values == J0))


def probe(loss, params, p, name, i, h, J0, single) -> float | None:
    """Round-off σ of the loss seen from element i, or None where the residual is not noise.

    Fitted twice, with offsets ±2h and ±2h/16 (12 evaluations).  Round-off does not depend on
    the offsets; the residual of a kink or a tie inside the probe shrinks with them (16-fold).
    So σ(h/16) < σ(h)/8 rejects the probe (two noise estimates with 3 degrees of freedom each
    differ that much rarely) — unless J did not move at all at the small offsets: a loss quantised
    coarser than those steps (cancellation) is noise, not a kink.  Otherwise σ is the larger.
    """
    wide, _ = _fit_residual(loss, params, p, name, i, float(h), J0, single)
    narrow, flat = _fit_residual(loss, params, p, name, i, float(h) / _SHRINK, J0, single)
    if narrow < wide / 8 and not flat:
        return None
    return max(wide, narrow)


def loss_noise(loss, params, named, g_named, results, J0, single) -> float:
    """σ₀, the measured round-off of one evaluation of the loss (0 if no probe is valid).

    The model term u·|J| assumes the loss is computed to its last digit; cancellation (e.g.
    log(1 + e^z) − z for large z) makes the real round-off far larger.  In up to 4 tensors
    (largest gradients first) the probe goes to the element where analytic and numeric agree on
    the largest magnitude — a smooth spot, unless it is a kink or a tie, which the probe rejects:
    then the next such element is tried (3 per tensor at most).  σ₀ is the median of the valid
    probes (the largest if fewer than 3).
    """
    order = {}
    for name in named:
        numeric = results[name].numeric
        both = np.nan_to_num(np.minimum(np.abs(g_named[name].reshape(-1)), np.abs(numeric)), nan=0.0)
        ranked = np.argsort(-both, kind="stable")[:3]
        order[name] = [(float(both[i]), int(i)) for i in ranked if both[i] > 0]
    probes = []
    for name in sorted((n for n in named if order[n]), key=lambda n: -order[n][0][0])[:4]:
        for _, i in order[name]:
            sigma = probe(loss, params, named[name], name, i, results[name].steps[i], J0, single)
            if sigma is not None:
                probes.append(sigma)
                break
    if not probes:
        return 0.0
    return float(np.median(probes)) if len(probes) >= 3 else max(probes)


# --- measured truncation ---------------------------------------------------------------------------

class Measured(NamedTuple):
    """An element measured again: Richardson's estimate, nₕ's truncation, the step used."""

    numeric: float   # n_R = nₕ + (nₕ − n₂ₕ)/3, error O(h⁴)
    truncation: float  # τ = |n₂ₕ − nₕ|/3, the truncation of nₕ
    step: float


def richardson(stencil) -> Measured:
    """Richardson extrapolation from the central differences with steps h and 2h of a 5-point stencil."""
    n_h = (stencil.plus - stencil.minus) / (2 * stencil.h)
    n_2h = (stencil.plus2 - stencil.minus2) / (4 * stencil.h)
    return Measured(n_h + (n_h - n_2h) / 3, abs(n_2h - n_h) / 3, stencil.h)


def measured_threshold(g: float, measured: Measured, R: float, u: float, G: float, rtol: float) -> float:
    """rtol·max(|g|,|n_R|) + 2τ + 2R/h + C·u·G + tiny: what a correct g may differ from n_R by."""
    return (rtol * max(abs(g), abs(measured.numeric)) + 2 * measured.truncation + 2 * R / measured.step
            + SAFETY * u * G + float(np.finfo(np.float64).smallest_normal))
