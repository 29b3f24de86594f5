"""helpers.gradcheck.tolerance — the formulas of Richardson's extrapolation and of the measured
threshold, number by number (written for the mutation run, make mutation; tests/README.md)."""

import numpy as np
import pytest

from helpers.derivatives import default_step
from helpers.gradcheck import check_gradient
from helpers.gradcheck.kinks import Stencil
from helpers.gradcheck.numerical import element_scales
from helpers.gradcheck.tolerance import (
    Measured,
    default_rtol,
    measured_threshold,
    probe,
    richardson,
    round_off,
    screen_threshold,
)

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


# --- the round-off probe: where it goes, what it fits, and a bad loss inside it ---

PROBE_T = (-1.93, -1.29, -0.61, 0.37, 1.07, 1.71)     # offsets of the probe, in units of its step


def test_the_round_off_probe_goes_to_the_largest_gradient_of_the_4_largest_tensors():
    # five tensors with gradients 1 … 5 (names in the opposite order); each probe moves one element
    # by 0.37·h among others, which the first pass (±h) never does.  kills: tensors sorted by name, by
    # the smallest gradient or by the element index; the smallest element of a tensor probed first
    grads = {"a": np.array([1.0]), "b": np.array([2.0]), "c": np.array([3.0]), "d": np.array([0.5, 4.0]),
             "e": np.array([5.0])}
    params = {name: np.full(g.shape, 0.5) for name, g in grads.items()}
    probed = set()

    def loss(p):
        for name, value in p.items():
            for i, x in enumerate(value):
                h = default_step(1.0, "central", np.float64) * element_scales(params[name])[i]
                if abs(abs(x - 0.5) - 0.37 * h) < 1e-3 * h:
                    probed.add((name, i))
        return float(sum(g @ p[name] for name, g in grads.items()))

    assert check_gradient(loss, params, grads).passed
    assert probed == {("b", 0), ("c", 0), ("d", 1), ("e", 0)}


def test_a_sampled_check_probes_only_a_sampled_element():
    # sample=1: the other elements' numerical derivative is NaN (not computed); they are no candidates
    # for the round-off probe.  kills: nan_to_num(…, nan=1.0) (an unsampled element looked agreeing)
    theta = np.linspace(0.1, 0.9, 9)
    grads = 0.01 * np.arange(1.0, 10.0)
    moved = set()

    def loss(t):
        moved.update(int(i) for i in np.flatnonzero(t != theta))
        return float(grads @ t)

    report = check_gradient(loss, theta.copy(), grads.copy(), sample=1)
    assert report.passed
    (sampled,) = np.flatnonzero(~np.isnan(report.numeric["theta"]))
    assert moved == {sampled}


def test_the_probe_is_the_residual_deviation_of_a_cubic_fit_with_3_degrees_of_freedom():
    # σ of a deterministic "noise" at the 7 points θ, θ + t·h: computed here with np.polyfit; the probe
    # takes the larger of the fits at h and h/16.  kills: the degrees of freedom 7 − 4 → 7 + 4, 7 − 5;
    # the offsets mirrored (x − t·h)
    theta, h = np.array([0.3]), 1e-3

    def loss(t):
        return float(t[0] + 1e-9 * np.sin(1e7 * t[0]))

    J0 = loss(theta)

    def sigma(step):
        x = np.array([0.0, *PROBE_T]) * step
        values = np.array([J0] + [loss(theta + d) for d in x[1:]]) - J0
        residual = values - np.polyval(np.polyfit(x, values, 3), x)
        return np.sqrt(residual @ residual / 3)

    got = probe(loss, theta, theta, "theta", 0, h, J0, True)
    assert got == pytest.approx(max(sigma(h), sigma(h / 16)), rel=1e-6)


@pytest.mark.parametrize("single", [True, False])
@pytest.mark.parametrize("band", [(-1.95, -1.9), (-0.125, -0.115)], ids=["probe at h", "probe at h/16"])
def test_a_bad_loss_in_the_round_off_probe_names_the_element(single, band):
    # NaN at θ[1] − 1.93·h (the first point of the wide probe) or − 1.93·h/16 (of the narrow one).
    # kills: name or single passed as None in loss_noise → probe → _fit_residual; the offsets mirrored
    theta = np.array([0.2, 0.9])
    h = default_step(1.0, "central", np.float64) * element_scales(theta)[1]

    def loss(p):
        t = p if single else np.concatenate([p["a"], p["b"]])
        if band[0] < (t[1] - 0.9) / h < band[1]:
            return float("nan")
        return float(t @ np.array([1.0, 2.0]))

    params = theta.copy() if single else {"a": theta[:1].copy(), "b": theta[1:].copy()}
    grads = np.array([1.0, 2.0]) if single else {"a": np.array([1.0]), "b": np.array([2.0])}
    where = r"theta\[1\]" if single else r"params\['b'\]\[0\]"
    with pytest.raises(ValueError, match=rf"^loss returned nan at {where} = .*needs a finite loss"):
        check_gradient(loss, params, grads)


@pytest.mark.parametrize("noise", [(1e-12, 1e-6), (1e-12, 1e-9, 1e-6)])
def test_the_loss_noise_is_the_larger_of_two_probes_and_the_median_of_three(noise):
    # one element per tensor, each with its own noise level, seen only when that element moves.
    # kills: median/max chosen with `>= 3` mutated (`> 3`, `>= 4`, always one of them)
    names = "abc"[: len(noise)]
    params = {name: np.array([0.3 + 0.1 * k]) for k, name in enumerate(names)}
    grads = {name: np.array([1.0 + k]) for k, name in enumerate(names)}

    def loss(p):
        return float(sum(grads[n][0] * p[n][0] + a * np.sin(1e9 * p[n][0]) for n, a in zip(names, noise, strict=True)))

    report = check_gradient(loss, params, grads, detect_kinks=False)
    J0 = loss(params)
    step = {n: default_step(1.0, "central", np.float64) * element_scales(params[n])[0] for n in names}
    probes = [probe(loss, params, params[n], n, 0, step[n], J0, False) for n in names]
    assert report.loss_noise == (max(probes) if len(probes) == 2 else float(np.median(probes)))


def _probed_elements(params, grads):
    # the elements the round-off probe moves (by 0.37·h, which the first pass never does)
    probed = set()

    def loss(p):
        for name, value in p.items():
            steps = default_step(1.0, "central", np.float64) * element_scales(params[name])
            for i in np.flatnonzero(np.abs(np.abs(value - params[name]) - 0.37 * steps) < 1e-3 * steps):
                probed.add((name, int(i)))
        return float(sum(g @ p[name] for name, g in grads.items()))

    assert check_gradient(loss, {k: v.copy() for k, v in params.items()}, grads).passed
    return probed


def test_among_equal_gradients_the_probe_takes_the_first():
    # θ = 0 and a linear loss: numeric = analytic exactly, so 17 elements tie for the largest; the
    # probe tries the first three of them in order, at most three (it rejects each here: J is exactly
    # linear, its residual only rounding).  kills: argsort without kind="stable" (NumPy's default sort
    # does not keep ties in order), `[:3]` → `[:4]`
    grads = {"w": np.array([1.0] * 17 + [2.0] * 17)}
    assert _probed_elements({"w": np.zeros(34)}, grads) == {("w", 17), ("w", 18), ("w", 19)}


def test_a_tensor_whose_gradient_is_zero_is_not_probed():
    # kills: candidates with `both >= 0` (a zero gradient, e.g. a dead unit, would be probed too)
    grads = {"a": np.array([1.0, 2.0]), "z": np.zeros(2)}
    assert _probed_elements({"a": np.array([0.3, 0.4]), "z": np.array([0.5, 0.6])}, grads) == {("a", 1)}


@pytest.mark.parametrize(("dtype", "central", "forward", "complex_"),
                         [(np.float64, 6.1e-6, 1.2e-4, 1.5e-8), (np.float32, 4.9e-3, 1.9e-2, 3.5e-4)])
def test_default_rtol_values(dtype, central, forward, complex_):
    # the docstring's numbers: u^(1/3), u^(1/4), u^(1/2).  kills: `**` → `*` and the exponents + 1
    got = [default_rtol(dtype, method) for method in ("central", "forward", "complex")]
    assert got == pytest.approx([central, forward, complex_], rel=0.03)
