"""helpers.gradcheck.numerical / inputs / check, the cases the mutation run found untested (make
mutation; tests/README.md): the complex step through check_gradient and with sampling, bad losses
on the forward and complex paths, sampling with the caller's rng, parameters that share memory,
a loss that adds keys to params."""

import numpy as np
import pytest

from helpers.gradcheck import check_gradient, numerical_gradient


def cubic_exp(p):
    return np.sum(p["W"] ** 3) + np.sum(np.exp(p["b"]))


def dict_params():
    return {"W": np.array([0.5, -1.0]), "b": np.array([[2.0]])}


def test_complex_step_through_check_gradient_passes_and_fails():
    params = dict_params()
    right = {"W": 3 * params["W"] ** 2, "b": np.exp(params["b"])}
    report = check_gradient(cubic_exp, params, right, method="complex")
    assert report.status == "passed" and report.method == "complex" and report.loss_noise == 0.0
    assert np.allclose(report.numeric["W"], [0.75, 3.0], rtol=1e-15)
    wrong = {"W": right["W"] * np.array([1.0, 1.001]), "b": right["b"]}
    bad = check_gradient(cubic_exp, params, wrong, method="complex")
    assert bad.status == "failed" and [(m.name, m.index) for m in bad.mismatches] == [("W", (1,))]
    assert params["W"].dtype == np.float64 and np.array_equal(params["W"], [0.5, -1.0])


def test_complex_step_with_sampling_leaves_the_others_unchecked():
    theta = np.arange(1.0, 7.0)
    report = check_gradient(lambda t: np.sum(t**3), theta, 3 * theta**2, method="complex", sample=2, rng=5)
    chosen = np.sort(np.random.default_rng(5).choice(6, size=2, replace=False))
    assert np.flatnonzero(~np.isnan(report.numeric["theta"])).tolist() == chosen.tolist()
    assert np.allclose(report.numeric["theta"][chosen], 3 * theta[chosen] ** 2, rtol=1e-15)
    assert report.tensors[0].n_checked == 2 and report.passed


def test_complex_step_names_the_element_of_a_loss_that_drops_the_imaginary_part():
    with pytest.raises(TypeError, match=r"^method='complex' needs a loss that keeps complex arithmetic, but at "
                                        r"params\['W'\]\[0\] moved by \+ieps = \+i7.500e-21 it returned the real "
                                        r"float"):
        numerical_gradient(lambda p: float(np.real(cubic_exp(p))), dict_params(), method="complex")
    with pytest.raises(TypeError, match=r"at theta\[1\] moved by \+ieps = \+i1.000e-20 it returned the real"):
        numerical_gradient(lambda t: float(np.real(np.sum(t**2))) if t[1].imag else np.sum(t**2),
                           np.array([0.5, 1.0]), method="complex")
    with pytest.raises(ValueError, match=r"^loss returned \(inf\+infj\) at params\['W'\]\[0\] moved by \+ieps = "
                                         r"\+i7.500e-21; a finite-difference check needs a finite loss"):
        numerical_gradient(lambda p: cubic_exp(p) * np.inf, dict_params(), method="complex")


def test_complex_step_of_a_single_array_restores_it():
    theta = np.array([0.5, -1.0])
    assert np.allclose(numerical_gradient(lambda t: np.sum(t**3), theta, method="complex"), [0.75, 3.0], rtol=1e-15)
    assert theta.dtype == np.float64 and np.array_equal(theta, [0.5, -1.0])


@pytest.mark.parametrize("bad, error, message", [
    (None, TypeError, "loss returned None at the unperturbed params: is a `return` missing"),
    (3, TypeError, "loss returned the integer 3 at the unperturbed params: a step of ε cannot change an integer"),
    (np.nan, ValueError, "loss returned nan at the unperturbed params; a finite-difference check needs a finite"),
])
def test_forward_differences_name_a_bad_loss_at_the_unperturbed_params(bad, error, message):
    theta = np.array([0.5, 1.0])
    with pytest.raises(error, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        numerical_gradient(lambda t: bad, theta, method="forward")
    assert np.array_equal(theta, [0.5, 1.0])


def test_forward_differences_name_the_moved_element_of_a_bad_loss():
    def bad_when_moved(t):
        return float(t @ t) if t[1] == 1.0 else None

    with pytest.raises(TypeError, match=r"^loss returned None at theta\[1\] moved by \+eps = \+1.000e-03"):
        numerical_gradient(bad_when_moved, np.array([0.5, 1.0]), eps=1e-3, method="forward")


def test_sampling_uses_the_callers_rng_and_none_means_seed_0():
    theta = np.linspace(0.1, 2.0, 20)

    def sampled(rng):
        report = check_gradient(lambda t: float(np.sum(t**3)), theta, 3 * theta**2, sample=3, rng=rng)
        return np.flatnonzero(~np.isnan(report.numeric["theta"])).tolist()

    expected = np.sort(np.random.default_rng(11).choice(20, size=3, replace=False)).tolist()
    assert sampled(np.random.default_rng(11)) == expected == sampled(11)
    assert sampled(None) == sampled(0) == sampled(None)
    assert sampled(None) != sampled(1)


def test_parameters_that_share_memory_are_refused():
    W = np.array([[0.5, 1.0], [1.5, 2.0]])
    params = {"W": W, "row": W[0]}
    grads = {"W": np.ones((2, 2)), "row": np.ones(2)}
    with pytest.raises(ValueError, match=r"^params\['W'\] and params\['row'\] share memory, so perturbing one moves "
                                         r"the other; pass separate arrays \(.copy\(\)\) or one tensor"):
        check_gradient(lambda p: float(np.sum(p["W"]) + np.sum(p["row"])), params, grads)


def test_a_loss_that_adds_a_key_is_refused_and_the_key_removed():
    params = {"W": np.array([0.5, 1.0])}

    def adds_a_key(p):
        p["extra"] = np.zeros(1)
        return float(np.sum(p["W"] ** 2))

    with pytest.raises(ValueError, match=r"^loss changed the keys of params during the first \(unperturbed\) call"):
        check_gradient(adds_a_key, params, {"W": 2 * params["W"]})
    assert list(params) == ["W"]


@pytest.mark.parametrize("tol", [True, np.array([1e-3]), "1e-3"])
def test_a_tol_that_is_not_a_number_names_tol(tol):
    theta = np.array([0.5, 1.0])
    with pytest.raises(TypeError, match=r"^tol must be None \(the default rtol\) or a positive number, but got tol="):
        check_gradient(lambda t: float(t @ t), theta, 2 * theta, tol=tol)


W0 = r"theta\[0\] moved by \+eps = \+1.000e-03"


@pytest.mark.parametrize("value, error, message", [
    (None, TypeError, rf"^loss returned None at {W0}: is a `return` missing at the end of the loss function\? "
                      r"It must return the cost as a float$"),
    (2, TypeError, rf"^loss returned the integer 2 at {W0}: a step of ε cannot change an integer, so every numerical "
                   r"derivative would be 0. Return the cost as a float — look for int\(\), round\(\), // or an "
                   r"integer array \(np.float64 arithmetic\) in the loss$"),
    (np.ones(2), ValueError, rf"^loss must return a single number, but at {W0} it returned shape \(2,\); reduce it "
                             r"to a scalar, e.g. with .sum\(\) or .mean\(\)$"),
    (np.complex128(1 + 1j), TypeError, rf"^loss must return a real number, but at {W0} it returned complex128; "
                                       r"return np.real\(...\) of it or check the computation$"),
    ("abc", TypeError, rf"^loss must return a real number, but at {W0} it returned str$"),
    (np.float32(np.nan), ValueError, rf"^loss returned nan at {W0}; a finite-difference check needs a finite loss"),
])
def test_bad_loss_values_are_named_with_the_element_and_the_fix(value, error, message):
    with pytest.raises(error, match=message):
        numerical_gradient(lambda t: value, np.array([0.5, 1.0]), eps=1e-3)


def test_a_finite_loss_of_another_float_type_is_accepted():
    numeric = numerical_gradient(lambda t: np.float32(3.0) * np.float32(t[0]), np.array([0.5, 1.0]), eps=2**-10)
    assert numeric.dtype == np.float64 and numeric.tolist() == [3.0, 0.0]
    complex_numeric = numerical_gradient(lambda t: np.sum(t**3), np.array([0.5, -1.0]), method="complex")
    assert complex_numeric.dtype == np.float64


def test_complex_step_message_says_what_to_avoid():
    with pytest.raises(TypeError, match=r"it returned the real float -0.875; avoid float\(\), abs\(\), np.real, "
                                        r"np.maximum in the loss or use method='central'$"):
        numerical_gradient(lambda p: float(np.real(np.sum(p["W"] ** 3))), dict_params(), method="complex")


def test_complex_step_names_a_python_complex_that_is_not_finite():
    with pytest.raises(ValueError, match=r"^loss returned \(inf\+infj\) at theta\[1\] moved by \+ieps = \+i1.000e-20; "
                                         r"a finite-difference check needs a finite loss"):
        numerical_gradient(lambda t: complex(np.sum(t**2)) * (float("inf") if t[1].imag else 1.0),
                           np.array([0.5, 1.0]), method="complex")


def test_complex_step_works_in_the_precision_of_the_parameters():
    seen = set()

    def loss(t):
        seen.add(t.dtype)
        return np.sum(t**3)

    numeric = numerical_gradient(loss, np.array([0.5, -1.0], dtype=np.float32), method="complex")
    assert seen == {np.dtype(np.complex64)}
    assert np.allclose(numeric, [0.75, 3.0], rtol=1e-6)


@pytest.mark.parametrize("method", ["central", "forward"])
def test_a_bad_loss_in_a_dict_names_the_tensor(method):
    params = {"W": np.array([0.5, 1.0])}

    def none_when_moved(p):
        return None if p["W"][1] != 1.0 else float(p["W"] @ p["W"])

    with pytest.raises(TypeError, match=r"^loss returned None at params\['W'\]\[1\] moved by \+eps = \+1.000e-03"):
        numerical_gradient(none_when_moved, params, eps=1e-3, method=method)


def test_complex_step_names_the_tensor_of_a_python_complex_that_is_not_finite():
    params = {"W": np.array([0.5, 1.0])}
    with pytest.raises(ValueError, match=r"^loss returned \(inf\+infj\) at params\['W'\]\[1\] moved by \+ieps"):
        numerical_gradient(lambda p: complex(np.sum(p["W"] ** 2)) * (float("inf") if p["W"][1].imag else 1.0),
                           params, method="complex")


def test_a_constant_loss_with_a_zero_gradient_needs_no_measurement():
    report = check_gradient(lambda t: 0.0, np.array([0.5, 1.0]), np.zeros(2))
    assert report.passed and report.n_measured == 0


def test_a_random_loss_is_refused_with_the_fix():
    # kills: the message's text mutated (the fix: remove the randomness, dropout, minibatch, batch norm)
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"not a fixed function of params.*Remove the randomness from the loss you "
                                         r"check: turn dropout off.*call\), use one fixed minibatch, "
                                         r"and put batch norm in a fixed mode\.$"):
        check_gradient(lambda t: float(t @ t + rng.random()), np.array([0.5, 1.0]), np.array([1.0, 2.0]))


def test_a_bad_value_at_the_second_call_names_it():
    # kills: the `where` of the second, unperturbed call replaced (None, "XX…XX", upper case)
    calls = []

    def loss(t):
        calls.append(1)
        return float("nan") if len(calls) == 2 else float(t @ t)

    with pytest.raises(ValueError, match=r"^loss returned nan at the unperturbed params \(second call\)"):
        check_gradient(loss, np.array([0.5, 1.0]), np.array([1.0, 2.0]))


def test_a_bad_value_at_theta_minus_eps_names_the_sign():
    # kills: the label "-" of the minus side replaced ("+" for both, "XX-XX")
    def loss(t):
        return float("nan") if t[1] < 1.0 else float(t @ t)

    with pytest.raises(ValueError, match=r"^loss returned nan at theta\[1\] moved by -eps = -"):
        check_gradient(loss, np.array([0.5, 1.0]), np.array([1.0, 2.0]))
