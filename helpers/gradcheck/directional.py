"""The directional check: the gradient along random directions, 2 loss evaluations each, whatever N.

For a unit vector v over all parameters, vᵀ∇J ≈ (J(θ+εv) − J(θ−εv)) / 2ε.  One wrong element
changes vᵀg by v_j·e_j (e_j its error), so a direction sees it unless v_j·e_j hides under the
tolerance, which scales with ‖∇J‖.  With v_j and vᵀ∇J roughly independent normals, a single
direction misses an error e with probability about

    P(miss) ≈ (2/π)·arctan(rtol·‖∇J‖ / |e|)

— essentially never for an error of the order of ‖∇J‖, often for an error far smaller than it
(a sign error on a component 1e-5 of ‖∇J‖ is missed by most directions).  So: directional first
(cheap, catches large bugs), then ``check_gradient(sample=k)`` (k elements of every tensor),
then the full check on what fails.  A direction along which the loss has a kink within ±2ε is
"kink" (not judged): the report is then inconclusive, never failed, on that evidence alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np

from helpers.derivatives import default_step
from helpers.gradcheck.errors import relative_error
from helpers.gradcheck.inputs import _check_count, _check_loss, _checked_inputs, _generator, _restore
from helpers.gradcheck.kinks import RETRY, Stencil, smooth_bound, spread
from helpers.gradcheck.numerical import _check_deterministic, _value
from helpers.gradcheck.report import Verdict, _fmt, _plural, _shown, html_table, text_table, verdict_colour
from helpers.gradcheck.tolerance import SAFETY, default_rtol, measured_threshold, richardson, round_off


class DirectionResult(NamedTuple):
    """One random direction v: analytic vᵀg, numeric (J(θ+εv) − J(θ−εv))/2ε, and the verdict."""

    analytic: float
    numeric: float
    relative_error: float
    passed: bool
    kink: bool = False


@dataclass(repr=False)
class DirectionalReport(Verdict):
    """What :func:`directional_check` found; ``str(report)`` is a table, one row per direction.

    status              "passed" (every direction agrees), "failed" (one disagrees) or
                        "inconclusive" (none disagrees, but the loss has a kink along one)
    passed              True only for "passed"
    directions          list of DirectionResult(analytic, numeric, relative_error, passed, kink)
    max_relative_error  the largest relative error over the directions
    n_evaluations       loss evaluations used (2 for J(θ) + 2 per direction + 2–6 per direction
                        that disagrees at first)
    n_params            number of scalar parameters the directions span
    eps, tol            the step along v and the relative tolerance
    """

    status: str
    directions: list
    max_relative_error: float
    n_evaluations: int
    n_params: int
    eps: float
    tol: float
    max_shown: int = 10

    def verdict(self) -> str:
        n_bad = sum(not d.passed and not d.kink for d in self.directions)
        n_kink = sum(d.kink for d in self.directions)
        what = f"{_plural(len(self.directions), 'random direction')} through all {self.n_params} parameters"
        cost = f"{self.n_evaluations} loss evaluations"
        if self.status == "passed":
            return f"PASSED: {what} agree within the tolerance ({cost})"
        if self.status == "inconclusive":
            return (f"INCONCLUSIVE: no disagreement, but along {_plural(n_kink, 'direction')} of {what} the loss "
                    f"has a kink within ±2·eps ({cost}).\nCheck at another point, or use "
                    "check_gradient(loss, params, grads, sample=5), which reports kinks element by element.")
        return (f"FAILED: {n_bad} of {what} disagree (max rel. error {_fmt(self.max_relative_error)}, {cost})."
                "\nTo locate the fault: check_gradient(loss, params, grads, sample=5) checks 5 elements of "
                "every tensor; then run check_gradient on the failing tensors.")

    def _rows(self) -> list[list[str]]:
        return [[str(k), f"{d.analytic:.4e}", f"{d.numeric:.4e}", _shown(d.relative_error, d.passed),
                 "kink" if d.kink else ("ok" if d.passed else "MISMATCH")]
                for k, d in enumerate(self.directions[: self.max_shown])]

    HEAD: ClassVar[list[str]] = ["direction", "analytic vᵀg", "numeric", "rel. error", "verdict"]

    def __str__(self) -> str:
        lines = [f"directional check: central differences along unit vectors v, eps = {self.eps:.1e}, "
                 f"rtol = {self.tol:.1e}", *text_table(self.HEAD, self._rows(), right={1, 2, 3})]
        if len(self.directions) > self.max_shown:
            lines.append(f"… {len(self.directions) - self.max_shown} more directions")
        lines.append(self.verdict())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        verdict = self.verdict().replace("\n", " ")
        return (html_table(self.HEAD, self._rows(), right={1, 2, 3})
                + f"<p style='color:{verdict_colour(self.status)}'><b>{verdict}</b></p>")


class _Line:
    """J along one unit direction v: J(θ + t·v), params set in place and restored from the backup."""

    def __init__(self, loss, params, named, backup, v, norm):
        self.loss, self.params, self.named, self.backup, self.v, self.norm = loss, params, named, backup, v, norm
        self.count = 0

    def __call__(self, t: float) -> float:
        for name, p in self.named.items():
            p[...] = self.backup[name] + (t / self.norm) * self.v[name]
        try:
            self.count += 1
            return _value(self.loss(self.params), f"θ + t·v with t = {t:.3e} along a random direction v")
        finally:
            for name, p in self.named.items():
                p[...] = self.backup[name]


def _second_look(line: _Line, h, J0, plus, minus, scale, g_norm, R):
    """For a direction that disagreed at first: (Richardson estimate, step) or None for a kink."""
    st = Stencil(line(-2 * h), minus, J0, plus, line(2 * h), h)
    if spread(st) > smooth_bound(h, scale, g_norm, R):
        small = h / RETRY
        st2 = Stencil(line(-2 * small), line(-small), J0, line(small), line(2 * small), small)
        if spread(st2) > smooth_bound(small, scale, g_norm, R) and spread(st2) > spread(st) / (2 * RETRY):
            return None
        st = st2
    return richardson(st)


def directional_check(
    loss: Callable,
    params,
    grads,
    n_directions: int = 1,
    eps: float | None = None,
    rng=None,
    tol: float | None = None,
) -> DirectionalReport:
    """Check ``grads`` along random unit directions v: vᵀg against (J(θ+εv) − J(θ−εv)) / 2ε.

    v is standard normal over all elements of all tensors, scaled to ‖v‖₂ = 1.  Cost: 2 +
    2·n_directions evaluations (J(θ) twice, to refuse a random loss), whatever N — versus 2N for
    :func:`check_gradient`.  A direction passes the screen when

        |vᵀg − n_v|  ≤  rtol·max(|vᵀg|, |n_v|)  +  C·( (ε/s)²·‖g‖₂ + u·|J|/ε + u·‖g‖₂ ),

    s = max(1, max|θ|), C = SAFETY.  One that does not is measured (2 more evaluations: J(θ±2εv)):
    a kink within ±2ε (5-point test, again at ε/8) makes it "kink", otherwise Richardson's
    extrapolation judges it as in check_gradient.  eps=None: ∛u·max(1, max|θ|).  rng: a Generator
    or a seed (None: seed 0).  **What it misses**: an error e in one element is missed by a
    single direction with probability ≈ (2/π)·arctan(rtol·‖∇J‖/|e|) — small errors next to a
    large gradient often.  It says *that* the gradient is wrong, not where: then use
    ``check_gradient(..., sample=k)`` and the full check on the failing tensors.  params are set
    in place (θ ± εv) and restored from a copy: bit-identical afterwards, also when loss raises.
    """
    _check_loss(loss)
    _check_count(n_directions, "n_directions", "a whole number ≥ 1")
    named, single, g_named = _checked_inputs(params, grads, eps, tol)
    rng = _generator(rng)
    dtype = max((p.dtype for p in named.values()), key=lambda d: np.finfo(d).eps)
    u = float(np.finfo(dtype).eps)
    rtol = float(tol) if tol is not None else default_rtol(dtype, "central")
    scale = max(1.0, max(float(np.abs(p).max()) if p.size else 0.0 for p in named.values()))
    step = float(eps) if eps is not None else default_step(1.0, "central", dtype) * scale
    g_norm = float(np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in g_named.values())))

    backup = {name: p.copy() for name, p in named.items()}
    results, evaluations = [], 2
    try:
        J0 = _value(loss(params), "the unperturbed params")
        _check_deterministic(loss, params, J0)
        for _ in range(int(n_directions)):
            v = {name: rng.standard_normal(p.shape) for name, p in named.items()}
            norm = float(np.sqrt(sum(np.sum(x * x) for x in v.values())))
            line = _Line(loss, params, named, backup, v, norm)
            analytic = float(sum(np.sum(g_named[name] * v[name]) for name in named)) / norm
            plus, minus = line(step), line(-step)
            numeric = (plus - minus) / (2 * step)
            J_scale = max(abs(J0), abs(plus), abs(minus))
            allowed = SAFETY * ((step / scale) ** 2 * g_norm + u * J_scale / step + u * g_norm)
            agree = abs(analytic - numeric) <= rtol * max(abs(analytic), abs(numeric)) + allowed
            kink = False
            if not agree:
                measured = _second_look(line, step, J0, plus, minus, scale, g_norm, round_off(u, J_scale, 0.0))
                kink = measured is None
                agree = not kink and (abs(analytic - measured.numeric)
                                      <= measured_threshold(analytic, measured, round_off(u, J_scale, 0.0),
                                                            u, g_norm, rtol))
            evaluations += line.count
            rel = float(relative_error(np.array(analytic), np.array(numeric)))
            results.append(DirectionResult(analytic, float(numeric), rel, bool(agree), kink))
    finally:
        _restore(params, named, backup, single)
    failed = any(not d.passed and not d.kink for d in results)
    return DirectionalReport(
        status="failed" if failed else ("inconclusive" if any(d.kink for d in results) else "passed"),
        directions=results,
        max_relative_error=max(d.relative_error for d in results),
        n_evaluations=evaluations,
        n_params=sum(p.size for p in named.values()),
        eps=step,
        tol=rtol,
    )
