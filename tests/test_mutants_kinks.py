"""helpers.gradcheck.kinks, the cases the mutation run found untested (make mutation; tests/README.md):
a very strongly curved smooth loss (its spread exceeds the bound even at ε/8, but falls 64-fold),
and a bad loss value met while measuring, named by its element."""

import numpy as np
import pytest

from helpers.derivatives import default_step
from helpers.gradcheck import check_gradient
from helpers.gradcheck.kinks import Stencil, smooth_bound, spread


def test_a_very_strongly_curved_smooth_loss_is_measured_not_called_a_kink():
    theta = np.array([0.3, 0.7, 1.1])
    report = check_gradient(lambda t: float(np.sum(np.sin(3000 * t))), theta, 3000 * np.cos(3000 * theta))
    assert report.status == "passed" and report.kinks == [] and report.n_measured == 3


def none_beyond(x0, h, lo, hi):
    """A loss (θ·θ) that returns None when θ[0] − x0 lies in (lo·h, hi·h) — a bug met only while measuring."""
    def loss(p):
        theta = p["W"] if isinstance(p, dict) else p
        d = abs(float(theta[0]) - x0)
        return None if lo * h < d < hi * h else float(theta @ theta)
    return loss


@pytest.mark.parametrize("single", [True, False])
def test_a_bad_value_at_the_wider_stencil_names_the_element(single):
    theta = np.array([0.5, 0.25])
    h = default_step(1.0) * 0.5                    # the default step of θ[0] (its scale is 0.5)
    wrong = np.array([1.5, 0.5])                   # θ[0]'s gradient is wrong: it gets measured at ±2h
    params, grads = (theta, wrong) if single else ({"W": theta}, {"W": wrong})
    label = r"theta\[0\]" if single else r"params\['W'\]\[0\]"
    with pytest.raises(TypeError, match=rf"^loss returned None at {label} = 4\.9999\d*e-01: is a `return` missing"):
        check_gradient(none_beyond(0.5, h, 1.95, 2.05), params, grads)   # the probes stay within 1.93h


@pytest.mark.parametrize("single", [True, False])
def test_a_bad_value_at_the_retry_stencil_names_the_element(single):
    # θ[0] on a ReLU-like kink of the loss: measured, looks kinked, retried at h/8 — where it returns None
    x0 = 0.5
    h = default_step(1.0) * 0.5

    def loss(p):
        theta = p["W"] if isinstance(p, dict) else p
        d = float(theta[0]) - x0
        if 0 < abs(d) < h / 4:
            return None
        return float(max(d, 0.0) + theta[1] ** 2)

    theta = np.array([x0, 0.25])
    params, grads = (theta, np.array([0.0, 0.5])) if single else ({"W": theta}, {"W": np.array([0.0, 0.5])})
    label = r"theta\[0\]" if single else r"params\['W'\]\[0\]"
    with pytest.raises(TypeError, match=rf"^loss returned None at {label} = 4\.9999\d*e-01: is a `return` missing"):
        check_gradient(loss, params, grads)


@pytest.mark.parametrize("values, h, expected", [
    ((0.0, 0.0, 0.0, 1.0, 0.0), 1.0, 3.0),      # L = 0, C = 1, R = −2: |C − R| is the largest
    ((0.0, 1.0, 0.0, 0.0, 0.0), 1.0, 3.0),      # L = −2, C = 1, R = 0: |C − L|
    ((-8.0, -1.0, 0.0, 1.0, 8.0), 2.0, 6.0),    # θ³: L = −6, C = 0, R = 6: |R − L| = 12, over h = 2
])
def test_spread_is_the_largest_difference_of_the_three_second_differences_over_h(values, h, expected):
    assert spread(Stencil(*values, h)) == expected


def test_smooth_bound_is_round_off_plus_curvature():
    # 8·R/h + 6·C·(h/s)²·G with C = 1000
    assert smooth_bound(0.1, 2.0, 3.0, 1e-3) == pytest.approx(8 * 1e-3 / 0.1 + 6 * 1000 * 0.05**2 * 3.0, rel=1e-14)
