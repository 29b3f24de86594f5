"""The report of a gradient check: three verdicts, a per-tensor table, the worst offenders.

A verdict is evidence, so there are three of them:
- ``passed``: every judged element agrees, and the check could have seen a bug there;
- ``failed``: at least one judged element disagrees beyond what its measured truncation and
  round-off explain — ``mismatches`` lists them, worst first;
- ``inconclusive``: nothing disagrees, but the check could not judge (elements on kinks,
  a step too large for the curvature it measured, round-off too large for the step) —
  ``reasons`` says why and what to do.

The text follows the printing rule: an error that agrees is printed as "within tol." (its digits
are round-off and differ between machines); a disagreement is printed with its digits (the bug
decides them).  The exact values stay in the fields.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

STATUSES = ("passed", "failed", "inconclusive")


class Mismatch(NamedTuple):
    """One element where analytic and numeric gradients disagree beyond the tolerance."""

    name: str
    index: tuple
    analytic: float
    numeric: float
    relative_error: float


class TensorSummary(NamedTuple):
    """One row of the report: how one tensor fared.

    max_relative_error is over the judged elements (kinks excluded; nan if none was judged);
    n_checked elements were evaluated, n_mismatched disagree, n_kinks were not judged.
    """

    name: str
    shape: tuple
    max_relative_error: float
    n_checked: int
    n_mismatched: int
    n_kinks: int
    verdict: str
    rtol: float


WITHIN_TOL = "within tol."
"""How the text and HTML reports show an error that passed: its digits are round-off, which
differs between CPUs, BLAS builds and NumPy versions (the printing rule)."""


def _fmt(x: float) -> str:
    return "n/a" if not np.isfinite(x) else f"{x:.2e}"


def _shown(x: float, agrees: bool) -> str:
    """An error as printed: its digits when it disagrees (a bug decides them), else the band."""
    return WITHIN_TOL if agrees and np.isfinite(x) else _fmt(x)


def _index_text(name: str, index: tuple) -> str:
    return f"{name}[{', '.join(str(i) for i in index)}]"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def text_table(head: list[str], rows: list[list[str]], right: set[int], indent: str = "") -> list[str]:
    """Lines of an aligned table: columns in ``right`` right-justified, the others left."""
    widths = [max(len(r[k]) for r in [head, *rows]) for k in range(len(head))]
    return [indent + "  ".join(c.rjust(w) if k in right else c.ljust(w)
                               for k, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()
            for r in [head, *rows]]


def html_table(head: list[str], rows: list[list[str]], right: set[int]) -> str:
    align = ["right" if k in right else "left" for k in range(len(head))]
    th = "".join(f"<th style='text-align:{a}'>{html.escape(h)}</th>" for h, a in zip(head, align, strict=True))
    body = "".join("<tr>" + "".join(f"<td style='text-align:{a}'>{html.escape(c)}</td>"
                                    for c, a in zip(r, align, strict=True)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def verdict_colour(status: str) -> str:
    return {"passed": "green", "failed": "red", "inconclusive": "darkorange"}[status]


class Verdict:
    """What both reports share: ``status`` decides ``passed`` and ``bool(report)``; repr is the table."""

    status: str

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return str(self)


TENSOR_HEAD = ["tensor", "shape", "max rel. error", "disagree/checked", "verdict"]
OFFENDER_HEAD = ["element", "analytic", "numeric", "rel. error"]


@dataclass(repr=False)
class GradCheckReport(Verdict):
    """What :func:`check_gradient` found.  ``str(report)`` is a table a learner reads at a glance.

    status             "passed", "failed" or "inconclusive" (see the module docstring)
    passed             True only when status is "passed" (also ``bool(report)``)
    reasons            for "inconclusive": why, and what to do (one sentence each)
    difference         ‖g − n‖₂ / (‖g‖₂ + ‖n‖₂) over all tensors (``gradient_difference``)
    max_relative_error max of |g−n| / max(|g|,|n|) over the judged elements
    failing_params     names of tensors with a mismatching element, in params order
    mismatches         list of Mismatch(name, index, analytic, numeric, relative_error), worst first
    kinks              list of (name, index): the loss is not smooth within ±ε there — not judged
    tensors            one TensorSummary per tensor, in params order
    numeric            dict name -> numeric gradient (same shape as the tensor): the estimate at the
                       step ε, or the measured one (Richardson) where an element was measured again
    relative_errors    dict name -> element-wise relative_error(g, numeric) (kinks included)
    tolerances         dict name -> the threshold each element was judged by
    eps, method, tol   the step (None = default step), the scheme, the relative tolerance used
                       (the largest one if tensors differ in dtype)
    loss_noise         σ, the measured round-off of one loss evaluation (0 for complex)
    sample             elements checked per tensor (None: all of them)
    n_measured         elements above the first screen that were measured again (Richardson)
    """

    status: str
    difference: float
    max_relative_error: float
    failing_params: list
    mismatches: list
    kinks: list
    tensors: list
    numeric: dict
    relative_errors: dict
    tolerances: dict
    eps: float | None
    method: str
    tol: float
    loss_noise: float = 0.0
    sample: int | None = None
    max_shown: int = 10
    reasons: list = field(default_factory=list)
    n_measured: int = 0

    def _header(self) -> str:
        step = "default step" if self.eps is None else f"eps = {self.eps:.1e}"
        sampled = "" if self.sample is None else f", sampled: at most {self.sample} elements per tensor"
        return f"gradient check: {self.method} differences, {step}, rtol = {self.tol:.1e}{sampled}"

    def _rows(self) -> list[list[str]]:
        rows = [[t.name, str(tuple(t.shape)), _shown(t.max_relative_error, t.n_mismatched == 0),
                 f"{t.n_mismatched}/{t.n_checked}", t.verdict] for t in self.tensors]
        # align the "/" of the counts: right-justify what is before it, left-justify what is after
        before = max(len(r[3].split("/")[0]) for r in rows)
        after = max(len(r[3].split("/")[1]) for r in rows)
        for r in rows:
            bad, total = r[3].split("/")
            r[3] = f"{bad.rjust(before)}/{total.ljust(after)}"
        return rows

    def _offender_rows(self) -> list[list[str]]:
        return [[_index_text(m.name, m.index), f"{m.analytic:.4e}", f"{m.numeric:.4e}", _fmt(m.relative_error)]
                for m in self.mismatches[: self.max_shown]]

    def _kink_line(self) -> str:
        shown = ", ".join(_index_text(n, i) for n, i in self.kinks[: self.max_shown])
        more = f", … ({len(self.kinks)} in all)" if len(self.kinks) > self.max_shown else ""
        return f"kinks — not judged (the loss is not smooth within ±eps/4): {shown}{more}"

    def _offenders_title(self) -> str:
        shown = min(len(self.mismatches), self.max_shown)
        return f"worst {shown} of {len(self.mismatches)} disagreeing elements:"

    def verdict(self) -> str:
        """The verdict, e.g. ``FAILED: 8 of 47 elements disagree, in b1, W2; …`` (reasons follow on new lines)."""
        total = sum(t.n_checked for t in self.tensors)
        kinks = f"{_plural(len(self.kinks), 'kink')} not judged"
        if self.status == "passed":  # no numbers: a passing check's errors are round-off (the printing rule)
            return f"PASSED: all {total - len(self.kinks)} judged elements agree within the tolerance ({kinks})"
        if self.status == "inconclusive":
            return "\n".join([f"INCONCLUSIVE: no judged element disagrees, but the check could not judge "
                              f"everything ({kinks}):"] + [f"  - {reason}" for reason in self.reasons])
        numbers = f"difference {_fmt(self.difference)}, max rel. error {_fmt(self.max_relative_error)}"
        where = ", ".join(self.failing_params)
        return (f"FAILED: {len(self.mismatches)} of {total} elements disagree, in {where} ({kinks}); {numbers}")

    def __str__(self) -> str:
        lines = [self._header(), *text_table(TENSOR_HEAD, self._rows(), right={2, 3})]
        if self.mismatches:
            lines.append(self._offenders_title())
            lines += text_table(OFFENDER_HEAD, self._offender_rows(), right={1, 2, 3}, indent="  ")
        if self.kinks:
            lines.append(self._kink_line())
        lines.append(self.verdict())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        parts = [f"<p>{html.escape(self._header())}</p>", html_table(TENSOR_HEAD, self._rows(), right={2, 3})]
        if self.mismatches:
            parts.append(f"<p>{html.escape(self._offenders_title())}</p>")
            parts.append(html_table(OFFENDER_HEAD, self._offender_rows(), right={1, 2, 3}))
        if self.kinks:
            parts.append(f"<p>{html.escape(self._kink_line())}</p>")
        verdict = html.escape(self.verdict()).replace("\n", "<br>")
        parts.append(f"<p style='color:{verdict_colour(self.status)}'><b>{verdict}</b></p>")
        return "\n".join(parts)
