"""Every figure a notebook draws.

Each function draws on a new figure (or on ``ax`` if given) and returns the matplotlib
``Figure``; it never calls ``plt.show()``.  In a notebook end the cell with ``plt.show()``;
elsewhere close the figure with ``plt.close(fig)`` when done.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler

__all__ = ["secant_figure", "draw_secants", "error_vs_step_figure", "draw_points", "step_sweep_figure",
           "tensor_errors_figure", "elementwise_errors_figure", "check_cost_figure",
           "miss_probability_figure", "STYLE", "styled"]

# --- the presentation style: legible from the back of a lecture hall, colour-blind safe ---------
FIGSIZE = (8.0, 5.0)   # inches; at DPI 110 an 880 × 550 px image
DPI = 110
FONT_SIZE = 13         # points; titles 14, tick labels and legends 12 (the minimum)
MIN_FONT_SIZE = 12
LINE_WIDTH = 2.5       # points; no line is drawn thinner than 2
MIN_LINE_WIDTH = 2.0

# Okabe & Ito's palette, distinguishable with every common colour-vision deficiency
BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY, YELLOW = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")
# each curve of a plot differs from the others by colour AND line style AND marker
CYCLE = (cycler(color=[BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY])
         + cycler(linestyle=["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1))])
         + cycler(marker=["o", "s", "^", "v", "P", "X"]))

STYLE = {
    "figure.figsize": FIGSIZE, "figure.dpi": DPI, "savefig.dpi": DPI,
    "font.size": FONT_SIZE, "axes.titlesize": FONT_SIZE + 1, "axes.labelsize": FONT_SIZE,
    "legend.fontsize": MIN_FONT_SIZE, "xtick.labelsize": MIN_FONT_SIZE, "ytick.labelsize": MIN_FONT_SIZE,
    "lines.linewidth": LINE_WIDTH, "lines.markersize": 7, "axes.linewidth": 1.2,
    "axes.prop_cycle": CYCLE, "hatch.linewidth": 1.5,
}

ONE_SIDED_COLOR = VERMILLION
TWO_SIDED_COLOR = GREEN
TANGENT_COLOR = "black"
POINT_MARKERS = ("D", "*", "p", "h")


def styled(draw: Callable) -> Callable:
    """Draw under the series' presentation style ``STYLE`` (fonts ≥ 12 pt, lines ≥ 2 pt, dpi 110,
    colour-blind-safe colours that also differ by line style and marker)."""
    @functools.wraps(draw)
    def draw_styled(*args, **kwargs):
        with mpl.rc_context(STYLE):
            return draw(*args, **kwargs)
    return draw_styled


def _style_axes(ax) -> None:
    """The style's parts an axes fixes when it is made, for axes made outside ``STYLE`` (a widget's
    figure, the caller's ``ax``): the curve cycle (while the axes is empty), label and tick sizes.
    Tick labels are created when the figure is drawn, after the style's context has ended."""
    if not (ax.get_lines() or ax.patches or ax.collections):
        ax.set_prop_cycle(CYCLE)
    ax.xaxis.label.set_fontsize(FONT_SIZE)
    ax.yaxis.label.set_fontsize(FONT_SIZE)
    ax.tick_params(labelsize=MIN_FONT_SIZE, width=1.2, length=5)


def _new_axes(ax=None, figsize=FIGSIZE):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, dpi=DPI)
    _style_axes(ax)
    return ax.figure, ax


def _finish(ax, title: str, **legend) -> None:
    """Title, a light major grid and the legend: the common end of the line plots."""
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3, lw=1)
    ax.legend(**legend)


@styled
def draw_secants(ax, f: Callable, x: float, eps: float, derivative: float) -> dict:
    """Draw the curve f, its tangent at x, and the one- and two-sided secants of step ε on ``ax``.

    The shaded rise-over-run triangles are the ones whose hypotenuses are the secants.
    Returns the artists by name ({"curve", "tangent", "one_sided", "two_sided", "points",
    "one_sided_triangle", "two_sided_triangle"}).  Slopes: tangent f'(x); one-sided (f(x+ε) − f(x))/ε;
    two-sided (f(x+ε) − f(x−ε))/2ε.
    """
    _style_axes(ax)
    span = max(2.5 * eps, 0.5)
    grid = np.linspace(x - span, x + span, 200)
    fx, fplus, fminus = f(x), f(x + eps), f(x - eps)
    one_sided = (fplus - fx) / eps
    two_sided = (fplus - fminus) / (2 * eps)
    line_x = np.array([x - span, x + span])
    artists = {
        "curve": ax.plot(grid, [f(t) for t in grid], color=BLUE, ls="-", marker="", label="J(θ)")[0],
        "tangent": ax.plot(line_x, fx + derivative * (line_x - x), color=TANGENT_COLOR, lw=2,
                           ls="--", marker="", label=f"tangent, slope {derivative:.4f}")[0],
        "one_sided": ax.plot(line_x, fx + one_sided * (line_x - x), color=ONE_SIDED_COLOR, ls="-.",
                             marker="", label=f"one-sided secant, slope {one_sided:.4f}")[0],
        "two_sided": ax.plot(line_x, fminus + two_sided * (line_x - (x - eps)), color=TWO_SIDED_COLOR,
                             ls=":", lw=3, marker="", label=f"two-sided secant, slope {two_sided:.4f}")[0],
        "points": ax.plot([x - eps, x, x + eps], [fminus, fx, fplus], "o", color="black", ms=7)[0],
    }
    # the rise-over-run triangles whose hypotenuses are the secants: told apart by hatch direction,
    # so the overlap reads as cross-hatched rather than as a third colour
    # (ls="-": a fill would take the cycle's dash pattern, which matplotlib < 3.11 cannot scale to lw=0)
    artists["one_sided_triangle"] = ax.fill([x, x + eps, x + eps], [fx, fx, fplus], facecolor="none",
                                            edgecolor=ONE_SIDED_COLOR, hatch="//", lw=0, ls="-")[0]
    artists["two_sided_triangle"] = ax.fill([x - eps, x + eps, x + eps], [fminus, fminus, fplus],
                                            facecolor="none", edgecolor=TWO_SIDED_COLOR, hatch="\\\\", lw=0,
                                            ls="-")[0]
    ax.annotate("θ−ε", (x - eps, fminus), textcoords="offset points", xytext=(-30, 6))
    ax.annotate("θ", (x, fx), textcoords="offset points", xytext=(-4, 10))
    ax.annotate("θ+ε", (x + eps, fplus), textcoords="offset points", xytext=(6, -16))
    ax.set_xlim(x - span, x + span)
    values = artists["curve"].get_ydata()
    ax.set_ylim(min(values) - 0.1 * np.ptp(values), max(values) + 0.1 * np.ptp(values))
    ax.set_xlabel("θ")
    ax.set_ylabel("J(θ)")
    ax.set_title(f"Secants with ε = {eps:.3g} against the tangent at θ = {x:g}")
    ax.legend(loc="upper left")
    return artists


@styled
def secant_figure(f: Callable, x: float, eps: float, derivative: float, ax=None):
    """The lecture's picture: curve, tangent, one-sided and two-sided secants at θ = x with step ε."""
    fig, ax = _new_axes(ax)
    draw_secants(ax, f, x, eps, derivative)
    return fig


@styled
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
        ax.loglog(eps_values, values, ms=6, label=label)
    for label, eps in (mark or {}).items():
        ax.axvline(eps, color="dimgray", ls=(0, (1, 2)), lw=2, marker="", label=label)
    ax.set_xlabel("step ε")
    ax.set_ylabel(ylabel)
    _finish(ax, title)
    return fig


@styled
def draw_points(ax, points: Mapping[str, tuple[float, float]], colors: Sequence | None = None,
                markers: Sequence[str] | None = None) -> list:
    """Draw one large marker per entry of ``points`` (label → (ε, error)) on ``ax``; return the lines.

    Used to show where a particular step (the default step, the slider's ε) lands on a sweep.
    ``colors`` and ``markers`` (optional) give one colour and one marker per point; by default
    the points are diamonds, then stars, pentagons … so they differ without colour too.
    """
    lines = []
    for k, (label, (eps, error)) in enumerate(points.items()):
        style = {} if colors is None else {"color": colors[k]}
        marker = POINT_MARKERS[k % len(POINT_MARKERS)] if markers is None else markers[k]
        (line,) = ax.plot([eps], [error], marker=marker, ls="none", ms=13, mec="black", mew=1.5, zorder=3,
                          label=label, **style)
        lines.append(line)
    return lines


@styled
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
    ``points`` maps a label to one (ε, error) pair drawn as a large marker on top; when it has
    one entry per line, in the same order, each takes its line's colour and marker.  ε grows to the
    right: truncation error (∝ ε or ε²) is the right arm of the V, round-off (∝ u/ε) the left arm.
    """
    fig = error_vs_step_figure(eps_values, errors, ax=ax, title=title, ylabel=ylabel)
    ax = fig.axes[0] if ax is None else ax
    points = points or {}
    curves = ax.get_lines()[-len(errors):] if errors else []
    if len(points) == len(curves):
        draw_points(ax, points, [line.get_color() for line in curves], [line.get_marker() for line in curves])
    else:
        draw_points(ax, points)
    ax.legend()
    return fig


PASS_COLOR = BLUE
FAIL_COLOR = VERMILLION
FAIL_HATCH = "xx"  # mismatching bars are hatched as well as coloured
ZERO_FLOOR = 1e-17  # where a bar of relative error exactly 0 is drawn on the log axis


@styled
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
    bars = ax.bar(names, heights, edgecolor="black", lw=1)
    for name, bar in zip(names, bars, strict=True):
        bar.set_facecolor(FAIL_COLOR if name in failing else PASS_COLOR)
        bar.set_hatch(FAIL_HATCH if name in failing else "")
    for bar, value in zip(bars, values, strict=True):
        label = "0" if value == 0 else f"{value:.1e}"
        ax.annotate(label, (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center",
                    va="bottom", fontsize=MIN_FONT_SIZE, textcoords="offset points", xytext=(0, 2))
    ax.axhline(tol, color="black", ls="--", lw=2, marker="", label=f"tolerance {tol:.1e}")
    ax.set_yscale("log")
    ax.set_ylim(ZERO_FLOOR / 3, max(1e4, heights.max() * 1e4))  # room for the legend
    ax.set_xlabel("tensor")
    ax.set_ylabel("max relative error (log scale)")
    ax.set_title(title)
    handles = [plt.Rectangle((0, 0), 1, 1, facecolor=FAIL_COLOR, edgecolor="black", hatch=FAIL_HATCH),
               plt.Rectangle((0, 0), 1, 1, facecolor=PASS_COLOR, edgecolor="black")]
    ax.legend([*handles, ax.get_lines()[-1]], ["mismatch", "agrees", f"tolerance {tol:.1e}"],
              loc="upper center", ncol=3)
    return fig


THRESHOLD_ZONES = (  # (low, high, label, colour) of the float64 rule of thumb, notebook 04
    (0.0, 1e-7, "< 1e-7 good", GREEN),
    (1e-7, 1e-5, "1e-7 … 1e-5 look closer", YELLOW),
    (1e-5, 1e-3, "1e-5 … 1e-3 suspicious", ORANGE),
    (1e-3, np.inf, "> 1e-3 almost surely a bug", VERMILLION),
)


@styled
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
    for low, high, label, color in THRESHOLD_ZONES:  # each zone is named on the plot, not only by colour
        low, high = max(low, low_limit), min(high, high_limit)
        ax.axhspan(low, high, color=color, alpha=0.15, lw=0)
        ax.text(0.99, np.sqrt(low * high), label, transform=ax.get_yaxis_transform(), ha="right",
                va="center", fontsize=MIN_FONT_SIZE, color="black",
                bbox={"facecolor": "white", "alpha": 0.7, "lw": 0, "pad": 1})
    start, ticks = 0, []
    for name, values in relative_errors.items():
        values = np.asarray(values, dtype=float).ravel()
        positions = np.arange(start, start + values.size)
        heights = np.maximum(values, ZERO_FLOOR)
        (line,) = ax.plot(positions, heights, ls="none", ms=7, label=name)
        ax.vlines(positions, ZERO_FLOOR, heights, color=line.get_color(), lw=2)
        ticks.append((positions.mean(), name))
        start += values.size
    if difference is not None:
        ax.axhline(max(difference, ZERO_FLOOR), color="black", ls="--", lw=2, marker="",
                   label=f"norm-wise difference {difference:.1e}")
    ax.set_yscale("log")
    ax.set_ylim(low_limit, high_limit)
    if len(relative_errors) == 1:  # one tensor: name every element, so each stem can be found
        name, size = next(iter(relative_errors)), start
        ax.set_xticks(range(size), [f"{name}[{i}]" for i in range(size)] if size <= 12 else None)
    else:
        ax.set_xticks([t for t, _ in ticks], [name for _, name in ticks])
    ax.set_xlabel("gradient entry")
    ax.set_ylabel("relative error (log scale)")
    ax.set_title(title)
    ax.legend(loc="lower left", ncol=3)
    return fig


@styled
def check_cost_figure(n_params: Sequence[int], seconds: Mapping[str, Sequence[float]], ax=None,
                      title: str = "Cost of a gradient check against the number of parameters N"):
    """Log-log plot of the time of each kind of check (one line with markers per entry of
    ``seconds``) against N.  A full check (2N evaluations of a loss whose own cost grows with N)
    rises faster than a sampled check (2k evaluations per tensor) or a directional check
    (2 evaluations per direction)."""
    fig, ax = _new_axes(ax)
    for label, values in seconds.items():
        ax.loglog(n_params, values, ms=6, label=label)
    ax.set_xlabel("number of parameters N")
    ax.set_ylabel("seconds")
    _finish(ax, title)
    return fig


@styled
def miss_probability_figure(ratios: Sequence[float], missed: Sequence[float], n_directions: int | None = None,
                            ax=None, title: str | None = None, k: int = 1):
    """Measured fraction of random directions that miss an error against the theory.

    ``ratios`` are r = |e| / (rtol·‖∇J‖) for an error e planted in one element, ``missed`` the
    measured fraction of trials that passed at each r (same length, each in [0, 1]); a trial is
    ``k`` independent random directions, and it misses when all k do.  Drawn on a log r axis: the
    measurements as markers (with ±2 binomial standard errors 2·√(p(1−p)/n) when the number of
    trials ``n_directions`` is given) and the theory P(miss) = ((2/π)·arctan(1/r))ᵏ as a dashed line.
    """
    r = np.asarray(ratios, dtype=float)
    p = np.asarray(missed, dtype=float)
    if r.ndim != 1 or r.size == 0 or r.shape != p.shape:
        raise ValueError(f"ratios and missed must be 1-D and of the same length, got shapes {r.shape} and {p.shape}")
    if np.any(r <= 0) or not np.all(np.isfinite(r)):
        raise ValueError("ratios must be positive: r = |e| / (rtol·‖∇J‖) for each planted error e")
    if np.any((p < 0) | (p > 1)) or not np.all(np.isfinite(p)):
        raise ValueError("missed must be fractions in [0, 1] (directions that passed / directions tried)")
    if not (isinstance(k, (int, np.integer)) and k >= 1):
        raise ValueError(f"k must be a positive integer (directions per trial), got {k!r}")
    fig, ax = _new_axes(ax)
    grid = np.geomspace(r.min() / 2, r.max() * 2, 200)
    power = "" if k == 1 else f"^{k}"
    ax.plot(grid, (2 / np.pi * np.arctan(1 / grid)) ** k, color="black", ls="--", marker="",
            label=f"theory ((2/π)·arctan(1/r)){power}" if k > 1 else "theory (2/π)·arctan(1/r)")
    errors = None if n_directions is None else 2 * np.sqrt(p * (1 - p) / n_directions)
    trials = "directions" if k == 1 else f"groups of {k} directions"
    label = "measured" if n_directions is None else f"measured, {n_directions} {trials} (±2 s.e.)"
    ax.errorbar(r, p, yerr=errors, fmt="o", ls="none", ms=8, color=FAIL_COLOR, elinewidth=2, capsize=4,
                capthick=2, label=label)
    ax.set_xscale("log")
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel("size of the error  r = |e| / (rtol·‖∇J‖)")
    ax.set_ylabel("fraction of directions that miss it" if k == 1 else f"fraction of {k} directions all missing it")
    if title is None:
        title = ("How often one random direction misses one wrong element" if k == 1
                 else f"How often {k} random directions all miss one wrong element")
    _finish(ax, title)
    return fig
