"""helpers.gradcheck.directional, the cases the mutation run found untested (make mutation;
tests/README.md): its inputs and defaults, the unit direction drawn from the caller's rng, the
terms of its screen (seen through the number of loss evaluations: 2 + 2 per direction when the
screen passes), the second look, and the text and HTML of its report."""

import numpy as np
import pytest

from helpers.derivatives import default_step
from helpers.gradcheck import DirectionalReport, DirectionResult, default_rtol, directional_check

A = np.array([1.0, -2.0, 0.5, 3.0])
THETA = np.array([0.3, -0.1, 0.2, 0.4])


def linear(theta):
    return float(A @ theta)


def test_defaults_one_direction_and_the_given_eps_and_tol():
    report = directional_check(linear, THETA.copy(), A.copy())
    assert len(report.directions) == 1 and report.n_evaluations == 4
    assert report.directions[0].kink is False and report.directions[0].passed is True
    assert report.eps == default_step(1.0, "central") and report.tol == default_rtol(np.float64, "central")
    given = directional_check(linear, THETA.copy(), A.copy(), eps=1e-4, tol=1e-3)
    assert (given.eps, given.tol) == (1e-4, 1e-3)


def test_step_scales_with_the_largest_parameter_and_dtype():
    theta = np.array([1.5, -0.5])
    report = directional_check(lambda t: float(t @ t), theta, 2 * theta)
    assert report.eps == default_step(1.0, "central") * 1.5
    params = {"b": np.array([0.1, 0.2]), "a": np.array([0.5, 0.25], dtype=np.float32), "empty": np.zeros(0)}
    grads = {"b": np.array([0.2, 0.4]), "a": np.array([1.0, 0.5], dtype=np.float32), "empty": np.zeros(0)}
    mixed = directional_check(lambda p: float(np.sum(p["a"].astype(np.float64) ** 2) + np.sum(p["b"] ** 2)),
                              params, grads, eps=1e-2)
    assert mixed.tol == default_rtol(np.float32, "central")       # the coarser dtype decides
    assert mixed.n_params == 4
    small = directional_check(lambda t: float(np.sum(t.astype(np.float64) ** 2)),
                              np.array([0.5], dtype=np.float32), np.array([1.0], dtype=np.float32))
    assert small.eps == default_step(1.0, "central", np.float32)
    assert small.passed and small.n_evaluations == 4        # float32 round-off allowed at the screen


def test_bad_inputs_name_the_parameter_and_the_fix():
    with pytest.raises(ValueError, match=r"^n_directions must be a whole number ≥ 1, but got n_directions=0$"):
        directional_check(linear, THETA.copy(), A.copy(), n_directions=0)
    with pytest.raises(ValueError, match=r"^eps must be a positive finite number, but got eps=-0.1; use eps=None"):
        directional_check(linear, THETA.copy(), A.copy(), eps=-0.1)
    with pytest.raises(ValueError, match=r"^tol must be a positive finite number, but got tol=-0.1; use tol=None"):
        directional_check(linear, THETA.copy(), A.copy(), tol=-0.1)


def test_a_loss_returning_none_is_named_where_it_happened():
    with pytest.raises(TypeError, match=r"^loss returned None at the unperturbed params: is a `return` missing"):
        directional_check(lambda t: None, THETA.copy(), A.copy())
    calls = []

    def none_when_moved(theta):
        calls.append(1)
        return None if len(calls) > 2 else linear(theta)

    with pytest.raises(TypeError, match=r"^loss returned None at θ \+ t·v with t = 6.055e-06 along a random "
                                        r"direction v"):
        directional_check(none_when_moved, THETA.copy(), A.copy())


def test_directions_are_unit_vectors_from_the_callers_rng():
    params = {"W": np.array([[0.3, -0.1], [0.2, 0.4]]), "b": np.array([0.5])}
    grads = {"W": np.array([[1.0, -2.0], [0.5, 3.0]]), "b": np.array([-1.0])}

    def loss(p):
        return float(np.sum(grads["W"] * p["W"]) + grads["b"] @ p["b"])

    report = directional_check(loss, params, grads, n_directions=2, rng=np.random.default_rng(7))
    rng = np.random.default_rng(7)
    for d in report.directions:
        v = {name: rng.standard_normal(p.shape) for name, p in params.items()}
        norm = np.sqrt(sum(np.sum(x * x) for x in v.values()))
        assert d.analytic == pytest.approx(sum(np.sum(grads[k] * v[k]) for k in v) / norm, rel=1e-12)
    assert report.directions[0].analytic == directional_check(loss, params, grads, rng=7).directions[0].analytic


def test_a_large_constant_in_the_loss_passes_the_screen_by_its_round_off_term():
    # J = 1e8 + a·θ: the difference quotient carries round-off u·J/ε ≈ 4e-3, far above rtol·|vᵀa|
    report = directional_check(lambda t: 1e8 + float(A @ t), THETA.copy(), A.copy(), n_directions=3)
    assert report.passed and report.n_evaluations == 2 + 2 * 3


def test_strong_curvature_passes_the_screen_by_its_truncation_term():
    theta = np.array([1.0, 0.5, -0.7, 0.9])
    report = directional_check(lambda t: float(np.sum(np.sin(40 * t))), theta, 40 * np.cos(40 * theta),
                               n_directions=3, eps=0.1)
    assert report.passed and report.n_evaluations == 2 + 2 * 3


def test_a_zero_loss_with_zero_gradient_passes_the_screen():
    report = directional_check(lambda t: 0.0, THETA.copy(), np.zeros(4), n_directions=2)
    assert report.passed and report.n_evaluations == 2 + 2 * 2


@pytest.mark.parametrize("k, per_direction", [(200, 2 + 2), (400, 2 + 2 + 4)])
def test_a_correct_gradient_that_fails_the_screen_passes_when_measured(k, per_direction):
    # k = 200: the screen fails, J(θ ± 2εv) (2 more evaluations) and Richardson pass it;
    # k = 400: the 5-point stencil looks kinked, the retry at ε/8 (4 more) shows it is smooth
    theta = np.array([1.0, 0.5, -0.7, 0.9])
    report = directional_check(lambda t: float(np.sum(np.sin(k * t))), theta, k * np.cos(k * theta),
                               n_directions=3, eps=1e-4)
    assert report.passed and report.n_evaluations == 2 + 3 * per_direction
    assert not any(d.kink for d in report.directions)


def test_a_wrong_gradient_that_fails_the_screen_fails_when_measured():
    theta = np.array([1.0, 0.5, -0.7, 0.9])
    wrong = 200 * np.cos(200 * theta) * np.array([1.0, 1.0, 1.1, 1.0])
    report = directional_check(lambda t: float(np.sum(np.sin(200 * t))), theta, wrong, n_directions=3, eps=1e-4)
    assert report.status == "failed" and not any(d.passed for d in report.directions)


# --- the report, built by hand -------------------------------------------------------------------

OK = DirectionResult(1.5, 1.5, 1e-12, True)
BAD = DirectionResult(-2.0, -1.0, 0.5, False)
KINK = DirectionResult(0.25, 0.5, 0.5, False, True)


def test_failed_report_text_and_html():
    report = DirectionalReport("failed", [OK, BAD, KINK, BAD], 0.5, 12, 47, 6.1e-6, 1e-5, max_shown=2)
    assert str(report).splitlines() == [
        "directional check: central differences along unit vectors v, eps = 6.1e-06, rtol = 1.0e-05",
        "direction  analytic vᵀg      numeric   rel. error  verdict",
        "0            1.5000e+00   1.5000e+00  within tol.  ok",
        "1           -2.0000e+00  -1.0000e+00     5.00e-01  MISMATCH",
        "… 2 more directions",
        "FAILED: 2 of 4 random directions through all 47 parameters disagree (max rel. error 5.00e-01, "
        "12 loss evaluations).",
        "To locate the fault: check_gradient(loss, params, grads, sample=5) checks 5 elements of every tensor; "
        "then run check_gradient on the failing tensors.",
    ]
    page = report._repr_html_()
    assert page.startswith("<table><thead><tr><th style='text-align:left'>direction</th>"
                           "<th style='text-align:right'>analytic vᵀg</th><th style='text-align:right'>numeric</th>"
                           "<th style='text-align:right'>rel. error</th><th style='text-align:left'>verdict</th>")
    assert ("<td style='text-align:left'>MISMATCH</td></tr></tbody></table><p style='color:red'><b>FAILED: 2 of "
            "4") in page
    assert "12 loss evaluations). To locate the fault: check_gradient" in page


def test_inconclusive_and_passed_report_text():
    report = DirectionalReport("inconclusive", [OK, KINK], 0.5, 8, 47, 6.1e-6, 1e-5, max_shown=2)
    lines = str(report).splitlines()
    assert lines[3] == "1            2.5000e-01  5.0000e-01     5.00e-01  kink"
    assert lines[4:] == [
        "INCONCLUSIVE: no disagreement, but along 1 direction of 2 random directions through all 47 parameters "
        "the loss has a kink within ±2·eps (8 loss evaluations).",
        "Check at another point, or use check_gradient(loss, params, grads, sample=5), which reports kinks "
        "element by element.",
    ]
    assert "(8 loss evaluations). Check at another point" in report._repr_html_()
    assert "<p style='color:darkorange'>" in report._repr_html_()
    two_kinks = DirectionalReport("inconclusive", [KINK, KINK, OK], 0.5, 8, 47, 6.1e-6, 1e-5)
    assert "along 2 directions of 3 random directions" in two_kinks.verdict()
    passed = DirectionalReport("passed", [OK, OK], 1e-12, 6, 5, 6.1e-6, 1e-5)
    assert passed.verdict() == ("PASSED: 2 random directions through all 5 parameters agree within the tolerance "
                                "(6 loss evaluations)")
    assert "more directions" not in str(passed)
