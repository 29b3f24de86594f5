import numpy as np
import pytest

from helpers.derivatives import default_step
from helpers.gradcheck import gradient_difference, numerical_gradient, relative_error


def snapshot(params):
    """Bytes of every array (bit-identity, including -0.0 and NaN payloads)."""
    if isinstance(params, np.ndarray):
        return params.tobytes(), params.dtype, params.shape
    return {name: (p.tobytes(), p.dtype, p.shape) for name, p in params.items()}


def cubic_loss(theta):
    return float(np.sum(theta**3))


# --- the deeplearning.ai 1-D case: J(θ) = θ·x, x = 2, θ = 4, ε = 1e-7 ------------------------

def test_deeplearning_ai_one_dimensional_difference_is_2_919e_10():
    theta = np.array([4.0])
    grads = np.array([2.0])
    numeric = numerical_gradient(lambda th: float(th[0] * 2.0), theta, eps=1e-7)
    assert np.isclose(gradient_difference(grads, numeric), 2.919335883291695e-10)
    assert theta[0] == 4.0


# --- numerical_gradient -----------------------------------------------------------------------

@pytest.mark.parametrize("method", ["central", "forward", "complex"])
def test_numerical_gradient_of_cubic_matches_3_theta_squared(method):
    theta = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -0.25]])
    loss = (lambda t: np.sum(t**3)) if method == "complex" else cubic_loss
    numeric = numerical_gradient(loss, theta, method=method)
    assert numeric.shape == theta.shape
    rtol = {"central": 1e-9, "forward": 1e-6, "complex": 1e-14}[method]
    assert np.allclose(numeric, 3 * theta**2, rtol=rtol, atol=rtol)


def test_numerical_gradient_of_a_dict_returns_a_dict_with_the_same_keys_and_shapes():
    params = {"W": np.arange(6.0).reshape(2, 3) / 4, "b": np.array([0.5, -1.0])}

    def loss(p):
        return float(np.sum(np.sin(p["W"])) + np.sum(p["b"] ** 2))

    numeric = numerical_gradient(loss, params)
    assert list(numeric) == ["W", "b"]
    assert np.allclose(numeric["W"], np.cos(params["W"]), rtol=1e-9)
    assert np.allclose(numeric["b"], 2 * params["b"], rtol=1e-9)


def test_non_contiguous_arrays_are_perturbed_in_place():
    base = np.arange(12.0).reshape(3, 4)
    params = {"T": base.T, "S": base[:, ::2].copy()[:, ::-1]}
    before = snapshot(params)
    numeric = numerical_gradient(lambda p: float(np.sum(p["T"] ** 2) + np.sum(p["S"] ** 3)), params)
    # J ≈ 2e3, so round-off is about u·J/ε ≈ 1e-7 in absolute terms
    assert np.allclose(numeric["T"], 2 * params["T"], rtol=1e-6, atol=1e-6)
    assert np.allclose(numeric["S"], 3 * params["S"] ** 2, rtol=1e-6, atol=1e-6)
    assert snapshot(params) == before


def test_complex_step_on_a_dict_puts_the_original_arrays_back():
    W = np.array([[0.3, -1.2], [2.0, 0.7]]).T  # non-contiguous on purpose
    params = {"W": W, "b": np.array([1.5])}
    numeric = numerical_gradient(lambda p: np.sum(np.exp(p["W"])) * p["b"][0], params, method="complex")
    assert params["W"] is W
    assert np.allclose(numeric["W"], 1.5 * np.exp(W), rtol=1e-14)
    assert np.isclose(numeric["b"][0], np.sum(np.exp(W)), rtol=1e-14)


def test_default_step_is_default_step_per_element():
    # eps=None must give exactly what default_step(θ_i) gives, element by element
    theta = np.array([0.0, 0.5, -3.0, 1e4])
    steps_seen = []

    def loss(t):
        steps_seen.append(t.copy())
        return float(np.sum(t))

    numerical_gradient(loss, theta.copy())
    for i, x in enumerate(theta):
        up = steps_seen[2 * i][i]
        assert up == x + default_step(x, "central", np.float64)
        assert steps_seen[2 * i + 1][i] == x - default_step(x, "central", np.float64)


def test_params_are_bit_identical_after_the_gradient_including_negative_zero():
    theta = np.array([-0.0, 1.0 / 3.0, -7.25e-300, 1e300])
    before = snapshot(theta)
    numerical_gradient(lambda t: float(np.sum(np.tanh(t))), theta)
    assert snapshot(theta) == before
    assert np.signbit(theta[0])


@pytest.mark.parametrize("method", ["central", "forward", "complex"])
def test_params_are_restored_when_the_loss_raises(method):
    params = {"W": np.array([[0.1, 0.2], [0.3, 0.4]]), "b": np.array([1.0, 2.0])}
    before = snapshot(params)
    W, b = params["W"], params["b"]
    calls = []

    def loss(p):
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("boom in the middle of a perturbation")
        return np.sum(p["W"]) + np.sum(p["b"])

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(loss, params, method=method)
    assert snapshot(params) == before
    assert params["W"] is W and params["b"] is b


def test_no_copy_of_the_parameters_per_evaluation():
    # the loss always sees the caller's own array objects, changed in exactly one element
    params = {"W": np.zeros((3, 2)), "b": np.zeros(2)}
    originals = dict(params)

    def loss(p):
        assert p is params
        assert p["W"] is originals["W"] and p["b"] is originals["b"]
        changed = np.count_nonzero(p["W"]) + np.count_nonzero(p["b"])
        assert changed == 1
        return float(np.sum(p["W"]) + 2 * np.sum(p["b"]))

    numeric = numerical_gradient(loss, params)
    assert np.allclose(numeric["W"], 1.0) and np.allclose(numeric["b"], 2.0)


def test_central_costs_2n_forward_n_plus_1_complex_n_evaluations():
    theta = np.linspace(-1, 1, 7)
    for method, expected in [("central", 14), ("forward", 8), ("complex", 7)]:
        calls = []
        numerical_gradient(lambda t: calls.append(1) or np.sum(t**2), theta, method=method)
        assert len(calls) == expected


def test_float32_params_give_a_float32_accurate_gradient():
    theta = np.array([0.5, -1.5, 2.0], dtype=np.float32)
    numeric = numerical_gradient(lambda t: float(np.sum(t.astype(np.float64) ** 2)), theta)
    assert np.allclose(numeric, 2 * theta.astype(np.float64), rtol=1e-3)


@pytest.mark.parametrize(
    "params, error, match",
    [
        (np.array([1, 2, 3]), TypeError, r"astype\(float\)"),
        ([1.0, 2.0], TypeError, "NumPy array"),
        ({"W": [1.0]}, TypeError, r"params\['W'\]"),
        (np.array([1.0, np.nan]), ValueError, r"theta\[1\]"),
        (np.array([1.0 + 0j]), TypeError, "complex"),
    ],
)
def test_numerical_gradient_rejects_bad_params_with_the_fix(params, error, match):
    with pytest.raises(error, match=match):
        numerical_gradient(lambda t: 0.0, params)


def test_numerical_gradient_rejects_bad_eps_and_method():
    theta = np.ones(2)
    with pytest.raises(ValueError, match="method"):
        numerical_gradient(cubic_loss, theta, method="backward")
    with pytest.raises(ValueError, match="positive"):
        numerical_gradient(cubic_loss, theta, eps=0.0)
    with pytest.raises(TypeError, match="eps"):
        numerical_gradient(cubic_loss, theta, eps="1e-5")


def test_non_scalar_and_non_finite_losses_name_the_element_and_restore():
    theta = np.array([1.0, 2.0])
    before = snapshot(theta)
    with pytest.raises(ValueError, match="single number"):
        numerical_gradient(lambda t: t**2, theta)
    with pytest.raises(ValueError, match=r"theta\[1\] moved by \+eps"):
        numerical_gradient(lambda t: np.inf if t[1] > 2 else float(np.sum(t)), theta)
    assert snapshot(theta) == before


def test_complex_method_demands_complex_arithmetic():
    with pytest.raises(TypeError, match="complex arithmetic"):
        numerical_gradient(lambda t: float(np.real(np.sum(t))), np.ones(2), method="complex")


# --- relative_error and gradient_difference ----------------------------------------------------

def test_relative_error_is_elementwise_with_both_zero_giving_zero():
    a = np.array([1.0, 0.0, 0.0, -2.0, 1e-30])
    b = np.array([1.1, 0.0, 3.0, 2.0, 1e-30])
    assert np.allclose(relative_error(a, b), [0.1 / 1.1, 0.0, 1.0, 2.0, 0.0])
    assert relative_error(a, b).shape == (5,)
    with pytest.raises(ValueError, match="shape"):
        relative_error(np.ones(2), np.ones(3))


def test_gradient_difference_concatenates_all_tensors():
    grads = {"W": np.array([[3.0, 0.0]]), "b": np.array([4.0])}
    numeric = {"W": np.array([[3.0, 0.0]]), "b": np.array([0.0])}
    # ‖g − n‖ = 4, ‖g‖ = 5, ‖n‖ = 3
    assert np.isclose(gradient_difference(grads, numeric), 4 / 8)
    assert gradient_difference(np.zeros(3), np.zeros(3)) == 0.0
    with pytest.raises(ValueError, match="keys"):
        gradient_difference(grads, {"W": numeric["W"]})
    with pytest.raises(ValueError, match=r"shape"):
        gradient_difference(grads, {"W": numeric["W"], "b": np.zeros((1, 1))})
