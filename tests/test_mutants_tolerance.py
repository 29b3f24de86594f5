"""helpers.gradcheck.tolerance — the formulas of Richardson's extrapolation and of the measured
threshold, number by number (written for the mutation run, make mutation; tests/README.md)."""

import numpy as np
import pytest

from helpers.gradcheck.kinks import Stencil
from helpers.gradcheck.tolerance import Measured, measured_threshold, richardson, round_off, screen_threshold

TINY = float(np.finfo(np.float64).smallest_normal)


def test_richardson_cancels_the_h2_term_of_a_cubic():
    # J = θ³ at θ = 1, h = 0.1: n_h = 3 + h² = 3.01, n_2h = 3 + 4h² = 3.04
    h = 0.1
    st = Stencil(*(float((1 + k * h) ** 3) for k in (-2, -1, 0, 1, 2)), h)
    measured = richardson(st)
    assert measured.numeric == pytest.approx(3.0, abs=1e-12)          # n_h + (n_h − n_2h)/3
    assert measured.truncation == pytest.approx(0.01, rel=1e-9)       # |n_2h − n_h|/3
    assert measured.step == h


def test_measured_threshold_adds_its_four_terms():
    m = Measured(numeric=-2.0, truncation=0.01, step=0.1)
    got = measured_threshold(1.0, m, R=1e-3, u=1e-10, G=20.0, rtol=1e-5)
    assert got == pytest.approx(1e-5 * 2.0 + 2 * 0.01 + 2 * 1e-3 / 0.1 + 1000 * 1e-10 * 20.0, rel=1e-14)
    assert measured_threshold(0.0, Measured(0.0, 0.0, 0.1), R=0.0, u=1e-16, G=0.0, rtol=1e-5) == TINY


def test_screen_threshold_per_method():
    g, n = np.array([1.0, -4.0]), np.array([2.0, -3.0])
    steps, scales = np.array([0.1, 0.2]), np.array([1.0, 2.0])
    central = screen_threshold(g, n, steps, scales, 10.0, 1e-10, 1e-5, 1e-3, "central")
    assert np.allclose(central, 1e-5 * np.array([2.0, 4.0]) + 0.1**2 * 10.0 + 1e-3 / steps + 1000 * 1e-10 * 10.0 + TINY,
                       rtol=1e-14, atol=0)
    forward = screen_threshold(g, n, steps, scales, 10.0, 1e-10, 1e-5, 1e-3, "forward")
    expected = 1e-5 * np.array([2.0, 4.0]) + 0.1 * 10.0 + 2 * 1e-3 / steps + 1000 * 1e-10 * 10.0 + TINY
    assert np.allclose(forward, expected, rtol=1e-14, atol=0)
    assert round_off(1e-16, 10.0, 1e-14) == 1e-13 and round_off(1e-16, 1e3, 1e-14) == 2e-13
