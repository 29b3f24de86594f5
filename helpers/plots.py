"""Every figure a notebook draws.

Each function draws on a new figure (or on ``ax`` if given) and returns the matplotlib
``Figure``; it never calls ``plt.show()``.  In a notebook end the cell with ``plt.show()``;
elsewhere close the figure with ``plt.close(fig)`` when done.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["secant_figure", "draw_secants", "error_vs_step_figure", "draw_points", "step_sweep_figure"]

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
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8)
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
