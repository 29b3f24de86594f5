import matplotlib.pyplot as plt
import numpy as np

from helpers.derivatives import derivative_errors
from helpers.plots import error_vs_step_figure, secant_figure


def cube(theta):
    return theta**3


def test_secant_figure_has_curve_tangent_two_secants_points_and_triangles():
    fig = secant_figure(cube, 1.0, 0.3, derivative=3.0)
    try:
        (ax,) = fig.axes
        labels = [line.get_label() for line in ax.get_lines()]
        assert len(ax.get_lines()) == 5  # curve, tangent, one-sided, two-sided, the three points
        assert "tangent, slope 3.0000" in labels
        assert "one-sided secant, slope 3.9900" in labels   # ((1.3)³ − 1) / 0.3
        assert "two-sided secant, slope 3.0900" in labels   # 3 + ε²
        assert len(ax.patches) == 2  # the two rise-over-run triangles
        points = ax.get_lines()[4]
        assert np.allclose(points.get_xdata(), [0.7, 1.0, 1.3])
        assert np.allclose(points.get_ydata(), [0.343, 1.0, 2.197])
    finally:
        plt.close(fig)


def test_error_vs_step_figure_is_log_log_with_one_line_per_scheme():
    eps = [1e-1, 1e-2, 1e-3, 1e-4]
    errors = {s: derivative_errors(cube, 1.0, 3.0, eps, s) for s in ("forward", "central")}
    fig = error_vs_step_figure(eps, errors, mark={"default step": 6e-6})
    try:
        (ax,) = fig.axes
        assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
        lines = ax.get_lines()
        assert len(lines) == 3
        assert [len(line.get_xdata()) for line in lines[:2]] == [4, 4]
        assert lines[0].get_marker() != lines[1].get_marker()  # told apart without colour
        assert np.allclose(lines[1].get_ydata(), errors["central"])
    finally:
        plt.close(fig)


def test_figures_draw_on_a_given_axes():
    fig, ax = plt.subplots()
    try:
        assert secant_figure(cube, 1.0, 0.1, 3.0, ax=ax) is fig
        assert len(ax.get_lines()) == 5
    finally:
        plt.close(fig)


# --- notebook 02: the V-shaped curve with marked points ----------------------------------------

from helpers.derivatives import step_sweep  # noqa: E402
from helpers.plots import draw_points, step_sweep_figure  # noqa: E402


def test_step_sweep_figure_has_one_line_per_scheme_and_one_diamond_per_point():
    eps = np.array([10.0**-k for k in range(1, 16)])
    errors = {f"{m} difference": step_sweep(np.exp, 1.0, np.e, eps, m) for m in ("forward", "central")}
    points = {"default, forward": (1.49e-8, 1.3e-8), "default, central": (6.06e-6, 4.7e-12)}
    fig = step_sweep_figure(eps, errors, points=points, title="V")
    try:
        (ax,) = fig.axes
        assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
        lines = ax.get_lines()
        assert len(lines) == 4
        assert [len(line.get_xdata()) for line in lines] == [15, 15, 1, 1]
        assert [line.get_marker() for line in lines] == ["o", "s", "o", "s"]  # each point in its line's shape
        assert np.allclose(lines[3].get_xdata(), [6.06e-6]) and np.allclose(lines[3].get_ydata(), [4.7e-12])
        # one point per line: each takes its line's colour
        assert lines[2].get_color() == lines[0].get_color()
        assert lines[3].get_color() == lines[1].get_color()
        assert [t.get_text() for t in ax.get_legend().get_texts()] == [*errors, *points]
        assert ax.get_title() == "V" and ax.get_ylabel() == "relative error"
    finally:
        plt.close(fig)
    assert not plt.fignum_exists(fig.number)


def test_step_sweep_figure_without_points_and_with_other_point_counts():
    eps = [1e-1, 1e-2, 1e-3]
    fig = step_sweep_figure(eps, {"a": [1e-2, 1e-4, 1e-6]})
    try:
        assert len(fig.axes[0].get_lines()) == 1
    finally:
        plt.close(fig)
    fig = step_sweep_figure(eps, {"a": [1e-2, 1e-4, 1e-6]}, points={"p": (1e-2, 1e-4), "q": (1e-3, 1e-6)})
    try:
        assert len(fig.axes[0].get_lines()) == 3  # diamonds in default colours
    finally:
        plt.close(fig)


def test_draw_points_returns_one_line_per_point_in_the_given_colours():
    fig, ax = plt.subplots()
    try:
        lines = draw_points(ax, {"a": (1.0, 2.0), "b": (3.0, 4.0)}, colors=["red", "blue"])
        assert [line.get_label() for line in lines] == ["a", "b"]
        assert [line.get_color() for line in lines] == ["red", "blue"]
    finally:
        plt.close(fig)


def test_tensor_errors_figure_highlights_failing_tensors_on_a_log_scale():
    import matplotlib.colors as mcolors
    import pytest

    from helpers.plots import FAIL_COLOR, tensor_errors_figure

    errors = {"W1": 3e-9, "b1": 0.75, "W2": 0.5, "b2": 0.0, "W3": 1e-10, "b3": 2e-11}
    fig = tensor_errors_figure(errors, tol=1e-7)
    try:
        (ax,) = fig.axes
        assert ax.get_yscale() == "log"
        bars = ax.patches
        assert [t.get_text() for t in ax.get_xticklabels()] == list(errors)
        red = [name for name, bar in zip(errors, bars, strict=True)
               if mcolors.same_color(bar.get_facecolor(), FAIL_COLOR)]
        assert red == ["b1", "W2"]
        assert [bar.get_hatch() or "" for bar in bars] == ["", "xx", "xx", "", "", ""]  # not by colour alone
        assert np.isclose(bars[1].get_height(), 0.75) and bars[3].get_height() > 0  # 0 drawn at a floor
        labels = [t.get_text() for t in ax.texts]
        assert labels == ["3.0e-09", "7.5e-01", "5.0e-01", "0", "1.0e-10", "2.0e-11"]
        assert np.allclose(ax.get_lines()[-1].get_ydata(), 1e-7)  # the tolerance line
    finally:
        plt.close(fig)
    fig = tensor_errors_figure(errors, tol=1e-7, failing=["W2"])
    try:
        colors = [mcolors.same_color(bar.get_facecolor(), FAIL_COLOR) for bar in fig.axes[0].patches]
        assert colors == [False, False, True, False, False, False]
    finally:
        plt.close(fig)
    with pytest.raises(ValueError, match="not among the tensors"):
        tensor_errors_figure(errors, tol=1e-7, failing=["W9"])
    with pytest.raises(ValueError, match="tol"):
        tensor_errors_figure(errors, tol=0.0)


# --- notebook 04: element-wise relative errors on the threshold zones ---------------------------

import pytest  # noqa: E402

from helpers.plots import THRESHOLD_ZONES, elementwise_errors_figure  # noqa: E402


def test_elementwise_errors_figure_has_one_stem_series_per_tensor_zones_and_the_difference():
    errors = {"w": np.array([[1e-10, 0.0], [3e-9, 2e-11]]), "b": np.array([2.0])}
    fig = elementwise_errors_figure(errors, difference=2.1e-6, title="check")
    try:
        (ax,) = fig.axes
        assert ax.get_yscale() == "log" and ax.get_xscale() == "linear"
        markers = [line for line in ax.get_lines() if line.get_linestyle() == "None"]
        assert [line.get_label() for line in markers] == ["w", "b"]
        assert np.allclose(markers[0].get_xdata(), [0, 1, 2, 3]) and np.allclose(markers[1].get_xdata(), [4])
        assert np.allclose(markers[0].get_ydata(), [1e-10, 1e-17, 3e-9, 2e-11])  # the exact 0 drawn at 1e-17
        assert len(ax.collections) == 2  # one set of stems per tensor
        assert len(ax.patches) == 4      # the four threshold zones, each named on the plot
        assert [t.get_text() for t in ax.texts] == [zone[2] for zone in THRESHOLD_ZONES]
        (dashed,) = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
        assert np.allclose(dashed.get_ydata(), 2.1e-6)
        assert dashed.get_label() == "norm-wise difference 2.1e-06"
        assert [t.get_text() for t in ax.get_xticklabels()] == ["w", "b"]
    finally:
        plt.close(fig)
    assert plt.get_fignums() == []


def test_elementwise_errors_figure_without_difference_and_empty_input():
    fig = elementwise_errors_figure({"theta": [1e-12, 1.0]})
    try:
        assert not [line for line in fig.axes[0].get_lines() if line.get_linestyle() == "--"]
        # one tensor: every element is named on the axis
        assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["theta[0]", "theta[1]"]
    finally:
        plt.close(fig)
    with pytest.raises(ValueError, match="empty"):
        elementwise_errors_figure({})


def test_check_cost_figure_has_one_log_log_line_per_kind_of_check():
    from helpers.plots import check_cost_figure

    n = [100, 1_000, 10_000]
    seconds = {"full": [0.01, 0.2, 5.0], "sampled": [0.002, 0.003, 0.01], "directional": [1e-4, 2e-4, 1e-3]}
    fig = check_cost_figure(n, seconds)
    try:
        (ax,) = fig.axes
        assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
        assert [line.get_label() for line in ax.get_lines()] == list(seconds)
        assert np.allclose(ax.get_lines()[0].get_ydata(), seconds["full"])
    finally:
        plt.close(fig)


# --- notebook 09: how often one random direction misses a wrong element -----------------------------

def test_miss_probability_figure_draws_measurements_and_the_arctan_theory():
    from helpers.plots import miss_probability_figure

    ratios = [0.1, 1.0, 10.0]
    missed = [0.95, 0.5, 0.06]
    fig = miss_probability_figure(ratios, missed, n_directions=400)
    try:
        (ax,) = fig.axes
        assert ax.get_xscale() == "log"
        (theory,) = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
        x, y = theory.get_xdata(), theory.get_ydata()
        assert x.min() < 0.1 and x.max() > 10.0
        assert np.allclose(y, 2 / np.pi * np.arctan(1 / x))  # 0.5 at r = 1
        (points,) = ax.containers  # the measurements, with error bars
        assert np.allclose(points.lines[0].get_xdata(), ratios) and np.allclose(points.lines[0].get_ydata(), missed)
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert labels == ["theory (2/π)·arctan(1/r)", "measured, 400 directions (±2 s.e.)"]
    finally:
        plt.close(fig)
    fig = miss_probability_figure(ratios, missed)  # without n_directions: no error bars
    try:
        assert fig.axes[0].containers[0].has_yerr is False
    finally:
        plt.close(fig)
    with pytest.raises(ValueError, match="same length"):
        miss_probability_figure(ratios, missed[:2])
    with pytest.raises(ValueError, match="fractions"):
        miss_probability_figure(ratios, [0.5, 1.5, 0.0])
    with pytest.raises(ValueError, match="positive"):
        miss_probability_figure([0.0, 1.0, 2.0], missed)


# --- the presentation style: every figure legible on a projector and readable without colour ------

from presentation import assert_presentable  # noqa: E402

from helpers import plots  # noqa: E402

SAMPLE_FIGURES = {  # one call per public figure function, with data like the notebooks'
    "secant_figure": lambda: plots.secant_figure(cube, 1.0, 0.3, 3.0),
    "error_vs_step_figure": lambda: plots.error_vs_step_figure(
        [1e-1, 1e-2, 1e-3], {"one-sided": [3e-1, 3e-2, 3e-3], "two-sided": [1e-2, 1e-4, 1e-6]},
        mark={"default": 6e-6}),
    "step_sweep_figure": lambda: plots.step_sweep_figure(
        [1e-1, 1e-2, 1e-3], {"forward": [1e-1, 1e-2, 1e-3], "central": [1e-2, 1e-4, 1e-6]},
        points={"f": (1e-2, 1e-2), "c": (1e-2, 1e-4)}),
    "tensor_errors_figure": lambda: plots.tensor_errors_figure({"W1": 1e-10, "b1": 0.5}, tol=1e-7),
    "elementwise_errors_figure": lambda: plots.elementwise_errors_figure(
        {"w": [1e-10, 2e-9], "b": [0.3]}, difference=1e-3),
    "check_cost_figure": lambda: plots.check_cost_figure(
        [10, 100], {"full": [1e-3, 1e-1], "sampled": [1e-4, 2e-4], "directional": [1e-5, 1e-5]}),
    "miss_probability_figure": lambda: plots.miss_probability_figure([0.1, 1.0], [0.9, 0.5], n_directions=100),
}


def test_every_public_figure_function_has_a_style_sample():
    assert sorted(SAMPLE_FIGURES) == sorted(name for name in plots.__all__ if name.endswith("_figure"))


@pytest.mark.parametrize("name", sorted(SAMPLE_FIGURES))
def test_every_figure_meets_the_presentation_minimums(name):
    fig = SAMPLE_FIGURES[name]()
    try:
        assert_presentable(fig, name)
    finally:
        plt.close(fig)


def test_a_figure_drawn_on_plain_axes_made_outside_the_style_meets_it_too():
    from matplotlib.figure import Figure

    ax = Figure(figsize=plots.FIGSIZE, dpi=plots.DPI).add_subplot()  # as a widget makes it
    plots.elementwise_errors_figure({"w": [1e-10, 2e-9], "b": [0.3]}, difference=1e-3, ax=ax)
    assert_presentable(ax.figure, "elementwise_errors_figure on plain axes")
    assert [line.get_marker() for line in ax.get_lines()[:2]] == ["o", "s"]  # the style's cycle


def test_the_style_is_the_one_the_figures_use_and_its_colours_are_okabe_ito():
    assert plots.STYLE["figure.dpi"] >= 110 and plots.STYLE["lines.linewidth"] >= plots.MIN_LINE_WIDTH
    assert min(plots.STYLE[k] for k in ("font.size", "legend.fontsize", "xtick.labelsize")) >= plots.MIN_FONT_SIZE
    cycle = list(plots.CYCLE)
    assert len({c["linestyle"] if isinstance(c["linestyle"], str) else str(c["linestyle"]) for c in cycle}) \
        == len({c["marker"] for c in cycle}) == len({c["color"] for c in cycle}) == len(cycle)
    okabe_ito = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442"}
    assert {c["color"] for c in cycle} <= okabe_ito
    before = dict(plt.rcParams)
    plt.close(plots.secant_figure(cube, 1.0, 0.3, 3.0))
    assert dict(plt.rcParams) == before  # the style applies inside the figure functions only
