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
        assert lines[0].get_marker() == "o"
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
