import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers.widgets import SecantExplorer, epsilon_slider


def cube(theta):
    return theta**3


def secant_slope(explorer, label_start):
    (ax,) = explorer.figure.axes
    (line,) = [line for line in ax.get_lines() if line.get_label().startswith(label_start)]
    x, y = line.get_xdata(), line.get_ydata()
    return (y[1] - y[0]) / (x[1] - x[0])


def test_slider_builds_with_the_requested_value_and_no_continuous_update():
    explorer = epsilon_slider(cube, 1.0, 3.0, eps=0.3)
    assert isinstance(explorer, SecantExplorer)
    assert explorer.slider.continuous_update is False
    assert np.isclose(explorer.eps, 0.3)
    assert np.isclose(secant_slope(explorer, "two-sided"), 3 + 0.3**2)
    assert explorer.widget.children == (explorer.slider, explorer.output)


def test_moving_the_slider_redraws_the_figure_for_the_new_eps():
    explorer = epsilon_slider(cube, 1.0, 3.0, eps=0.3)
    first = explorer.figure
    explorer.slider.value = 0.1
    assert explorer.figure is not first
    assert np.isclose(secant_slope(explorer, "one-sided"), 3 + 3 * 0.1 + 0.1**2)
    assert np.isclose(secant_slope(explorer, "two-sided"), 3 + 0.1**2)
    assert "ε = 0.1" in explorer.figure.axes[0].get_title()


def test_widget_figures_are_not_left_open_in_pyplot():
    explorer = epsilon_slider(cube, 1.0, 3.0)
    for value in (0.05, 0.2, 0.5):
        explorer.slider.value = value
    assert plt.get_fignums() == []


def test_bad_range_is_refused():
    with pytest.raises(ValueError, match="eps_min"):
        epsilon_slider(cube, 1.0, 3.0, eps=2.0, eps_max=1.0)
