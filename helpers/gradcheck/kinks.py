"""Kinks: where the loss is not smooth within ±ε, a correct backward gets a wrong numerical value.

A ReLU input crossing 0, a max-pool or amax tie, |x| at 0: the difference quotient straddles two
slopes.  Such an element is not judged (a "kink"), never reported as a bug.  The test uses the
five values J(θ − 2h), J(θ − h), J(θ), J(θ + h), J(θ + 2h) and the three second differences L, C, R
centred at θ − h, θ, θ + h:

- smooth: they agree up to h³·|J‴| and round-off, so spread = max(|C−L|, |C−R|, |R−L|)/h ≈ h²·|J‴|;
- a kink with slope jump Δ inside the stencil: they differ by about Δ·h, so spread ≈ Δ — it does
  not shrink with h.

An element is a kink candidate when spread > 8·R/h + 6·C·(h/s)²·G (the most a smooth loss gives,
round-off included, for curvature of the order of the gradient's scale G at the element's scale
s).  A strongly curved but smooth coordinate can exceed that, so the candidate is tested again
with h/8: a smooth spread falls 64-fold (or under the bound), a kink's does not.  Only a kink
that is still there at h/8 is a kink; otherwise the element is judged with the small step.
"""

from __future__ import annotations

from typing import NamedTuple

from helpers.gradcheck.numerical import _flat, _losses_at
from helpers.gradcheck.tolerance import SAFETY

RETRY = 8.0  # the retry's step is h / RETRY


class Stencil(NamedTuple):
    """J at θ_i + k·h for k = −2 … 2 (J0 at k = 0), and h."""

    minus2: float
    minus: float
    J0: float
    plus: float
    plus2: float
    h: float


def stencil(loss, params, name, p, i, h, J0, single, known=None) -> Stencil:
    """Evaluate the 5-point stencil of element i with step h (``known``: (J₊, J₋) already computed)."""
    x = float(_flat(p)[i])
    if known is None:
        minus2, minus, plus, plus2 = _losses_at(loss, params, name, p, i, [x - 2 * h, x - h, x + h, x + 2 * h], single)
    else:
        plus, minus = known
        minus2, plus2 = _losses_at(loss, params, name, p, i, [x - 2 * h, x + 2 * h], single)
    return Stencil(minus2, minus, J0, plus, plus2, float(h))


def spread(st: Stencil) -> float:
    """max(|C−L|, |C−R|, |R−L|)/h for the second differences L, C, R of the stencil."""
    left = st.J0 - 2 * st.minus + st.minus2
    centre = st.plus - 2 * st.J0 + st.minus
    right = st.plus2 - 2 * st.plus + st.J0
    return max(abs(centre - left), abs(centre - right), abs(right - left)) / st.h


def smooth_bound(h: float, scale: float, G: float, R: float) -> float:
    """The largest spread a smooth loss gives: 8·R/h + 6·C·(h/s)²·G."""
    return 8 * R / h + 6 * SAFETY * (h / scale) ** 2 * G


def smooth_stencil(loss, params, name, p, i, first: Stencil, scale, G, R, single) -> Stencil | None:
    """The stencil to judge element i with: ``first`` if smooth, the h/8 one if smooth there, else None (a kink)."""
    s1 = spread(first)
    if s1 <= smooth_bound(first.h, scale, G, R):
        return first
    small = stencil(loss, params, name, p, i, first.h / RETRY, first.J0, single)
    s2 = spread(small)
    if s2 <= smooth_bound(small.h, scale, G, R) or s2 <= s1 / (2 * RETRY):
        return small
    return None
