"""Every figure a notebook draws.

Each function draws on a new figure (or on ``ax`` if given) and returns the matplotlib
``Figure``; it never calls ``plt.show()``.  In a notebook end the cell with ``plt.show()``;
elsewhere close the figure with ``plt.close(fig)`` when done.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["secant_figure", "draw_secants", "error_vs_step_figure", "draw_points", "step_sweep_figure",
           "tensor_errors_figure", "elementwise_errors_figure", "check_cost_figure",
           "miss_probability_figure"]

FIGSIZE = (6.4, 4.0)
DPI = 80

ONE_SIDED_COLOR = "tab:orange"
TWO_SIDED_COLOR = "tab:green"
TANGENT_COLOR = "black"


def _new_axes(ax=None, figsize=FIGSIZE):
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize, dpi=DPI)
    return fig, ax


def _finish(ax, title: str) -> None:
    """Title, a light major grid and a small legend: the common end of the line plots."""
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8)


def draw_secants(ax, f: Callable, x: float, eps: float, derivative: float) -> dict:
    """Draw the curve f, its tangent at x, and the one- and two-sided secants of step ε on ``ax``.

    The shaded rise-over-run triangles are the ones whose hypotenuses are the secants.
    Returns the artists by name ({"curve", "tangent", "one_sided", "two_sided", "points",
    "one_sided_triangle", "two_sided_triangle"}).  Slopes: tangent f'(x); one-sided (f(x+ε) − f(x))/ε;
    two-sided (f(x+ε) − f(x−ε))/2ε.
    """
    span = max(2.5 * eps, 0.5)
    grid = np.linspace(x - span, x + span, 200)
    fx, fplus, fminus = f(x), f(x + eps), f(x - eps)
    one_sided = (fplus - fx) / eps
    two_sided = (fplus - fminus) / (2 * eps)
    line_x = np.array([x - span, x + span])
    artists = {
        "curve": ax.plot(grid, [f(t) for t in grid], color="tab:blue", lw=2, label="J(θ)")[0],
        "tangent": ax.plot(line_x, fx + derivative * (line_x - x), color=TANGENT_COLOR, lw=1,
                           ls="--", label=f"tangent, slope {derivative:.4f}")[0],
        "one_sided": ax.plot(line_x, fx + one_sided * (line_x - x), color=ONE_SIDED_COLOR, lw=1.5,
                             label=f"one-sided secant, slope {one_sided:.4f}")[0],
        "two_sided": ax.plot(line_x, fminus + two_sided * (line_x - (x - eps)), color=TWO_SIDED_COLOR,
                             lw=1.5, label=f"two-sided secant, slope {two_sided:.4f}")[0],
        "points": ax.plot([x - eps, x, x + eps], [fminus, fx, fplus], "o", color="black", ms=5)[0],
    }
    # the rise-over-run triangles whose hypotenuses are the secants
    artists["one_sided_triangle"] = ax.fill([x, x + eps, x + eps], [fx, fx, fplus],
                                            color=ONE_SIDED_COLOR, alpha=0.25, lw=0)[0]
    artists["two_sided_triangle"] = ax.fill([x - eps, x + eps, x + eps], [fminus, fminus, fplus],
                                            color=TWO_SIDED_COLOR, alpha=0.15, lw=0)[0]
    ax.annotate("θ−ε", (x - eps, fminus), textcoords="offset points", xytext=(-22, 6))
    ax.annotate("θ", (x, fx), textcoords="offset points", xytext=(-4, 8))
    ax.annotate("θ+ε", (x + eps, fplus), textcoords="offset points", xytext=(4, -14))
    ax.set_xlim(x - span, x + span)
    values = artists["curve"].get_ydata()
    ax.set_ylim(min(values) - 0.1 * np.ptp(values), max(values) + 0.1 * np.ptp(values))
    ax.set_xlabel("θ")
    ax.set_ylabel("J(θ)")
    ax.set_title(f"Secants with ε = {eps:.3g} against the tangent at θ = {x:g}")
    ax.legend(loc="upper left", fontsize=8)
    return artists


def secant_figure(f: Callable, x: float, eps: float, derivative: float, ax=None):
    """The lecture's picture: curve, tangent, one-sided and two-sided secants at θ = x with step ε."""
    fig, ax = _new_axes(ax)
    draw_secants(ax, f, x, eps, derivative)
    return fig


def error_vs_step_figure(
    eps_values: Sequence[float],
    errors: Mapping[str, Sequence[float]],
    ax=None,
    title: str = "Error of the difference quotient against the step ε",
    ylabel: str = "absolute error",
    mark: Mapping[str, float] | None = None,
):
    """Log-log plot of error against ε, one line with markers per entry of ``errors``.

    On log-log axes an O(εᵖ) error is a straight line of slope p.  ``mark`` adds a vertical
    dotted line per entry (label → ε), e.g. the default step.
    """
    fig, ax = _new_axes(ax)
    for label, values in errors.items():
        ax.loglog(eps_values, values, "o-", ms=4, label=label)
    for label, eps in (mark or {}).items():
        ax.axvline(eps, color="gray", ls=":", lw=1.2, label=label)
    ax.set_xlabel("step ε")
    ax.set_ylabel(ylabel)
    _finish(ax, title)
    return fig


def draw_points(ax, points: Mapping[str, tuple[float, float]], colors: Sequence | None = None) -> list:
    """Draw one large diamond per entry of ``points`` (label → (ε, error)) on ``ax``; return the lines.

    Used to show where a particular step (the default step, the slider's ε) lands on a sweep.
    ``colors`` (optional) gives one colour per point.
    """
    lines = []
    for k, (label, (eps, error)) in enumerate(points.items()):
        style = {} if colors is None else {"color": colors[k]}
        (line,) = ax.plot([eps], [error], "D", ms=8, mec="black", zorder=3, label=label, **style)
        lines.append(line)
    return lines


def step_sweep_figure(
    eps_values: Sequence[float],
    errors: Mapping[str, Sequence[float]],
    points: Mapping[str, tuple[float, float]] | None = None,
    ax=None,
    title: str = "Relative error against the step ε",
    ylabel: str = "relative error",
):
    """The V-shaped curve: log-log error against ε, one line per scheme, plus marked points.

    ``errors`` maps a label to the errors of one sweep (see ``helpers.derivatives.step_sweep``);
    ``points`` maps a label to one (ε, error) pair drawn as a diamond on top; when it has one
    entry per line, in the same order, each diamond takes its line's colour.  ε grows to the
    right: truncation error (∝ ε or ε²) is the right arm of the V, round-off (∝ u/ε) the left arm.
    """
    fig = error_vs_step_figure(eps_values, errors, ax=ax, title=title, ylabel=ylabel)
    ax = fig.axes[0] if ax is None else ax
    points = points or {}
    curves = ax.get_lines()[-len(errors):] if errors else []
    colors = [line.get_color() for line in curves] if len(points) == len(curves) else None
    draw_points(ax, points, colors)
    ax.legend(fontsize=8)
    return fig


PASS_COLOR = "tab:blue"
FAIL_COLOR = "tab:red"
ZERO_FLOOR = 1e-17  # where a bar of relative error exactly 0 is drawn on the log axis


def tensor_errors_figure(
    errors: Mapping[str, float],
    tol: float,
    failing: Sequence[str] | None = None,
    ax=None,
    title: str = "Largest relative error in each tensor",
):
    """Bar chart, log scale, of the largest element-wise relative error in each tensor.

    ``errors`` maps a tensor name to its max |g − n| / max(|g|, |n|) (e.g. from a gradient-check
    report), in the order to draw.  Bars of the tensors in ``failing`` (default: error > ``tol``)
    are red, the others blue; a dashed line marks ``tol``; each bar carries its value, and an
    error of exactly 0 is drawn at 1e-17 and labelled "0".
    """
    if not errors:
        raise ValueError("errors is empty; pass one entry per tensor, e.g. {'W1': 3e-9, 'b1': 0.75}")
    if not np.isfinite(tol) or tol <= 0:
        raise ValueError(f"tol must be a positive number (the pass/fail threshold), but got tol={tol!r}")
    names = list(errors)
    values = np.array([float(errors[name]) for name in names])
    if np.any(values < 0) or not np.all(np.isfinite(values)):
        raise ValueError("errors must be finite and non-negative (relative errors lie in [0, 2])")
    failing = {names[k] for k in np.flatnonzero(values > tol)} if failing is None else set(failing)
    unknown = failing - set(names)
    if unknown:
        raise ValueError(f"failing names {sorted(unknown)} are not among the tensors {names}")
    fig, ax = _new_axes(ax)
    heights = np.maximum(values, ZERO_FLOOR)
    colors = [FAIL_COLOR if name in failing else PASS_COLOR for name in names]
    bars = ax.bar(names, heights, color=colors, edgecolor="black", lw=0.6)
    for bar, value in zip(bars, values, strict=True):
        label = "0" if value == 0 else f"{value:.1e}"
        ax.annotate(label, (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center",
                    va="bottom", fontsize=8, textcoords="offset points", xytext=(0, 2))
    ax.axhline(tol, color="black", ls="--", lw=1, label=f"tolerance {tol:.1e}")
    ax.set_yscale("log")
    ax.set_ylim(ZERO_FLOOR / 3, max(1e4, heights.max() * 1e4))  # room for the legend
    ax.set_xlabel("tensor")
    ax.set_ylabel("max relative error (log scale)")
    ax.set_title(title)
    handles = [plt.Rectangle((0, 0), 1, 1, color=FAIL_COLOR), plt.Rectangle((0, 0), 1, 1, color=PASS_COLOR)]
    ax.legend([*handles, ax.get_lines()[-1]], ["mismatch", "agrees", f"tolerance {tol:.1e}"],
              fontsize=8, loc="upper center", ncol=3)
    return fig


THRESHOLD_ZONES = (  # (low, high, label, colour) of the float64 rule of thumb, notebook 03
    (0.0, 1e-7, "< 1e-7 good", "tab:green"),
    (1e-7, 1e-5, "1e-7 … 1e-5 look closer", "gold"),
    (1e-5, 1e-3, "1e-5 … 1e-3 suspicious", "tab:orange"),
    (1e-3, np.inf, "> 1e-3 almost surely a bug", "tab:red"),
)


def elementwise_errors_figure(
    relative_errors: Mapping[str, Sequence[float]],
    difference: float | None = None,
    ax=None,
    title: str = "Element-wise relative error of every gradient entry",
):
    """Stem plot, log scale, of |gᵢ − nᵢ| / max(|gᵢ|, |nᵢ|) for every element, tensor after tensor.

    ``relative_errors`` maps a tensor name to its array of element-wise relative errors (any
    shape; flattened), drawn left to right, one colour per tensor.  The background shows the
    threshold zones (< 1e-7 good, 1e-7 … 1e-5 look closer, 1e-5 … 1e-3 suspicious, > 1e-3 a bug);
    ``difference`` (the norm-wise number) is drawn as a dashed horizontal line.  Errors of
    exactly 0 are drawn at 1e-17.
    """
    if not relative_errors:
        raise ValueError("relative_errors is empty; pass one array per tensor, e.g. {'w': errors_w}")
    fig, ax = _new_axes(ax)
    low_limit, high_limit = ZERO_FLOOR / 3, 10.0
    for low, high, label, color in THRESHOLD_ZONES:
        ax.axhspan(max(low, low_limit), min(high, high_limit), color=color, alpha=0.12, lw=0, label=label)
    start, ticks = 0, []
    for name, values in relative_errors.items():
        values = np.asarray(values, dtype=float).ravel()
        positions = np.arange(start, start + values.size)
        heights = np.maximum(values, ZERO_FLOOR)
        (line,) = ax.plot(positions, heights, "o", ms=4, label=name)
        ax.vlines(positions, ZERO_FLOOR, heights, color=line.get_color(), lw=1)
        ticks.append((positions.mean(), name))
        start += values.size
    if difference is not None:
        ax.axhline(max(difference, ZERO_FLOOR), color="black", ls="--", lw=1,
                   label=f"norm-wise difference {difference:.1e}")
    ax.set_yscale("log")
    ax.set_ylim(low_limit, high_limit)
    ax.set_xticks([t for t, _ in ticks], [name for _, name in ticks])
    ax.set_xlabel("gradient entry")
    ax.set_ylabel("relative error (log scale)")
    ax.set_title(title)
    ax.legend(fontsize=7, loc="lower left", ncol=2)
    return fig


def check_cost_figure(n_params: Sequence[int], seconds: Mapping[str, Sequence[float]], ax=None,
                      title: str = "Cost of a gradient check against the number of parameters N"):
    """Log-log plot of the time of each kind of check (one line with markers per entry of
    ``seconds``) against N.  A full check (2N evaluations of a loss whose own cost grows with N)
    rises faster than a sampled check (2k evaluations per tensor) or a directional check
    (2 evaluations per direction)."""
    fig, ax = _new_axes(ax)
    for label, values in seconds.items():
        ax.loglog(n_params, values, "o-", ms=4, label=label)
    ax.set_xlabel("number of parameters N")
    ax.set_ylabel("seconds")
    _finish(ax, title)
    return fig


def miss_probability_figure(ratios: Sequence[float], missed: Sequence[float], n_directions: int | None = None,
                            ax=None, title: str = "How often one random direction misses one wrong element"):
    """Measured fraction of single random directions that miss an error against the theory.

    ``ratios`` are r = |e| / (rtol·‖∇J‖) for an error e planted in one element, ``missed`` the
    measured fraction of directions that passed at each r (same length, each in [0, 1]).  Drawn
    on a log r axis: the measurements as markers (with ±2 binomial standard errors
    2·√(p(1−p)/n) when ``n_directions`` is given) and the theory P(miss) = (2/π)·arctan(1/r) as
    a dashed line.
    """
    r = np.asarray(ratios, dtype=float)
    p = np.asarray(missed, dtype=float)
    if r.ndim != 1 or r.size == 0 or r.shape != p.shape:
        raise ValueError(f"ratios and missed must be 1-D and of the same length, got shapes {r.shape} and {p.shape}")
    if np.any(r <= 0) or not np.all(np.isfinite(r)):
        raise ValueError("ratios must be positive: r = |e| / (rtol·‖∇J‖) for each planted error e")
    if np.any((p < 0) | (p > 1)) or not np.all(np.isfinite(p)):
        raise ValueError("missed must be fractions in [0, 1] (directions that passed / directions tried)")
    fig, ax = _new_axes(ax)
    grid = np.geomspace(r.min() / 2, r.max() * 2, 200)
    ax.plot(grid, 2 / np.pi * np.arctan(1 / grid), color="black", ls="--", lw=1.5,
            label="theory (2/π)·arctan(1/r)")
    errors = None if n_directions is None else 2 * np.sqrt(p * (1 - p) / n_directions)
    label = "measured" if n_directions is None else f"measured, {n_directions} directions (±2 s.e.)"
    ax.errorbar(r, p, yerr=errors, fmt="o", ms=6, color=FAIL_COLOR, capsize=3, label=label)
    ax.set_xscale("log")
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel("size of the error  r = |e| / (rtol·‖∇J‖)")
    ax.set_ylabel("fraction of directions that miss it")
    _finish(ax, title)
    return fig
