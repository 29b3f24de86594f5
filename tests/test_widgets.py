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


def points(explorer):
    """The large markers, one per scheme, at the slider's ε (the lines with a single point)."""
    return [line for line in explorer.figure.axes[0].get_lines() if len(line.get_xdata()) == 1]


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
    assert len(ax.get_lines()) == 4  # two curves, two points
    central = points(explorer)[1]
    assert np.isclose(central.get_xdata()[0], 1e-5)
    assert np.isclose(central.get_ydata()[0], 2.155e-11, rtol=1e-3)


def printed_error(text, label):
    """The number the explorer prints after ``label:``."""
    return float(re.search(rf"{label}: ([0-9.e+-]+)", text).group(1))


def test_moving_epsilon_moves_the_points_and_the_printed_errors():
    explorer = step_sweep_slider(np.exp, 1.0, np.e, eps=1e-5)
    first = explorer.figure
    assert explorer.text.startswith("ε = 1.0e-05")
    # round-off decides these digits (2.16e-11 here, 1.34e-11 with NumPy 1.24): a band, not digits
    assert 1e-12 < printed_error(explorer.text, "central difference") < 1e-9
    explorer.slider.value = 1e-8
    assert explorer.figure is not first
    forward, central = points(explorer)
    assert np.allclose([forward.get_xdata()[0], central.get_xdata()[0]], 1e-8)
    assert 1e-10 < forward.get_ydata()[0] < 1e-8  # the forward V's bottom: round-off ≈ truncation
    assert explorer.label.value == explorer.text
    assert "ε = 1.0e-08" in explorer.label.value
    assert printed_error(explorer.label.value, "forward difference") == pytest.approx(forward.get_ydata()[0], rel=0.01)


def test_points_sit_on_the_curve_on_grid_steps_and_are_computed_between():
    explorer = step_sweep_slider(np.exp, 1.0, np.e, eps=1e-5)
    for k in (9, 30, 50):  # grid steps: the point is the curve's own value
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


# --- notebook 08: ε along a measured V (SweepExplorer) --------------------------------------------

from helpers.widgets import (  # noqa: E402
    BugSizeExplorer,
    DirectionsExplorer,
    PrecisionExplorer,
    SweepExplorer,
    bug_size_slider,
    directions_slider,
    missed_by_k,
    precision_toggle,
    sweep_slider,
)

EPS_DECADES = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6]
V_CURVE = {"correct": [1.7e-6, 1.7e-8, 3e-10, 1e-9, 1e-8], "bugs": [0.285] * 5}


def test_sweep_slider_moves_one_marker_per_curve_along_the_measured_values():
    explorer = sweep_slider(EPS_DECADES, V_CURVE, eps=1e-4, title="network")
    assert isinstance(explorer, SweepExplorer) and explorer.slider.continuous_update is False
    assert np.isclose(explorer.slider.step, 1.0)  # one decade per step, the grid's own spacing
    assert explorer.current_errors() == {"correct": 3e-10, "bugs": 0.285}
    assert explorer.text == "ε = 1.0e-04   correct: 3.00e-10,   bugs: 2.85e-01"
    explorer.slider.value = 1e-6
    correct, bugs = points(explorer)
    assert np.isclose(correct.get_xdata()[0], 1e-6) and correct.get_ydata()[0] == 1e-8
    assert bugs.get_ydata()[0] == 0.285 and explorer.label.value.startswith("ε = 1.0e-06")
    assert explorer.figure.axes[0].get_title() == "network"
    assert plt.get_fignums() == []


def test_sweep_slider_refuses_an_uneven_grid_and_curves_of_the_wrong_length():
    with pytest.raises(ValueError, match="evenly spaced in log"):
        sweep_slider([1e-2, 1e-3, 1e-5], {"a": [1, 2, 3]})
    with pytest.raises(ValueError, match="one value per step"):
        sweep_slider(EPS_DECADES, {"a": [1, 2, 3]})
    with pytest.raises(ValueError, match="eps_min"):
        sweep_slider(EPS_DECADES, V_CURVE, eps=1.0)


# --- notebook 04: the same correct gradient in float64 and float32 --------------------------------

def J03(theta):
    return theta[0] ** 2 * theta[1] + np.sin(theta[2]) + theta[3] ** 3 - 3 * theta[3]


def grad_J03(theta):
    return np.array([2 * theta[0] * theta[1], theta[0] ** 2, np.cos(theta[2]), 3 * theta[3] ** 2 - 3])


def test_precision_toggle_shows_float32_round_off_where_float64_is_good():
    theta = np.array([1.5, -0.7, 0.4, 2.0])
    saved = theta.copy()
    explorer = precision_toggle(J03, theta, grad_J03(theta))
    assert isinstance(explorer, PrecisionExplorer)
    assert explorer.widget.children == (explorer.toggle, explorer.label, explorer.output)
    errors64, difference64 = explorer.result()
    assert difference64 < 1e-7 and "float64" in explorer.text and "< 1e-7 good" in explorer.text
    first = explorer.figure
    explorer.toggle.value = "float32"
    assert explorer.figure is not first
    errors32, difference32 = explorer.result()
    assert difference32 > 100 * difference64 and difference32 > 1e-7
    assert "float32" in explorer.label.value and "good" not in explorer.label.value
    assert max(errors32["θ"]) > 1e-7 > max(errors64["θ"])
    assert "float32" in explorer.figure.axes[0].get_title()
    np.testing.assert_array_equal(theta, saved)
    assert theta.dtype == np.float64  # the caller's array is never cast in place
    assert plt.get_fignums() == []


def test_precision_toggle_takes_dicts_and_refuses_other_dtypes():
    params = {"a": np.array([1.0, 2.0]), "b": np.array([0.5])}
    loss = lambda p: float(np.sum(p["a"] ** 2) + 3 * p["b"][0])  # noqa: E731
    explorer = precision_toggle(loss, params, {"a": 2 * params["a"], "b": np.array([3.0])}, eps=1e-4)
    assert set(explorer.result()[0]) == {"a", "b"} and "ε = 1e-04" in explorer.text
    with pytest.raises(ValueError, match="'float64' or 'float32'"):
        precision_toggle(loss, params, params, dtype="float16")


# --- notebook 06: the size of a planted bug against the verdict -----------------------------------

def neuron_problem():
    from helpers.network import neuron_backward, neuron_forward, neuron_init

    X, Y, params = neuron_init(n_features=3, m=5, seed=0)
    grads = neuron_backward(X, Y, neuron_forward(X, Y, params)[1])
    return (lambda p: neuron_forward(X, Y, p)[0]), params, grads


def test_bug_size_slider_passes_a_bug_below_the_tolerance_and_fails_one_above():
    loss, params, grads = neuron_problem()
    saved = {k: v.copy() for k, v in grads.items()}
    explorer = bug_size_slider(loss, params, grads, "w", index=1, size=1e-3)
    assert isinstance(explorer, BugSizeExplorer) and explorer.slider.continuous_update is False
    assert explorer.report.status == "failed" and explorer.report.failing_params == ["w"]
    assert "FAILED" in explorer.html.value and "FAILED" in explorer.figure.axes[0].get_title()
    wrong = explorer.grads_with_bug()
    assert np.isclose(wrong["w"][1, 0], grads["w"][1, 0] * 1.001)
    assert np.array_equal(np.delete(wrong["w"], 1), np.delete(grads["w"], 1))
    explorer.slider.value = 1e-8  # far below rtol = 6.1e-6: indistinguishable from round-off
    assert explorer.report.status == "passed" and "PASSED" in explorer.html.value
    assert "w[1, 0]" in explorer.figure.axes[0].get_title()
    for name in grads:
        np.testing.assert_array_equal(grads[name], saved[name])
    assert plt.get_fignums() == []


def test_bug_size_slider_refuses_an_unknown_tensor_and_a_zero_element():
    loss, params, grads = neuron_problem()
    with pytest.raises(ValueError, match="name must be one of the tensors"):
        bug_size_slider(loss, params, grads, "W9")
    grads = {**grads, "b": np.zeros((1, 1))}
    with pytest.raises(ValueError, match="is 0"):
        bug_size_slider(loss, params, grads, "b")
    with pytest.raises(ValueError, match="size_min"):
        bug_size_slider(loss, params, grads, "w", size=10.0)


# --- notebook 09: k random directions against the miss rate -----------------------------------------

def test_missed_by_k_counts_groups_of_k_directions_that_all_missed():
    passed = np.array([[True, True, True, False, True, True, False],
                       [False, False, False, False, False, False, False]])
    assert missed_by_k(passed, 1).tolist() == [5 / 7, 0.0]
    assert missed_by_k(passed, 2).tolist() == [2 / 3, 0.0]  # (T,T) (T,F) (T,T); the 7th is left out
    assert missed_by_k(passed, 3).tolist() == [0.5, 0.0]    # (T,T,T) (F,T,T)
    with pytest.raises(ValueError, match="k must be an integer from 1"):
        missed_by_k(passed, 8)
    with pytest.raises(ValueError, match="2-D"):
        missed_by_k(passed[0], 1)


def test_directions_slider_draws_the_theory_to_the_power_k_and_the_grouped_measurement():
    rng = np.random.default_rng(0)
    ratios = np.array([0.1, 1.0, 10.0])
    p_miss = 2 / np.pi * np.arctan(1 / ratios)
    passed = rng.random((3, 400)) < p_miss[:, None]
    explorer = directions_slider(ratios, passed, k=1, k_max=5)
    assert isinstance(explorer, DirectionsExplorer) and explorer.slider.continuous_update is False
    explorer.slider.value = 3
    ax = explorer.figure.axes[0]
    theory = next(line for line in ax.get_lines() if line.get_label().startswith("theory"))
    x, y = theory.get_xdata(), theory.get_ydata()
    assert np.allclose(y, (2 / np.pi * np.arctan(1 / x)) ** 3)
    measured = ax.containers[0].lines[0]
    assert np.allclose(measured.get_ydata(), missed_by_k(passed, 3))
    assert "3 random directions" in ax.get_title() and explorer.label.value.startswith("k = 3")
    expected = f"k = 3: an error of r = 0.1 slipped through all 3 directions in {missed_by_k(passed, 3)[0]:.0%} "
    assert explorer.text == expected + f"of the groups (theory {p_miss[0] ** 3:.0%})"
    with pytest.raises(ValueError, match="one row per ratio"):
        directions_slider(ratios[:2], passed)
    assert plt.get_fignums() == []


def test_every_widget_figure_meets_the_presentation_minimums():
    from presentation import assert_presentable

    loss, params, grads = neuron_problem()
    theta = np.array([1.5, -0.7, 0.4, 2.0])
    passed = np.random.default_rng(0).random((3, 40)) < 0.5
    explorers = {
        "epsilon_slider": epsilon_slider(cube, 1.0, 3.0),
        "step_sweep_slider": step_sweep_slider(np.exp, 1.0, np.e),
        "sweep_slider": sweep_slider(EPS_DECADES, V_CURVE),
        "precision_toggle": precision_toggle(J03, theta, grad_J03(theta), dtype="float32"),
        "bug_size_slider": bug_size_slider(loss, params, grads, "w"),
        "directions_slider": directions_slider([0.1, 1.0, 10.0], passed, k=2),
    }
    for name, explorer in explorers.items():
        assert_presentable(explorer.figure, name)


def test_computing_another_precision_or_bug_size_does_not_move_the_control():
    theta = np.array([1.5, -0.7, 0.4, 2.0])
    explorer = precision_toggle(J03, theta, grad_J03(theta), dtype="float32")
    first = explorer.figure
    assert explorer.result("float64")[1] < 1e-9 < explorer.result()[1]
    assert explorer.dtype == "float32" and explorer.figure is first
    loss, params, grads = neuron_problem()
    explorer = bug_size_slider(loss, params, grads, "w", size=1e-3)
    first = explorer.figure
    assert explorer.report_for(1e-8).status == "passed" and explorer.report.status == "failed"
    assert np.isclose(explorer.size, 1e-3) and explorer.figure is first


def test_the_output_widget_holds_the_current_figure_as_a_png_in_its_own_state():
    import base64

    explorer = epsilon_slider(cube, 1.0, 3.0, eps=0.3)
    (first,) = explorer.output.outputs
    png = base64.b64decode(first["data"]["image/png"])
    assert png.startswith(b"\x89PNG") and first["output_type"] == "display_data"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert 700 < width <= 880 and 400 < height <= 550  # the style's 880 × 550, cropped to its content
    assert first["data"]["text/plain"] == "<Figure size 880x550 with 1 Axes>"
    explorer.slider.value = 0.1
    (second,) = explorer.output.outputs  # replaced, not appended
    assert second["data"]["image/png"] != first["data"]["image/png"]
