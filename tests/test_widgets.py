import re

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


# --- notebook 02: moving ε along the V-shaped curve ---------------------------------------------

from helpers.derivatives import step_sweep  # noqa: E402
from helpers.widgets import StepSweepExplorer, step_sweep_slider  # noqa: E402


def diamonds(explorer):
    return [line for line in explorer.figure.axes[0].get_lines() if line.get_marker() == "D"]


def test_step_sweep_slider_builds_on_a_quarter_decade_grid():
    explorer = step_sweep_slider(np.exp, 1.0, np.e, eps=1e-5)
    assert isinstance(explorer, StepSweepExplorer)
    assert explorer.slider.continuous_update is False
    assert explorer.widget.children == (explorer.slider, explorer.label, explorer.output)
    assert len(explorer.eps_values) == 57 and np.isclose(explorer.eps_values[0], 1e-1)
    assert np.isclose(explorer.eps_values[-1], 1e-15)
    assert np.isclose(explorer.slider.step, 0.25)
    (ax,) = explorer.figure.axes
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert len(ax.get_lines()) == 4  # two curves, two diamonds
    central = diamonds(explorer)[1]
    assert np.isclose(central.get_xdata()[0], 1e-5)
    assert np.isclose(central.get_ydata()[0], 2.155e-11, rtol=1e-3)


def printed_error(text, label):
    """The number the explorer prints after ``label:``."""
    return float(re.search(rf"{label}: ([0-9.e+-]+)", text).group(1))


def test_moving_epsilon_moves_the_diamonds_and_the_printed_errors():
    explorer = step_sweep_slider(np.exp, 1.0, np.e, eps=1e-5)
    first = explorer.figure
    assert explorer.text.startswith("ε = 1.0e-05")
    # round-off decides these digits (2.16e-11 here, 1.34e-11 with NumPy 1.24): a band, not digits
    assert 1e-12 < printed_error(explorer.text, "central difference") < 1e-9
    explorer.slider.value = 1e-8
    assert explorer.figure is not first
    forward, central = diamonds(explorer)
    assert np.allclose([forward.get_xdata()[0], central.get_xdata()[0]], 1e-8)
    assert 1e-10 < forward.get_ydata()[0] < 1e-8  # the forward V's bottom: round-off ≈ truncation
    assert explorer.label.value == explorer.text
    assert "ε = 1.0e-08" in explorer.label.value
    assert printed_error(explorer.label.value, "forward difference") == pytest.approx(forward.get_ydata()[0], rel=0.01)


def test_diamonds_sit_on_the_curve_on_grid_steps_and_are_computed_between():
    explorer = step_sweep_slider(np.exp, 1.0, np.e, eps=1e-5)
    for k in (9, 30, 50):  # grid steps: the diamond is the curve's own value
        explorer.slider.value = explorer.eps_values[k]
        for label, error in explorer.current_errors().items():
            assert error == explorer.errors[label][k]
    explorer.slider.value = 3e-9  # off the grid: computed afresh
    expected = step_sweep(np.exp, 1.0, np.e, [3e-9], "central")[0]
    assert explorer.current_errors()["central difference"] == expected


def test_a_method_named_twice_is_one_curve_and_every_label_has_its_own_error():
    explorer = step_sweep_slider(np.exp, 1.0, np.e, eps=1e-5, methods=("central", "central", "forward"))
    assert list(explorer.errors) == ["central difference", "forward difference"]
    explorer.slider.value = 3e-9  # off the grid: each scheme computed afresh, under its own label
    for label, method in [("central difference", "central"), ("forward difference", "forward")]:
        assert explorer.current_errors()[label] == step_sweep(np.exp, 1.0, np.e, [3e-9], method)[0]


def test_float32_explorer_and_no_figures_left_open():
    explorer = step_sweep_slider(np.exp, 1.0, np.e, eps=1e-2, dtype=np.float32, methods=("central",))
    assert "float32" in explorer.figure.axes[0].get_title()
    assert np.isclose(explorer.current_errors()["central difference"], 1.31e-5, rtol=1e-2)
    for value in (1e-3, 1e-8):
        explorer.slider.value = value
    assert explorer.current_errors()["central difference"] == 1.0
    assert plt.get_fignums() == []


def test_step_sweep_slider_refuses_a_bad_range():
    with pytest.raises(ValueError, match="eps_min"):
        step_sweep_slider(np.exp, 1.0, np.e, eps=1.0)
    with pytest.raises(ValueError, match="points_per_decade"):
        step_sweep_slider(np.exp, 1.0, np.e, points_per_decade=0)
