"""The judge of one check: the screen, the measurements of suspicious elements, and the verdict.

Given the first pass (every element's numerical derivative at its step), :class:`_Judge`
1. screens: an element within ``tolerance.screen_threshold`` agrees;
2. measures the others: a 5-point stencil (kink or smooth? ``kinks``), Richardson's extrapolation
   and its truncation (``tolerance.richardson``), their own round-off probe when they still
   disagree; where round-off swamps the default step it measures with a wider one;
3. decides: failed if an element disagrees after measurement; inconclusive if none does but
   the check could not judge (kinks, a gradient within its tolerance, an element that differs
   by more than 0.5 % within its measured allowance); passed otherwise.
"""

from __future__ import annotations

import numpy as np

from helpers.derivatives import default_step
from helpers.gradcheck.errors import gradient_difference, relative_error
from helpers.gradcheck.kinks import smooth_stencil, stencil
from helpers.gradcheck.numerical import _flat, _losses_at
from helpers.gradcheck.report import GradCheckReport, Mismatch, TensorSummary, _index_text, _plural
from helpers.gradcheck.tolerance import (
    ORDERS,
    SAFETY,
    Measured,
    default_rtol,
    loss_noise,
    measured_threshold,
    probe,
    richardson,
    round_off,
    screen_threshold,
)

SANITY = 5e-3
"""No element that matters may pass with a relative error above this (bugs of 1e-2 never pass)."""

MAX_WIDE = 0.02
"""A widened step is at most this fraction of the element's scale s_i (truncation stays measurable)."""


class _Judge:
    """The screen, the measurements and the verdict for one check (see the module docstring)."""

    def __init__(self, loss, params, named, g_named, runs, J0, method, tol, atol, detect_kinks, single):
        self.loss, self.params, self.named, self.runs, self.J0 = loss, params, named, runs, J0
        self.method, self.atol, self.detect_kinks, self.single = method, atol, detect_kinks, single
        self.g = {name: g_named[name].astype(np.float64, copy=False).reshape(-1) for name in named}
        self.J_scale = max([abs(J0)] + [float(np.nanmax(np.abs(v))) for r in runs.values()
                                        for v in (r.plus, r.minus) if v is not None and np.isfinite(v).any()])
        self.sigma = 0.0 if method == "complex" else loss_noise(loss, params, named, g_named, runs, J0, single)
        self.u = {name: float(np.finfo(p.dtype).eps) for name, p in named.items()}
        self.rtol = {name: float(tol) if tol is not None else default_rtol(p.dtype, method)
                     for name, p in named.items()}
        self.checked = {name: ~np.isnan(runs[name].numeric) for name in named}
        self.G = {name: self._scale_of(name) for name in named}
        self.measured, self.kinks, self.local = {}, set(), {}

    def _scale_of(self, name) -> float:
        both = np.minimum(np.abs(self.g[name]), np.abs(self.runs[name].numeric))[self.checked[name]]
        return float(both.max()) if both.size else 0.0

    def R(self, name, sigma=None) -> float:
        return round_off(self.u[name], self.J_scale, self.sigma if sigma is None else sigma)

    def threshold(self, name) -> np.ndarray:
        run, g = self.runs[name], self.g[name]
        if self.atol is not None:
            return self.rtol[name] * np.maximum(np.abs(g), np.abs(run.numeric)) + float(self.atol)
        return screen_threshold(g, run.numeric, run.steps, run.scales, self.G[name], self.u[name],
                                self.rtol[name], self.R(name), self.method)

    def allowed(self, key, sigma=None) -> float:
        name, i = key
        m = self.measured[key]
        if self.atol is not None:
            return self.rtol[name] * max(abs(self.g[name][i]), abs(m.numeric)) + float(self.atol)
        return measured_threshold(self.g[name][i], m, self.R(name, sigma), self.u[name], self.G[name], self.rtol[name])

    def disagrees(self, key, sigma=None) -> bool:
        name, i = key
        return abs(self.g[name][i] - self.measured[key].numeric) > self.allowed(key, sigma)

    def central_step(self, key) -> float:
        """The step of a central stencil at this element: its own step, at least the central default."""
        name, i = key
        run = self.runs[name]
        return max(float(run.steps[i]), default_step(1.0, "central", self.named[name].dtype) * float(run.scales[i]))

    def measure(self, key) -> None:
        """Kink test and Richardson for one element above the screen (2 evaluations, 6 if it looks like a kink)."""
        name, i = key
        p, run = self.named[name], self.runs[name]
        if self.method == "central":
            h, known = float(run.steps[i]), (float(run.plus[i]), float(run.minus[i]))
        else:  # a central stencil, with at least the central default step
            h, known = self.central_step(key), None
        st = stencil(self.loss, self.params, name, p, i, h, self.J0, self.single, known)
        if st.minus2 == st.minus == st.plus == st.plus2 == self.J0:
            return self.measure_flat(key, h)
        if self.detect_kinks:
            st = smooth_stencil(self.loss, self.params, name, p, i, st, float(run.scales[i]), self.G[name],
                                self.R(name), self.single)
            if st is None:
                self.kinks.add(key)
                return
        self.measured[key] = richardson(st)

    def measure_flat(self, key, h) -> None:
        """J did not move at all within ±2h: widen the step 16-fold until it does (≤ 2 % of the scale).

        A loss computed with cancellation (log(1 + e^z) − z for large z) is quantised far above
        u·|J|, and a flat stencil says nothing.  Where J moves, the element is measured there,
        with its own round-off probe; where it never moves, its derivative is 0 at every step the
        check can take, and it is measured as 0 (a dead unit's weight: a nonzero analytic value
        there is a bug).
        """
        name, i = key
        run, p = self.runs[name], self.named[name]
        x, step = float(_flat(p)[i]), h
        while step * 16 <= MAX_WIDE * float(run.scales[i]):
            step *= 16
            plus, minus = _losses_at(self.loss, self.params, name, p, i, [x + step, x - step], self.single)
            if plus != self.J0 or minus != self.J0:
                sigma = probe(self.loss, self.params, p, name, i, step, self.J0, self.single) or 0.0
                self.local[key] = sigma
                st = stencil(self.loss, self.params, name, p, i, step, self.J0, self.single, (plus, minus))
                if self.detect_kinks:
                    st = smooth_stencil(self.loss, self.params, name, p, i, st, float(run.scales[i]),
                                        self.G[name], self.R(name, max(self.sigma, sigma)), self.single)
                if st is None:
                    self.kinks.add(key)
                else:
                    self.measured[key] = richardson(st)
                return
        self.measured[key] = Measured(0.0, 0.0, step)

    def probe_suspects(self, suspects) -> float:
        """Own round-off probes at up to 16 of the worst disagreeing elements; returns the σ to use."""
        for name, i in [key for key in suspects if key not in self.local][:16]:
            sigma = probe(self.loss, self.params, self.named[name], name, i, self.measured[(name, i)].step,
                          self.J0, self.single)
            if sigma is not None:
                self.local[(name, i)] = sigma
        if len(self.local) >= 3:
            return max(self.sigma, float(np.median(list(self.local.values()))))
        return self.sigma

    def coarse(self, name) -> np.ndarray:
        """Elements that matter but whose round-off allowance m·R/ε is too wide to see a 0.5 % error."""
        run, g = self.runs[name], self.g[name]
        size = np.maximum(np.abs(g), np.abs(np.nan_to_num(run.numeric)))
        round_off_part = ORDERS[self.method][1] * self.R(name) / run.steps
        return self.checked[name] & (size > 0) & (size >= 1e-3 * self.G[name]) & (round_off_part > SANITY / 4 * size)

    def measure_wider(self, key) -> None:
        """Round-off swamps this element at its step: measure it again with a step k times larger.

        k (a power of 2, 4 … 1024, and k·h ≤ 2 % of the element's scale) brings the round-off term
        2R/(k·h) below a quarter of the 0.5 %
        the element must resolve.  The wide estimate is trusted only if it is smooth (5-point test)
        and consistent with the first, noisy one; otherwise the element is not judged (a kink).
        """
        name, i = key
        run, p = self.runs[name], self.named[name]
        h = self.central_step(key)
        size = max(abs(self.g[name][i]), abs(float(run.numeric[i])))
        k = 2.0 ** np.clip(np.ceil(np.log2(16 * self.R(name) / (h * SANITY * size))), 2, 10)
        k = min(k, MAX_WIDE * float(run.scales[i]) / h)  # a wide step stays ≤ 2 % of the element's scale
        if k < 2:  # (float32: the default step is already 0.5 % of it) — nothing to gain
            return
        st = stencil(self.loss, self.params, name, p, i, k * h, self.J0, self.single)
        if self.detect_kinks:
            st = smooth_stencil(self.loss, self.params, name, p, i, st, float(run.scales[i]), self.G[name],
                                self.R(name), self.single)
        first = self.measured.get(key)
        noisy = first.numeric if first else float(run.numeric[i])
        noise = abs(noisy - self.g[name][i]) + (self.allowed(key) if first else float(self.threshold(name)[i]))
        if st is None or abs(richardson(st).numeric - noisy) > 2 * noise:
            self.kinks.add(key)
            self.measured.pop(key, None)
            return
        self.measured[key] = richardson(st)

    def mismatched(self) -> set:
        screened = [(name, int(i)) for name in self.named
                    for i in np.flatnonzero(np.abs(self.g[name] - self.runs[name].numeric) > self.threshold(name))]
        for key in screened:
            self.measure(key)
        if self.atol is None and self.method != "complex":
            for name in self.named:
                size = np.maximum(np.abs(self.g[name]), np.abs(np.nan_to_num(self.runs[name].numeric)))
                for i in np.flatnonzero(self.coarse(name)):
                    key = (name, int(i))
                    if key in self.kinks or (key in self.measured and not self.disagrees(key)
                                             and self.allowed(key) <= SANITY / 2 * size[i]):
                        continue
                    self.measure_wider(key)
        suspects = [key for key in self.measured if self.disagrees(key, max(self.sigma, self.local.get(key, 0.0)))]
        if not suspects or self.method == "complex" or self.atol is not None:
            return set(suspects)
        suspects.sort(key=lambda k: -abs(self.g[k[0]][k[1]] - self.measured[k].numeric) / self.allowed(k))
        sigma = self.probe_suspects(suspects)
        return {key for key in suspects if self.disagrees(key, max(sigma, self.local.get(key, 0.0)))}

    def report(self, eps, sample, max_shown) -> GradCheckReport:
        mismatched = self.mismatched()
        summaries, mismatches, kink_list, out = [], [], [], {"numeric": {}, "rel": {}, "tol": {}}
        for name, p in self.named.items():
            summary, bad, kinks = self._tensor(name, p.shape, mismatched, out)
            summaries.append(summary)
            mismatches += bad
            kink_list += kinks
        order = {name: k for k, name in enumerate(self.named)}
        # worst first; compared as printed (3 significant digits), so round-off cannot reorder ties
        mismatches.sort(key=lambda m: (-float(f"{m.relative_error:.2e}"),
                                       -float(f"{abs(m.analytic - m.numeric):.2e}"), order[m.name], m.index))
        reasons = [] if mismatches else self._reasons(summaries)
        judged_rel = [s.max_relative_error for s in summaries if np.isfinite(s.max_relative_error)]
        checked_g = {name: self.g[name][self.checked[name]] for name in self.named}
        checked_n = {name: self.best(name)[self.checked[name]] for name in self.named}
        return GradCheckReport(
            status="failed" if mismatches else ("inconclusive" if reasons else "passed"),
            difference=gradient_difference(checked_g, checked_n),
            max_relative_error=max(judged_rel) if judged_rel else 0.0,
            failing_params=[s.name for s in summaries if s.n_mismatched],
            mismatches=mismatches, kinks=kink_list, tensors=summaries,
            numeric=out["numeric"], relative_errors=out["rel"], tolerances=out["tol"],
            eps=eps, method=self.method, tol=max(self.rtol.values()), loss_noise=self.sigma,
            sample=sample, max_shown=max_shown, reasons=reasons, n_measured=len(self.measured) + len(self.kinks),
        )

    def best(self, name) -> np.ndarray:
        """The numerical gradient reported: the first estimate, or the measured one where there is one."""
        numeric = self.runs[name].numeric.copy()
        for (n, i), measured in self.measured.items():
            if n == name:
                numeric[i] = measured.numeric
        return numeric

    def final_threshold(self, name) -> np.ndarray:
        """The threshold each element was finally judged by: the screen's, or the measured allowance."""
        threshold = self.threshold(name)
        for (n, i) in self.measured:
            if n == name:
                threshold[i] = self.allowed((n, i))
        return threshold

    def _tensor(self, name, shape, mismatched, out):
        """One tensor's TensorSummary, its Mismatch list and its kinks; fills the report's arrays."""
        g, numeric, checked = self.g[name], self.best(name), self.checked[name]
        bad = sorted(i for n, i in mismatched if n == name)
        kinks = sorted(i for n, i in self.kinks if n == name)
        rel = np.where(checked, relative_error(g, np.nan_to_num(numeric)), np.nan)
        judged = self.judged(name)
        max_rel = float(rel[judged].max()) if judged.any() else float("nan")
        unravel = lambda i: tuple(int(k) for k in np.unravel_index(i, shape))  # noqa: E731
        verdict = "MISMATCH" if bad else "ok"
        if kinks:
            verdict += f" ({_plural(len(kinks), 'kink')} not judged)"
        summary = TensorSummary(name, shape, max_rel, int(checked.sum()), len(bad), len(kinks), verdict,
                                self.rtol[name])
        out["numeric"][name] = numeric.reshape(shape)
        out["rel"][name] = rel.reshape(shape)
        out["tol"][name] = self.final_threshold(name).reshape(shape)
        return (summary, [Mismatch(name, unravel(i), float(g[i]), float(numeric[i]), float(rel[i])) for i in bad],
                [(name, unravel(i)) for i in kinks])

    def _reasons(self, summaries) -> list[str]:
        """Why a check with no disagreeing element cannot say PASSED (empty: it can)."""
        reasons = []
        for s in summaries:
            if s.n_kinks:
                reasons.append(f"{s.name}: {s.n_kinks} of {s.n_checked} elements sit on kinks (the loss is not "
                               "smooth within ±eps/4 there), so their gradient could not be checked — check "
                               "again at a point where no ReLU input, max or |x| sits at its kink")
        for name in self.named:
            named_reasons = self._blind(name) + self._doubtful(name)
            reasons += named_reasons or self._unresolved(name)
        return reasons

    def judged(self, name) -> np.ndarray:
        """The elements of a tensor that were checked and are not kinks."""
        judged = self.checked[name].copy()
        judged[[i for n, i in self.kinks if n == name]] = False
        return judged

    def noise_parts(self, name, i, step) -> tuple[float, float]:
        """(round-off, truncation) allowed for element i at this step: m·R/step and (step/sᵢ)ᵖ·G."""
        p, m = ORDERS[self.method]
        return m * self.R(name) / step, (step / self.runs[name].scales[i]) ** p * self.G[name]

    def _blind(self, name) -> list[str]:
        """The whole analytic gradient of a tensor lies within its tolerance: no bug there could show."""
        judged = self.judged(name)
        final = self.final_threshold(name)
        g = np.abs(self.g[name][judged])
        if not g.size or g.max() == 0 or np.any(g > final[judged]):
            return []
        return [f"{name}: its whole gradient is smaller than what round-off and truncation allow at "
                "this step, so a wrong gradient could not be told from a right one — use float64, or a "
                "larger eps if the loss is noisy"]

    def _unresolved(self, name) -> list[str]:
        """Judged elements that matter and differ by more than SANITY, yet within their allowance:
        SANITY says no such element passes.  The allowance was wide either from round-off that no
        wider step could shrink (e.g. a loss of size 1e12 with a gradient of size 1: u·|J| ≈ 1e-4
        over the widest step leaves several %, enough to let a 5 % bug through) or from the
        truncation of a step too large for the curvature (a large eps given by the caller).
        """
        judged = self.judged(name)
        g, numeric = self.g[name], self.best(name)
        size = np.maximum(np.abs(g), np.abs(np.nan_to_num(numeric)))
        off = judged & (size >= 1e-3 * self.G[name]) & (np.abs(g - np.nan_to_num(numeric)) > SANITY * size)
        if not off.any():
            return []
        candidates = np.flatnonzero(off)
        i = int(candidates[np.argmax(np.abs(g - numeric)[candidates] / size[candidates])])
        where = _index_text(name, np.unravel_index(i, self.named[name].shape))
        more = f" and {int(off.sum()) - 1} more" if off.sum() > 1 else ""
        step = self.measured[(name, i)].step if (name, i) in self.measured else float(self.runs[name].steps[i])
        differ = f"{where}{more}: analytic and numeric differ by {abs(g[i] - numeric[i]) / size[i]:.1e} relative"
        round_off, truncation = self.noise_parts(name, i, step)
        if truncation >= round_off:
            return [f"{differ}, within the truncation allowed at step {step:.1e} — the step is too large for "
                    f"the curvature there: check again with eps = {step / 10:.1e}"]
        fix = ("check in float64" if self.u[name] > np.finfo(np.float64).eps
               else "subtract the loss's constant part (it adds round-off, not gradient)")
        return [f"{differ}, within what round-off allows even at the widest step, so a bug of that size "
                f"could pass — the loss (|J| = {self.J_scale:.1e}) is too large for its gradient to be checked "
                f"to {SANITY:.1e}: {fix}"]

    def _doubtful(self, name) -> list[str]:
        """Measured elements that matter and differ by more than SANITY, yet within their measured allowance."""
        run = self.runs[name]
        out = []
        for (n, i), measured in self.measured.items():
            if n != name:
                continue
            g = self.g[name][i]
            round_off, truncation = self.noise_parts(name, i, run.steps[i])
            noise = round_off + truncation + SAFETY * self.u[name] * self.G[name]
            size = max(abs(g), abs(measured.numeric))
            if size > 200 * noise and abs(g - measured.numeric) > SANITY * size:
                out.append(f"{_index_text(name, np.unravel_index(i, self.named[name].shape))}: analytic and "
                           f"numeric differ by {abs(g - measured.numeric) / size:.1e} relative, within the "
                           f"measured truncation at step {measured.step:.1e} — the step is too large for the "
                           f"curvature there: check again with eps = {measured.step / 10:.1e}")
        return out
