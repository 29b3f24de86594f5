"""helpers.gradcheck.check — check_gradient's options and guards, message by message (written for
the mutation run, make mutation; tests/README.md)."""

import warnings

import numpy as np
import pytest

from helpers.gradcheck import PrecisionWarning, check_gradient


def cubic(t):
    return float(np.sum(t.astype(np.float64) ** 3))


THETA = np.array([0.5, -1.0, 2.0])


def test_float32_parameters_warn_with_u_the_rtol_and_the_fix():
    theta = THETA.astype(np.float32)
    with pytest.warns(PrecisionWarning) as caught:
        report = check_gradient(cubic, theta, (3 * theta.astype(np.float64) ** 2).astype(np.float32))
    message = str(caught[0].message)
    assert message.startswith("theta is float32: its machine epsilon u = 1.19e-07, so a central difference is "
                              "accurate to about u^(2/3) = 2.4e-05 at best and the check uses the looser rtol = "
                              "4.9e-03")
    assert message.endswith("Check gradients in float64 (params = {k: v.astype(np.float64) for k, v in "
                            "params.items()}).")
    assert report.tol == pytest.approx(4.92e-3, rel=1e-2)
    params = {"W": THETA.copy(), "b": np.array([0.5], dtype=np.float32)}
    with pytest.warns(PrecisionWarning, match=r"^params\['b'\] is float32"):
        check_gradient(lambda p: cubic(p["W"]) + cubic(p["b"]), params,
                       {"W": 3 * THETA**2, "b": np.array([0.75], dtype=np.float32)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_gradient(cubic, THETA.copy(), 3 * THETA**2)        # float64: no warning


@pytest.mark.parametrize("atol", [-1.0, True, np.array([1e-3])])
def test_bad_atol_is_named(atol):
    with pytest.raises(ValueError, match=r"^atol must be a number ≥ 0 or None \(derived from the step\), got atol="):
        check_gradient(cubic, THETA.copy(), 3 * THETA**2, atol=atol)


def test_atol_replaces_the_derived_allowance():
    wrong = 3 * THETA**2 + np.array([0.0, 1e-4, 0.0])
    assert check_gradient(cubic, THETA.copy(), wrong, atol=1e-3).passed
    report = check_gradient(cubic, THETA.copy(), wrong, atol=1e-6)
    assert report.status == "failed" and [m.index for m in report.mismatches] == [(1,)]
    assert check_gradient(cubic, THETA.copy(), 3 * THETA**2, atol=0.0).passed


@pytest.mark.parametrize("sample", [0, -1, 1.5, True])
def test_bad_sample_is_named(sample):
    with pytest.raises(ValueError, match=r"^sample must be None \(check every element\) or a whole number ≥ 1 of "
                                         r"elements per tensor, but got sample="):
        check_gradient(cubic, THETA.copy(), 3 * THETA**2, sample=sample)


def test_a_sample_as_large_as_the_tensor_checks_every_element():
    report = check_gradient(cubic, THETA.copy(), 3 * THETA**2, sample=3)
    assert report.tensors[0].n_checked == 3 and not np.isnan(report.numeric["theta"]).any()
    assert report.sample == 3 and "sampled: at most 3 elements per tensor" in str(report)
    assert check_gradient(cubic, THETA.copy(), 3 * THETA**2, sample=2).tensors[0].n_checked == 2


def test_forward_differences_pass_and_fail():
    right = check_gradient(cubic, THETA.copy(), 3 * THETA**2, method="forward")
    assert right.passed and right.method == "forward"
    wrong = check_gradient(cubic, THETA.copy(), 3 * THETA**2 * np.array([1.0, 1.0, 1.01]), method="forward")
    assert wrong.status == "failed" and [m.index for m in wrong.mismatches] == [(2,)]


def test_max_shown_and_detect_kinks_reach_the_report():
    wrong = 3 * THETA**2 * 1.5
    report = check_gradient(cubic, THETA.copy(), wrong, max_shown=1)
    assert report.max_shown == 1 and "worst 1 of 3 disagreeing elements:" in str(report)

    def relu_sum(t):
        return float(np.sum(np.maximum(t, 0.0)))

    at_kink = np.array([0.0, 1.0])
    assert check_gradient(relu_sum, at_kink, np.array([0.0, 1.0])).status == "inconclusive"
    judged = check_gradient(relu_sum, at_kink, np.array([0.0, 1.0]), detect_kinks=False)
    assert judged.status == "failed" and judged.kinks == []


def test_a_loss_that_changes_its_input_is_refused_and_params_restored():
    def grows(t):
        t[0] += 1.0
        return cubic(t)

    theta = THETA.copy()
    with pytest.raises(ValueError, match=r"^loss modified its input during the first \(unperturbed\) call: "
                                         r"theta\[0\] went from 0.5 to 1.5.  A loss must not change the parameters"):
        check_gradient(grows, theta, 3 * THETA**2)
    assert np.array_equal(theta, THETA)
    calls = []

    def grows_later(t):
        calls.append(1)
        if len(calls) == 4:
            t[2] *= 2
        return cubic(t)

    with pytest.raises(ValueError, match=r"^loss modified its input while the parameters were perturbed: theta\[2\]"):
        check_gradient(grows_later, theta, 3 * THETA**2)
    assert np.array_equal(theta, THETA)


def test_a_loss_that_rebinds_a_tensor_is_refused():
    original = THETA.copy()
    params = {"W": original}

    def rebinds(p):
        p["W"] = p["W"].copy()
        return cubic(p["W"])

    with pytest.raises(ValueError, match=r"^loss replaced params\['W'\] by another array during the first "
                                         r"\(unperturbed\) call; the check perturbs the arrays in place"):
        check_gradient(rebinds, params, {"W": 3 * THETA**2})
    assert params["W"] is original and np.array_equal(original, THETA)
