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

import html
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from helpers.derivatives import default_step

__all__ = [
    "numerical_gradient",
    "relative_error",
    "gradient_difference",
    "check_gradient",
    "directional_check",
    "DirectionalReport",
    "DirectionResult",
    "default_rtol",
    "GradCheckReport",
    "Mismatch",
    "TensorSummary",
    "PrecisionWarning",
    "SAFETY",
    "numerical_vjp",
    "compare_tensors",
    "TensorComparison",
    "ComparisonRow",
]

_METHODS = ("central", "forward", "complex")
_F64 = np.float64
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


def _check_params(named: dict[str, np.ndarray], single: bool, what: str = "theta") -> None:
    """Float dtype, writeable, finite, no two tensors sharing memory."""
    for name, p in named.items():
        label = what if single else _label(name, single)
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
            index = ", ".join(str(int(k)) for k in np.unravel_index(bad, p.shape))
            raise ValueError(
                f"{label}[{index}] is {values[bad]}; the gradient is only "
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


def _check_loss(loss) -> None:
    if not callable(loss):
        raise TypeError(f"loss must be a function loss(params) -> float, but got {type(loss).__name__}")


def _check_count(value, name: str, expected: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be {expected}, but got {name}={value!r}")


def _generator(rng) -> np.random.Generator:
    """rng as a Generator: itself, a seed, or None for seed 0 (reports are reproducible)."""
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(0 if rng is None else rng)


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


def _central_losses(loss, params, name, p, steps, single, indices=None):
    """J(θ + ε_i e_i) and J(θ − ε_i e_i) for every element i of p (two float64 arrays).

    ``indices`` (flat, optional): evaluate only those elements; the others are NaN (sampling).
    The hot loop of the whole module: per evaluation one store into the flat view, one call of
    ``loss`` and a type/finiteness test on its value — O(1), no copies.
    """
    flat = _flat(p)
    base = p.astype(np.float64, copy=False).reshape(-1)
    ups = (base + steps).tolist()
    downs = (base - steps).tolist()
    n = p.size
    fill = 0.0 if indices is None else float("nan")
    plus = [fill] * n
    minus = [fill] * n
    for i in (range(n) if indices is None else indices.tolist()):
        old = flat[i]
        try:
            flat[i] = ups[i]
            value = loss(params)
            if (type(value) is not float and type(value) is not _F64) or value - value != 0.0:
                value = _bad_loss(value, _where(name, single, p.shape, i, "+", steps[i]))
            plus[i] = value
            flat[i] = downs[i]
            value = loss(params)
            if (type(value) is not float and type(value) is not _F64) or value - value != 0.0:
                value = _bad_loss(value, _where(name, single, p.shape, i, "-", steps[i]))
            minus[i] = value
        finally:
            flat[i] = old
    return np.array(plus), np.array(minus)


def _forward_losses(loss, params, name, p, steps, single, indices=None):
    """J(θ + ε_i e_i) for every element i of p (a float64 array); only ``indices`` if given (others NaN)."""
    flat = _flat(p)
    base = p.astype(np.float64, copy=False).reshape(-1)
    ups = (base + steps).tolist()
    n = p.size
    plus = [0.0 if indices is None else float("nan")] * n
    for i in (range(n) if indices is None else indices.tolist()):
        old = flat[i]
        try:
            flat[i] = ups[i]
            value = loss(params)
            if (type(value) is not float and type(value) is not _F64) or value - value != 0.0:
                value = _bad_loss(value, _where(name, single, p.shape, i, "+", steps[i]))
            plus[i] = value
        finally:
            flat[i] = old
    return np.array(plus)


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
            plus, minus = _central_losses(loss, params, name, p, steps, single)
            grad = (plus - minus) / (2 * steps)
        elif method == "forward":
            if base is None:
                base = _value(loss(params), "the unperturbed params")
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


# --------------------------------------------------------------------------------------------
# the check and its report
# --------------------------------------------------------------------------------------------

SAFETY = 1000.0
"""Safety factor C of the default tolerances (see :func:`check_gradient`)."""

NOISE_FACTOR = 30.0
"""Multiple of the measured round-off σ of one loss evaluation allowed (see :func:`check_gradient`)."""


class PrecisionWarning(UserWarning):
    """Parameters in less than double precision: the check is much less sensitive."""


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


def _fmt(x: float) -> str:
    return "n/a" if not np.isfinite(x) else f"{x:.2e}"


WITHIN_TOL = "within tol."
"""How the text and HTML reports show an error that passed: its digits are round-off, which
differs between CPUs, BLAS builds and NumPy versions (the printing rule); the exact value stays
in the report's fields."""


def _shown(x: float, agrees: bool) -> str:
    """An error as printed: its digits when it disagrees (a bug decides them), else the band."""
    return WITHIN_TOL if agrees and np.isfinite(x) else _fmt(x)


def _index_text(name: str, index: tuple) -> str:
    return f"{name}[{', '.join(str(i) for i in index)}]"


@dataclass(repr=False)
class GradCheckReport:
    """What :func:`check_gradient` found.  ``str(report)`` is a table a learner reads at a glance.

    passed             True when no judged element disagrees (kinks are not judged)
    difference         ‖g − n‖₂ / (‖g‖₂ + ‖n‖₂) over all tensors (``gradient_difference``)
    max_relative_error max of |g−n| / max(|g|,|n|) over the judged elements
    failing_params     names of tensors with a mismatching element, in params order
    mismatches         list of Mismatch(name, index, analytic, numeric, relative_error), worst first
    kinks              list of (name, index): the loss is not smooth within ±ε there — not judged
    tensors            one TensorSummary per tensor, in params order
    numeric            dict name -> numeric gradient (same shape as the tensor)
    relative_errors    dict name -> element-wise relative_error(g, n) (kinks included)
    tolerances         dict name -> the per-element threshold |g−n| was compared with
    eps, method, tol   the step (None = default step), the scheme, the relative tolerance used
                       (the largest one if tensors differ in dtype)
    loss_noise         σ, the measured round-off of one loss evaluation (0 for complex)
    sample             elements checked per tensor (None: all of them)
    """

    passed: bool
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

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return str(self)

    # --- text ------------------------------------------------------------------------------
    def _header(self) -> str:
        step = "default step" if self.eps is None else f"eps = {self.eps:.1e}"
        sampled = "" if self.sample is None else f", sampled: at most {self.sample} elements per tensor"
        return f"gradient check: {self.method} differences, {step}, rtol = {self.tol:.1e}{sampled}"

    def _rows(self) -> list[list[str]]:
        rows = []
        for t in self.tensors:
            rows.append([t.name, str(tuple(t.shape)), _shown(t.max_relative_error, t.n_mismatched == 0),
                         f"{t.n_mismatched}/{t.n_checked}", t.verdict])
        return rows

    def _offender_rows(self) -> list[list[str]]:
        return [[_index_text(m.name, m.index), f"{m.analytic:.4e}", f"{m.numeric:.4e}", _fmt(m.relative_error)]
                for m in self.mismatches[: self.max_shown]]

    def verdict(self) -> str:
        """The one-line verdict, e.g. ``FAILED: 8 of 47 elements disagree, in b1, W2; …``."""
        total = sum(t.n_checked for t in self.tensors)
        n_bad = len(self.mismatches)
        kinks = f"{len(self.kinks)} kink{'s' if len(self.kinks) != 1 else ''} not judged"
        if self.passed:  # no numbers: a passing check's errors are round-off (the printing rule)
            return f"PASSED: all {total - len(self.kinks)} judged elements agree within the tolerance ({kinks})"
        numbers = f"difference {_fmt(self.difference)}, max rel. error {_fmt(self.max_relative_error)}"
        where = ", ".join(self.failing_params)
        return f"FAILED: {n_bad} of {total} elements disagree, in {where} ({kinks}); {numbers}"

    def __str__(self) -> str:
        head = ["tensor", "shape", "max rel. error", "disagree/checked", "verdict"]
        rows = self._rows()
        # align the "/" of the counts: right-justify what is before it, left-justify what is after
        before = max(len(r[3].split("/")[0]) for r in rows)
        after = max(len(r[3].split("/")[1]) for r in rows)
        for r in rows:
            bad, total = r[3].split("/")
            r[3] = f"{bad.rjust(before)}/{total.ljust(after)}"
        widths = [max(len(r[k]) for r in [head] + rows) for k in range(len(head))]
        right = {2, 3}
        lines = [self._header()]
        for r in [head] + rows:
            cells = [c.rjust(w) if k in right else c.ljust(w) for k, (c, w) in enumerate(zip(r, widths))]
            lines.append("  ".join(cells).rstrip())
        if self.mismatches:
            shown = min(len(self.mismatches), self.max_shown)
            lines.append(f"worst {shown} of {len(self.mismatches)} disagreeing elements:")
            off_head = ["element", "analytic", "numeric", "rel. error"]
            offs = self._offender_rows()
            ow = [max(len(r[k]) for r in [off_head] + offs) for k in range(4)]
            for r in [off_head] + offs:
                cells = [c.ljust(w) if k == 0 else c.rjust(w) for k, (c, w) in enumerate(zip(r, ow))]
                lines.append("  " + "  ".join(cells).rstrip())
        if self.kinks:
            shown = ", ".join(_index_text(n, i) for n, i in self.kinks[: self.max_shown])
            more = f", … ({len(self.kinks)} in all)" if len(self.kinks) > self.max_shown else ""
            lines.append(f"kinks — not judged (the loss is not smooth within ±eps): {shown}{more}")
        lines.append(self.verdict())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        def table(head, rows, align):
            th = "".join(f"<th style='text-align:{a}'>{html.escape(h)}</th>" for h, a in zip(head, align))
            body = "".join(
                "<tr>" + "".join(f"<td style='text-align:{a}'>{html.escape(c)}</td>" for c, a in zip(r, align)) + "</tr>"
                for r in rows
            )
            return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"

        parts = [f"<p>{html.escape(self._header())}</p>",
                 table(["tensor", "shape", "max rel. error", "disagree/checked", "verdict"], self._rows(),
                       ["left", "left", "right", "right", "left"])]
        if self.mismatches:
            shown = min(len(self.mismatches), self.max_shown)
            parts.append(f"<p>worst {shown} of {len(self.mismatches)} disagreeing elements:</p>")
            parts.append(table(["element", "analytic", "numeric", "rel. error"], self._offender_rows(),
                               ["left", "right", "right", "right"]))
        if self.kinks:
            shown = ", ".join(_index_text(n, i) for n, i in self.kinks[: self.max_shown])
            parts.append(f"<p>kinks — not judged (the loss is not smooth within ±eps): {html.escape(shown)}</p>")
        colour = "green" if self.passed else "red"
        parts.append(f"<p style='color:{colour}'><b>{html.escape(self.verdict())}</b></p>")
        return "\n".join(parts)


def default_rtol(dtype=np.float64, method: str = "central") -> float:
    """The default relative tolerance: the square root of the best relative error the method reaches.

    With u the unit round-off of ``dtype``: central u^(2/3) → rtol = u^(1/3) (6.1e-6 in float64,
    4.9e-3 in float32); forward u^(1/2) → u^(1/4) (1.2e-4, 1.9e-2); complex u → u^(1/2)
    (1.5e-8, 3.5e-4).  "Agree on at least half of the digits the method can deliver."
    """
    _check_method(method)
    u = float(np.finfo(dtype).eps)
    return {"central": u ** (1 / 3), "forward": u ** 0.25, "complex": u ** 0.5}[method]


def _check_grads(grads, named: dict, single: bool) -> dict:
    """grads has the structure, shapes and dtypes of params, and is finite."""
    if single:
        if not isinstance(grads, np.ndarray):
            raise TypeError(
                f"params is one array, so grads must be one array of shape {named[SINGLE_NAME].shape}, "
                f"but got {type(grads).__name__}"
            )
        g_named = {SINGLE_NAME: grads}
    else:
        if not isinstance(grads, Mapping):
            raise TypeError(
                f"params is a dict, so grads must be a dict with the same keys {list(named)}, "
                f"but got {type(grads).__name__}"
            )
        missing = [k for k in named if k not in grads]
        extra = [k for k in grads if k not in named]
        if missing:
            raise ValueError(
                f"grads is missing {missing}: every parameter needs its gradient; return "
                f"grads[{missing[0]!r}] from your backward"
            )
        if extra:
            raise ValueError(
                f"grads has keys {extra} that are not in params {list(named)}; rename them to match "
                "(e.g. 'dW1' → 'W1') or drop them"
            )
        g_named = {k: grads[k] for k in named}
    for name, p in named.items():
        g = g_named[name]
        glabel = "grads" if single else f"grads[{name!r}]"
        plabel = _label(name, single)
        if not isinstance(g, np.ndarray):
            raise TypeError(f"{glabel} must be a NumPy array, but got {type(g).__name__}; use np.asarray")
        if g.shape != p.shape:
            hint = " (keepdims=True in the sum?)" if g.size == p.size else ""
            raise ValueError(f"{glabel} has shape {g.shape} but {plabel} has shape {p.shape}{hint}")
        if g.dtype != p.dtype:
            raise TypeError(
                f"{glabel} has dtype {g.dtype} but {plabel} has dtype {p.dtype}; compute the "
                f"gradient in the parameters' precision ({glabel}.astype(np.{p.dtype}))"
            )
        if g.size and not np.isfinite(g).all():
            values = g.ravel()
            bad = int(np.flatnonzero(~np.isfinite(values))[0])
            index = tuple(int(i) for i in np.unravel_index(bad, g.shape))
            raise ValueError(
                f"{glabel}{list(index)} is {values[bad]}: the analytic gradient must be finite — "
                "look for a log(0), a division by zero or an overflow in the backward"
            )
    return g_named


def _changed(named: dict, backup: dict) -> str | None:
    """The first tensor whose bytes differ from the backup, as a message, or None."""
    for name, p in named.items():
        if p.tobytes() != backup[name].tobytes():
            flat_p, flat_b = p.ravel(), backup[name].ravel()
            bad = int(np.flatnonzero((flat_p != flat_b) | (np.signbit(flat_p) != np.signbit(flat_b)))[0])
            index = tuple(int(i) for i in np.unravel_index(bad, p.shape))
            return f"{name}{list(index)} went from {float(flat_b[bad])!r} to {float(flat_p[bad])!r}"
    return None


def _restore(params, named: dict, backup: dict, single: bool) -> None:
    """Put the caller's arrays (objects, keys and bytes) back exactly as they were."""
    if not single:
        for key in [k for k in params if k not in named]:
            del params[key]
        for name, p in named.items():
            if params.get(name) is not p:
                params[name] = p
    for name, p in named.items():
        if p.tobytes() != backup[name].tobytes():
            np.copyto(p, backup[name], casting="no")


def _check_untouched(params, named: dict, backup: dict, single: bool, when: str) -> None:
    if not single:
        if set(params) != set(named):
            raise ValueError(
                f"loss changed the keys of params {when} (now {sorted(params)}, was {sorted(named)}); "
                "a loss must not modify the dict it is given — params restored"
            )
        for name, p in named.items():
            if params[name] is not p:
                raise ValueError(
                    f"loss replaced params[{name!r}] by another array {when}; the check perturbs the "
                    "arrays in place, so the loss must read them, not rebind them — params restored"
                )
    changed = _changed(named, backup)
    if changed:
        raise ValueError(
            f"loss modified its input {when}: {changed}.  A loss must not change the "
            "parameters it is given (no in-place updates such as W -= …, +=, np.clip(..., out=…)); "
            "work on copies — params restored"
        )


def _checked_inputs(params, grads, eps, tol) -> tuple[dict, bool, dict]:
    """Validate eps, tol, params and grads for a check; (named params, single, named grads)."""
    _check_eps(eps)
    if tol is not None:
        _check_eps(tol)
    named, single = _named(params)
    _check_params(named, single)
    return named, single, _check_grads(grads, named, single)


def _sample_indices(named: dict, sample, rng) -> dict:
    """name -> sorted flat indices to check (None = every element), ``sample`` per tensor."""
    if sample is None:
        return {name: None for name in named}
    _check_count(sample, "sample", "None (check every element) or a whole number ≥ 1 of elements per tensor")
    rng = _generator(rng)
    return {name: (None if p.size <= sample else np.sort(rng.choice(p.size, size=int(sample), replace=False)))
            for name, p in named.items()}


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
    grads: the same structure, shapes and dtypes.  Returns a GradCheckReport.  Cost: 2N + 2
    evaluations (central; N + 2 forward or complex; J(θ) is evaluated twice to refuse a loss
    that is not deterministic) + 6 in each of at most 4 tensors to measure the loss's
    round-off + 2 per disagreeing element for the kink test.

    **The rule.**  Element i of a tensor disagrees when

        |g_i − n_i|  >  rtol·max(|g_i|, |n_i|)  +  atol_i,

        atol_i = C·ε_iᵖ·G  +  m·R/ε_i  +  C·u·G  +  tiny,     R = max(C·u·|J|, 30·σ),

    with C = 1000 (``SAFETY``), u the unit round-off of the tensor's dtype, ε_i the element's
    step, |J| the largest |loss| seen, σ the measured round-off of one loss evaluation
    (``report.loss_noise``, see below), G the tensor's gradient scale max_j min(|g_j|, |n_j|)
    (the largest magnitude analytic and numeric agree on: neither a wrong analytic value nor
    a spurious numeric one inflates it) and tiny the smallest normal number of the dtype.

    **Why (step-size theory).**  The finite-difference error is truncation plus round-off:
    central (J(θ+ε)−J(θ−ε))/2ε = J' + ε²J'''/6 + O(u·|J|/ε)  (p = 2, m = 1);
    forward (J(θ+ε)−J(θ))/ε = J' + εJ''/2 + O(2u·|J|/ε)  (p = 1, m = 2);
    complex Im J(θ+iε)/ε = J' − ε²J'''/6, no subtraction  (p = 2, m = 0).
    J'' and J''' are unknown: C·ε^p·G takes them of the order of the gradient's scale, with a
    margin of 1000 (measured: |g − n| ≤ 43·ε²·G on random tanh networks).  Round-off: the loss is
    allowed to lose three digits (C·u·|J|; the network of notebook 06 loses 86·u·|J| to
    log(1 − σ(z)) with σ ≈ 1) — or, when cancellation makes it worse (log(1 + e^z) − z for large z
    is quantised in steps of ulp(z) ≫ u·|J|), 30 times its measured round-off σ.  u·G is the
    round-off of the gradients themselves.  At its default step a method's best relative error
    is u^(2/3) (central), u^(1/2) (forward), u (complex); the default ``rtol`` is the square
    root of that (``default_rtol``): u^(1/3) = 6.1e-6 central float64 (4.9e-3 float32);
    u^(1/4) = 1.2e-4 forward; u^(1/2) = 1.5e-8 complex — "agree on at least half of the digits
    the method can deliver".  So a correct gradient passes with a wide margin, a component
    scaled by (1 + δ), |δ| ≥ 1e-3, fails once |g_i| is above ~1e-5·G and above the round-off
    term m·R/ε_i, and an exact zero (a dead ReLU) next to round-off noise is never a false
    alarm.  Float32 parameters get a warning.  ``tol`` replaces rtol; ``atol`` replaces atol_i
    by one absolute number.

    **Round-off probe.**  In up to 4 tensors, at the element where analytic and numeric agree
    on the largest magnitude, J is evaluated at 6 irregular offsets θ_i + t·ε_i, t ∈ [−2, 2],
    and a cubic is fitted to these and J(θ); the residual's standard deviation (3 degrees of
    freedom) is that probe's σ; σ is the median of the probes (the largest if fewer than 3).
    Irregular offsets keep a quantised loss from looking exactly linear.

    **Kinks.**  Where the loss is not smooth within ±ε (a ReLU input crossing 0) the numeric
    value is wrong on a correct backward.  For a disagreeing element we compare the one-sided
    differences (J(θ+ε)−J(θ))/ε and (J(θ)−J(θ−ε))/ε, i.e. s = |J₊ − 2J₀ + J₋|/ε, which is ε·|J''|
    when smooth but twice the error caused by a kink; if s exceeds the element's threshold, a
    5-point test (J at θ±2ε, two more evaluations) compares the three second differences
    L, C, R centred at θ−ε, θ, θ+ε: smooth ⇒ they agree up to ε³|J'''| and round-off;
    a kink with slope jump Δ ⇒ they differ by ≥ Δε/2 ≥ the error it causes.  The element is a
    kink, "not judged", when max(|C−L|, |C−R|, |R−L|)/ε > 8·R/ε + 6·C·ε²·G — the most a smooth
    loss gives, its round-off included — so round-off never makes a smooth element a kink.
    Non-central methods run the 5-point test with the larger of ε and the central default step.

    **Sampling.**  ``sample=k`` checks k elements of *every* tensor (all of a tensor with ≤ k
    elements), drawn without replacement by ``rng`` (a ``np.random.Generator`` or a seed;
    None means seed 0, so a report is reproducible): 2·k evaluations per tensor instead of 2N.
    Stratifying by tensor means a 3-element bias is always looked at, where k·T coordinates
    drawn uniformly from one long vector would usually miss it.  The report's
    "disagree/checked" column says how many elements of each tensor were checked; the
    unchecked ones are NaN in ``report.numeric`` and ``report.relative_errors``.

    **Safety.**  params are perturbed in place and restored in ``finally``; one copy of every
    tensor is kept for the whole check to detect a loss that modifies its input (after the
    first, unperturbed evaluation and at the end) and to restore the caller's arrays on any
    error: afterwards they are bit-identical.
    """
    _check_loss(loss)
    _check_method(method)
    if atol is not None and (isinstance(atol, bool) or not np.isscalar(atol) or not atol >= 0):
        raise ValueError(f"atol must be a number ≥ 0 or None (derived from the step), got atol={atol!r}")
    named, single, g_named = _checked_inputs(params, grads, eps, tol)
    chosen = _sample_indices(named, sample, rng)
    low = [name for name, p in named.items() if np.finfo(p.dtype).eps > np.finfo(np.float64).eps]
    if low:
        p = named[low[0]]
        u = float(np.finfo(p.dtype).eps)
        warnings.warn(
            f"{_label(low[0], single)} is {p.dtype}: its round-off u = {u:.2e}, so a central difference "
            f"is accurate to about u^(2/3) = {u ** (2 / 3):.1e} at best and the check uses the looser "
            f"rtol = {default_rtol(p.dtype, method):.1e}: smaller bugs go unseen.  Check gradients in "
            "float64 (params = {k: v.astype(np.float64) for k, v in params.items()}).",
            PrecisionWarning,
            stacklevel=2,
        )

    backup = {name: p.copy() for name, p in named.items()}
    try:
        J0 = _value(loss(params), "the unperturbed params")
        _check_untouched(params, named, backup, single, "during the first (unperturbed) call")
        _check_deterministic(loss, params, J0)
        results = {}
        for name, p in named.items():
            steps = _steps(p, eps, method)
            indices = chosen[name]
            if method == "central":
                plus, minus = _central_losses(loss, params, name, p, steps, single, indices)
                numeric = (plus - minus) / (2 * steps)
            elif method == "forward":
                plus, minus = _forward_losses(loss, params, name, p, steps, single, indices), None
                numeric = (plus - J0) / steps
            else:
                plus = minus = None
                numeric = _complex_derivatives(loss, params, name, p, steps, single, indices)
            results[name] = (steps, plus, minus, numeric)
        _check_untouched(params, named, backup, single, "while the parameters were perturbed")
        report = _judge(loss, params, named, g_named, results, J0, eps, method, tol, atol,
                        detect_kinks, single, max_shown)
        report.sample = sample
        _check_untouched(params, named, backup, single, "while testing for kinks")
    except BaseException:
        _restore(params, named, backup, single)
        raise
    return report


def _judge(loss, params, named, g_named, results, J0, eps, method, tol, atol, detect_kinks, single, max_shown):
    """Tolerances, kinks and mismatches (a few extra evaluations) → GradCheckReport.

    1. σ₀ from the round-off probes; thresholds with R = max(C·u·|J|, 30·σ₀).
    2. Disagreeing elements: kink test (one-sided screen, then 5 points).
    3. With detect_kinks, up to 16 of the worst disagreeing elements that are not kinks get
       their own round-off probe σ_i (round-off can depend on the path: e.g. only one example
       of the batch cancels).  σ = max(σ₀, median σ_i) if there are ≥ 3 such probes; each
       probed element is judged with max(σ, σ_i), the others with σ; the kink test is redone
       with the same σ (no new evaluations).
    """
    p_exp, m_round = {"central": (2, 1.0), "forward": (1, 2.0), "complex": (2, 0.0)}[method]
    J_scale = abs(J0)
    for _, plus, minus, _ in results.values():
        for values in (plus, minus):
            if values is not None and np.isfinite(values).any():
                J_scale = max(J_scale, float(np.nanmax(np.abs(values))))
    C = SAFETY
    complex_step = method == "complex"

    tensors = {}
    for name, p in named.items():
        steps, _, _, numeric = results[name]
        g = g_named[name].astype(np.float64, copy=False).reshape(-1)
        u = float(np.finfo(p.dtype).eps)
        rtol = float(tol) if tol is not None else default_rtol(p.dtype, method)
        checked = ~np.isnan(numeric)  # all, unless sampling
        G = float(np.minimum(np.abs(g), np.abs(numeric))[checked].max()) if checked.any() else 0.0
        base = rtol * np.maximum(np.abs(g), np.abs(numeric))
        if atol is None:
            base = base + C * steps**p_exp * G + C * u * G + float(np.finfo(p.dtype).smallest_normal)
        else:
            base = base + float(atol)
        tensors[name] = {"g": g, "u": u, "rtol": rtol, "G": G, "base": base, "error": np.abs(g - numeric),
                         "checked": checked}

    def round_unit(name, sigma):  # R: the loss's round-off, with margin
        return max(C * tensors[name]["u"] * J_scale, NOISE_FACTOR * sigma)

    def threshold(name, sigma):  # the per-element threshold of a tensor, for round-off σ
        t = tensors[name]
        if atol is not None:
            return t["base"]
        return t["base"] + m_round * round_unit(name, sigma) / results[name][0]

    def disagrees(key, sigma):
        name, i = key
        return tensors[name]["error"][i] > threshold(name, sigma)[i]

    spreads = {}  # (name, i) -> (spread, h) of the 5-point test, or None if the screen says smooth

    def is_kink(key, sigma):
        name, i = key
        if not detect_kinks:
            return False
        if key not in spreads:
            spreads[key] = _kink_spread(loss, params, name, named[name], i, results[name], J0,
                                        method, threshold(name, sigma)[i], single)
        if spreads[key] is None:
            return False
        spread, h = spreads[key]
        return spread > 8 * round_unit(name, sigma) / h + 6 * C * tensors[name]["G"] * h**2

    sigma = 0.0 if complex_step else _loss_noise(loss, params, named, g_named, results, J0, single)
    bad = [(name, int(i)) for name in named
           for i in np.flatnonzero(tensors[name]["error"] > threshold(name, sigma))]
    suspects = [key for key in bad if not is_kink(key, sigma)]
    local = {}  # (name, i) -> σ measured at that element
    if suspects and detect_kinks and not complex_step:
        suspects.sort(key=lambda key: -tensors[key[0]]["error"][key[1]] / threshold(key[0], sigma)[key[1]])
        for name, i in suspects[:16]:
            local[(name, i)] = _probe(loss, params, named[name], name, i, results[name][0][i], J0, single)
        if len(local) >= 3:
            sigma = max(sigma, float(np.median(list(local.values()))))
    kinks, mismatched = set(), set()
    for key in bad:
        own = max(sigma, local.get(key, 0.0))
        if not disagrees(key, own):
            continue
        (kinks if is_kink(key, own) else mismatched).add(key)

    mismatches, kink_list, summaries = [], [], []
    numeric_out, rel_out, tol_out = {}, {}, {}
    for name, p in named.items():
        t = tensors[name]
        numeric = results[name][3]
        shape = p.shape
        is_bad = np.zeros(p.size, dtype=bool)
        is_kink_ = np.zeros(p.size, dtype=bool)
        for key in kinks | mismatched:
            if key[0] == name:
                (is_kink_ if key in kinks else is_bad)[key[1]] = True
        rel = np.where(t["checked"], relative_error(t["g"], np.nan_to_num(numeric)), np.nan)
        judged = ~is_kink_ & t["checked"]
        max_rel = float(rel[judged].max()) if judged.any() else float("nan")
        for i in np.flatnonzero(is_bad):
            index = tuple(int(k) for k in np.unravel_index(i, shape))
            mismatches.append(Mismatch(name, index, float(t["g"][i]), float(numeric[i]), float(rel[i])))
        for i in np.flatnonzero(is_kink_):
            kink_list.append((name, tuple(int(k) for k in np.unravel_index(i, shape))))
        n_bad, n_kink = int(is_bad.sum()), int(is_kink_.sum())
        verdict = "MISMATCH" if n_bad else "ok"
        if n_kink:
            verdict += f" ({n_kink} kink{'s' if n_kink != 1 else ''} not judged)"
        summaries.append(TensorSummary(name, shape, max_rel, int(t["checked"].sum()), n_bad, n_kink, verdict,
                                       t["rtol"]))
        numeric_out[name] = numeric.reshape(shape)
        rel_out[name] = rel.reshape(shape)
        tol_out[name] = threshold(name, sigma).reshape(shape)
    order = {name: k for k, name in enumerate(named)}
    # worst first; compared as printed (3 significant digits), so round-off cannot reorder ties
    mismatches.sort(key=lambda m: (-float(f"{m.relative_error:.2e}"),
                                   -float(f"{abs(m.analytic - m.numeric):.2e}"), order[m.name], m.index))
    kink_list.sort(key=lambda k: (order[k[0]], k[1]))
    judged_rel = [s.max_relative_error for s in summaries if np.isfinite(s.max_relative_error)]
    return GradCheckReport(
        passed=not mismatches,
        difference=gradient_difference({name: tensors[name]["g"][tensors[name]["checked"]] for name in named},
                                       {name: results[name][3][tensors[name]["checked"]] for name in named}),
        max_relative_error=max(judged_rel) if judged_rel else 0.0,
        failing_params=[s.name for s in summaries if s.n_mismatched],
        mismatches=mismatches,
        kinks=kink_list,
        tensors=summaries,
        numeric=numeric_out,
        relative_errors=rel_out,
        tolerances=tol_out,
        eps=eps,
        method=method,
        tol=max(t["rtol"] for t in tensors.values()),
        loss_noise=sigma,
        max_shown=max_shown,
    )


# irregular offsets (in units of ε_i) for the round-off probe: steps that are not multiples of one
# another, so that rounding errors cannot line up (a quantised loss can look exactly linear on an
# evenly spaced grid)
_PROBE_OFFSETS = (-1.93, -1.29, -0.61, 0.37, 1.07, 1.71)
_VANDERMONDE = np.vander(np.array((0.0,) + _PROBE_OFFSETS), 4)
# residual of the least-squares cubic fit: r = (I − V·V⁺)·J, the same matrix for every probe
_RESIDUAL = np.eye(len(_VANDERMONDE)) - _VANDERMONDE @ np.linalg.pinv(_VANDERMONDE)


def _probe(loss, params, p, name, i, h, J0, single) -> float:
    """Round-off σ of the loss seen from element i: residual of a cubic through 7 values.

    J at θ_i + t·h for the 6 irregular offsets t ∈ [−2, 2] and at θ_i (J0); a smooth loss is a
    cubic there up to h⁴·J⁗, so the residual is round-off: σ = √(Σ r² / (7 − 4)).
    """
    x = float(_flat(p)[i])
    h = float(h)
    values = np.array([J0] + _losses_at(loss, params, name, p, i, [x + t * h for t in _PROBE_OFFSETS], single))
    residual = _RESIDUAL @ (values - J0)
    return float(np.sqrt(residual @ residual / (len(values) - 4)))


def _loss_noise(loss, params, named, g_named, results, J0, single) -> float:
    """σ₀, the measured round-off of one evaluation of the loss (6 evaluations per probe).

    The model term u·|J| assumes the loss is computed to its last digit.  Cancellation (e.g.
    log(1 + e^z) − z for large z, where |J| ≪ the terms) makes the real round-off far larger:
    J is then quantised in steps of ulp(z).  So in up to 4 tensors (largest gradients first),
    at the element where analytic and numeric agree on the largest magnitude (a smooth spot),
    :func:`_probe` measures σ; σ₀ is the median of the probes (robust to one probe that meets a
    kink), or the largest if there are fewer than 3.
    """
    def agreed(name):  # the largest magnitude analytic and numeric agree on, and where
        numeric = results[name][3]
        both = np.nan_to_num(np.minimum(np.abs(g_named[name].reshape(-1)), np.abs(numeric)), nan=0.0)
        return (float(both.max()), int(np.argmax(both))) if both.size else (0.0, 0)

    where = {name: agreed(name) for name in named}
    probes = []
    for name in sorted(named, key=lambda name: -where[name][0])[:4]:
        scale, i = where[name]
        if scale > 0.0:
            probes.append(_probe(loss, params, named[name], name, i, results[name][0][i], J0, single))
    if not probes:
        return 0.0
    return float(np.median(probes)) if len(probes) >= 3 else max(probes)


def _kink_spread(loss, params, name, p, i, result, J0, method, threshold, single):
    """The 5-point non-smoothness of the loss at element i: (spread, h), or None if smooth.

    Screen (free for central): the one-sided differences agree, |J₊ − 2J₀ + J₋|/h ≤ threshold
    → None.  Otherwise J(θ ± 2h) (and J(θ ± h) for non-central methods) are evaluated and
    spread = max(|C−L|, |C−R|, |R−L|)/h for the second differences L, C, R centred at
    θ−h, θ, θ+h.  See check_gradient's docstring.
    """
    steps, plus, minus, _ = result
    x = float(_flat(p)[i])
    if method == "central":
        h = float(steps[i])
        J_plus, J_minus = float(plus[i]), float(minus[i])
        if abs(J_plus - 2 * J0 + J_minus) / h <= threshold:
            return None  # the one-sided differences agree: smooth enough to be judged
        J_plus2, J_minus2 = _losses_at(loss, params, name, p, i, [x + 2 * h, x - 2 * h], single)
    else:
        central = default_step(1.0, "central", p.dtype) * max(1.0, abs(x))
        h = max(float(steps[i]), central)
        J_plus2, J_plus, J_minus, J_minus2 = _losses_at(
            loss, params, name, p, i, [x + 2 * h, x + h, x - h, x - 2 * h], single)
    left = J0 - 2 * J_minus + J_minus2
    centre = J_plus - 2 * J0 + J_minus
    right = J_plus2 - 2 * J_plus + J0
    return max(abs(centre - left), abs(centre - right), abs(right - left)) / h, h


# --------------------------------------------------------------------------------------------
# in practice (notebook 07): a check along random directions, 2 evaluations each
# --------------------------------------------------------------------------------------------

class DirectionResult(NamedTuple):
    """One random direction v: analytic vᵀg, numeric (J(θ+εv) − J(θ−εv))/2ε, and the verdict."""

    analytic: float
    numeric: float
    relative_error: float
    passed: bool


@dataclass(repr=False)
class DirectionalReport:
    """What :func:`directional_check` found; ``str(report)`` is a table, one row per direction.

    passed              True when every direction agrees
    directions          list of DirectionResult(analytic, numeric, relative_error, passed)
    max_relative_error  the largest relative error over the directions
    n_evaluations       loss evaluations used (2 for J(θ) + 2 per direction)
    n_params            number of scalar parameters the directions span
    eps, tol            the step along v and the relative tolerance
    """

    passed: bool
    directions: list
    max_relative_error: float
    n_evaluations: int
    n_params: int
    eps: float
    tol: float
    max_shown: int = 10

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return str(self)

    def verdict(self) -> str:
        n_bad = sum(not d.passed for d in self.directions)
        n = len(self.directions)
        what = f"{n} random direction{'s' if n != 1 else ''} through all {self.n_params} parameters"
        if self.passed:
            return f"PASSED: {what} agree within the tolerance ({self.n_evaluations} loss evaluations)"
        return (f"FAILED: {n_bad} of {what} disagree (max rel. error {_fmt(self.max_relative_error)}, "
                f"{self.n_evaluations} loss evaluations).\nTo locate the fault: "
                "check_gradient(loss, params, grads, sample=5) checks 5 elements of every tensor; "
                "then run check_gradient on the failing tensors.")

    def _rows(self) -> list[list[str]]:
        return [[str(k), f"{d.analytic:.4e}", f"{d.numeric:.4e}", _shown(d.relative_error, d.passed),
                 "ok" if d.passed else "MISMATCH"] for k, d in enumerate(self.directions[: self.max_shown])]

    def __str__(self) -> str:
        head = ["direction", "analytic vᵀg", "numeric", "rel. error", "verdict"]
        rows = self._rows()
        widths = [max(len(r[k]) for r in [head] + rows) for k in range(5)]
        lines = [f"directional check: central differences along unit vectors v, eps = {self.eps:.1e}, "
                 f"rtol = {self.tol:.1e}"]
        for r in [head] + rows:
            lines.append("  ".join(c.rjust(w) if 0 < k < 4 else c.ljust(w)
                                   for k, (c, w) in enumerate(zip(r, widths))).rstrip())
        if len(self.directions) > self.max_shown:
            lines.append(f"… {len(self.directions) - self.max_shown} more directions")
        lines.append(self.verdict())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = ["direction", "analytic vᵀg", "numeric", "rel. error", "verdict"]
        th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
        body = "".join("<tr>" + "".join(f"<td style='text-align:right'>{html.escape(c)}</td>" for c in r) + "</tr>"
                       for r in self._rows())
        colour = "green" if self.passed else "red"
        verdict = html.escape(self.verdict()).replace("\n", "<br>")
        return (f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"
                f"<p style='color:{colour}'><b>{verdict}</b></p>")


def directional_check(
    loss: Callable,
    params,
    grads,
    n_directions: int = 1,
    eps: float | None = None,
    rng=None,
    tol: float | None = None,
) -> DirectionalReport:
    """Check ``grads`` along random directions: vᵀ∇J against (J(θ+εv) − J(θ−εv)) / 2ε.

    Each direction v is drawn from a standard normal over *all* elements of all tensors and
    scaled to unit length (‖v‖₂ = 1 over the whole parameter set), so a wrong element anywhere
    changes vᵀg; for a continuous random v the chance that the errors cancel exactly is zero.
    Cost: 2 + 2·n_directions evaluations (J(θ) twice, to refuse a random loss), whatever N — versus 2N for :func:`check_gradient`.
    A direction fails when

        |vᵀg − n_v|  >  rtol·max(|vᵀg|, |n_v|)  +  C·( ε²·‖g‖₂ + u·|J|/ε + u·‖g‖₂ ),   C = SAFETY,

    the same step-size theory as :func:`check_gradient` (truncation ε²·|J‴|/6 with J‴ taken of
    the order of ‖g‖, round-off u·|J|/ε); rtol = ``default_rtol`` of the lowest-precision tensor.
    eps=None: ∛u·max(1, max|θ|).  rng: a ``np.random.Generator`` or a seed (None: seed 0, so
    the report is reproducible).  It says *that* the gradient is wrong, not where: to locate,
    use ``check_gradient(..., sample=k)`` and then the full check on the failing tensors.
    params are perturbed in place (θ ± εv) and restored from a copy in a ``finally`` clause:
    bit-identical afterwards, also when loss raises.
    """
    _check_loss(loss)
    _check_count(n_directions, "n_directions", "a whole number ≥ 1")
    named, single, g_named = _checked_inputs(params, grads, eps, tol)
    rng = _generator(rng)
    dtype = max((p.dtype for p in named.values()), key=lambda d: np.finfo(d).eps)
    u = float(np.finfo(dtype).eps)
    rtol = float(tol) if tol is not None else default_rtol(dtype, "central")
    largest = max(float(np.abs(p).max()) if p.size else 0.0 for p in named.values())
    step = float(eps) if eps is not None else default_step(1.0, "central", dtype) * max(1.0, largest)
    g_norm = float(np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in g_named.values())))
    n_params = sum(p.size for p in named.values())

    backup = {name: p.copy() for name, p in named.items()}
    results = []
    try:
        J0 = _value(loss(params), "the unperturbed params")
        _check_untouched(params, named, backup, single, "during the first (unperturbed) call")
        _check_deterministic(loss, params, J0)
        for _ in range(int(n_directions)):
            v = {name: rng.standard_normal(p.shape) for name, p in named.items()}
            norm = float(np.sqrt(sum(np.sum(x * x) for x in v.values())))
            analytic = float(sum(np.sum(g_named[name] * v[name]) for name in named)) / norm
            values = []
            for sign in (1.0, -1.0):
                for name, p in named.items():
                    p[...] = backup[name] + (sign * step / norm) * v[name]
                values.append(_value(loss(params), f"θ {'+' if sign > 0 else '−'} eps·v (eps = {step:.1e})"))
                for name, p in named.items():
                    p[...] = backup[name]
            numeric = (values[0] - values[1]) / (2 * step)
            scale = max(abs(J0), abs(values[0]), abs(values[1]))
            allowed = SAFETY * (step**2 * g_norm + u * scale / step + u * g_norm)
            rel = float(relative_error(np.array(analytic), np.array(numeric)))
            agree = abs(analytic - numeric) <= rtol * max(abs(analytic), abs(numeric)) + allowed
            results.append(DirectionResult(analytic, float(numeric), rel, bool(agree)))
    finally:
        _restore(params, named, backup, single)
    return DirectionalReport(
        passed=all(d.passed for d in results),
        directions=results,
        max_relative_error=max(d.relative_error for d in results),
        n_evaluations=2 + 2 * len(results),
        n_params=n_params,
        eps=step,
        tol=rtol,
    )


# --------------------------------------------------------------------------------------------
# layer by layer (notebook 05): a numerical vector–Jacobian product and a one-line-per-tensor cmp
# --------------------------------------------------------------------------------------------

def numerical_vjp(f: Callable, x: np.ndarray, dout, eps: float | None = None) -> np.ndarray:
    """Numerical vector–Jacobian product of a layer f: ndarray -> ndarray.

        dx_i ≈ Σ_j dout_j · (f(x + ε e_i)_j − f(x − ε e_i)_j) / 2ε

    i.e. the gradient of the scalar Σ_j dout_j·f(x)_j — what a layer's backward returns for
    upstream gradient ``dout``.  x: float array of any shape (perturbed in place, one element
    at a time, restored in ``finally``); dout: the shape of f(x); returns an array of x's shape.
    eps=None uses default_step(x_i) per element.  Costs 2·x.size + 1 evaluations of f.
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
            f"{row.name.ljust(width)}  | exact: {str(row.exact):5s} | close: {str(row.close):5s} "
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
            raise ValueError(f"analytic[{name!r}] has shape {np.shape(a)} but numeric[{name!r}] has shape {np.shape(n)}")
        a64 = np.asarray(a, dtype=np.float64)
        n64 = np.asarray(n, dtype=np.float64)
        max_diff = float(np.max(np.abs(a64 - n64))) if a64.size else 0.0
        rows.append(ComparisonRow(name, bool(np.array_equal(a, n)), bool(np.allclose(a64, n64, rtol=rtol, atol=atol)),
                                  max_diff))
    return TensorComparison(rows, rtol, atol)
