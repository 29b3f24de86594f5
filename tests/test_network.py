"""helpers.network: the layers, the network of notebook 08 at the assignment's test point, the neuron
of notebook 05, and the dict ↔ vector pair.  Reference numbers from CURRICULUM.md are asserted here."""

from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from helpers import network
from helpers.network import (
    backward,
    backward_with_planted_bugs,
    count_parameters,
    dict_to_vector,
    forward,
    init,
    neuron_backward,
    neuron_backward_with_planted_bugs,
    neuron_forward,
    neuron_init,
    vector_to_dict,
)

# ---------------------------------------------------------------------------------------------
# the network of notebook 08 at the assignment's test point


def test_init_draws_the_assignment_test_point_in_order():
    X, Y, params = init()
    np.random.seed(1)
    expected = [np.random.randn(4, 3)] + [np.random.randn(*s) for s in [(5, 4), (5, 1), (3, 5), (3, 1), (1, 3), (1, 1)]]
    assert np.array_equal(X, expected[0])
    assert np.array_equal(Y, [[1, 1, 0]])
    assert list(params) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    for value, reference in zip(params.values(), expected[1:], strict=True):
        assert np.array_equal(value, reference)
    assert count_parameters(params) == 47


def test_init_is_repeatable():
    first, second = init(), init()
    for a, b in zip(dict_to_vector(first[2])[0], dict_to_vector(second[2])[0], strict=True):
        assert a == b


def test_cost_at_the_test_point():
    X, Y, params = init()
    cost, cache = forward(X, Y, params)
    assert np.isclose(cost, 2.407833389834357, rtol=1e-13, atol=0)
    assert cache["A3"].shape == (1, 3)


def test_cost_is_the_assignment_formula():
    X, Y, params = init()
    cost, cache = forward(X, Y, params)
    A3, m = cache["A3"], X.shape[1]
    by_hand = 1 / m * np.sum(-Y * np.log(A3) - (1 - Y) * np.log(1 - A3))
    assert np.isclose(cost, by_hand, rtol=1e-15)
    # Y given as a flat (m,) array, as in the assignment, gives the same cost
    assert forward(X, np.array([1, 1, 0]), params)[0] == cost


def test_backward_returns_one_gradient_per_parameter_with_its_shape():
    X, Y, params = init()
    grads = backward(X, Y, forward(X, Y, params)[1])
    assert list(grads) == list(params)
    for name in params:
        assert grads[name].shape == params[name].shape


def test_twenty_of_47_analytic_components_are_exactly_zero():
    X, Y, params = init()
    cache = forward(X, Y, params)[1]
    for backward_fn in (backward, backward_with_planted_bugs):
        vector = dict_to_vector(backward_fn(X, Y, cache))[0]
        assert vector.size == 47
        assert int(np.sum(vector == 0)) == 20


def test_planted_bugs_are_exactly_dW2_times_2_and_db1_times_4():
    X, Y, params = init()
    cache = forward(X, Y, params)[1]
    correct, buggy = backward(X, Y, cache), backward_with_planted_bugs(X, Y, cache)
    assert np.allclose(buggy["W2"], 2 * correct["W2"], rtol=1e-13, atol=1e-17)
    assert np.allclose(buggy["b1"], 4 * correct["b1"], rtol=1e-13, atol=1e-17)
    for name in ("W1", "b2", "W3", "b3"):
        assert np.allclose(buggy[name], correct[name], rtol=1e-13, atol=1e-17)
    # the bugs are visible: b1[0..3] and W2[2, 0..3] differ, everything else agrees
    differs = {key for key, a, b in zip(dict_to_vector(correct)[1], dict_to_vector(correct)[0],
                                        dict_to_vector(buggy)[0], strict=True)
               if not np.isclose(a, b, rtol=1e-12, atol=0)}
    assert differs == {("b1", (i, 0)) for i in range(4)} | {("W2", (2, j)) for j in range(4)}


def test_forward_rejects_missing_parameters():
    X, Y, params = init()
    del params["b2"]
    with pytest.raises(ValueError, match="b2"):
        forward(X, Y, params)
    with pytest.raises(TypeError, match="dict"):
        forward(X, Y, [1, 2, 3])


# ---------------------------------------------------------------------------------------------
# the single neuron of notebook 05


def test_neuron_backward_matches_the_closed_form():
    X, Y, params = neuron_init()
    cost, cache = neuron_forward(X, Y, params)
    A = 1 / (1 + np.exp(-(params["w"].T @ X + params["b"])))
    assert np.allclose(cache["A"], A)
    assert np.isclose(cost, -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))
    grads = neuron_backward(X, Y, cache)
    assert np.allclose(grads["w"], X @ (A - Y).T / X.shape[1])
    assert np.allclose(grads["b"], np.mean(A - Y))


def test_neuron_planted_bugs_are_a_missing_mean_and_a_wrong_sign():
    X, Y, params = neuron_init()
    cache = neuron_forward(X, Y, params)[1]
    correct, buggy = neuron_backward(X, Y, cache), neuron_backward_with_planted_bugs(X, Y, cache)
    m = X.shape[1]
    assert np.allclose(buggy["w"], m * correct["w"])
    assert np.allclose(buggy["b"], -correct["b"])
    assert correct["b"].item() != 0


def test_neuron_init_is_seeded_and_shaped():
    X, Y, params = neuron_init(n_features=3, m=5, seed=0)
    X2, Y2, params2 = neuron_init(n_features=3, m=5, seed=0)
    assert X.shape == (3, 5) and Y.shape == (1, 5) and params["w"].shape == (3, 1) and params["b"].shape == (1, 1)
    assert np.array_equal(X, X2) and np.array_equal(Y, Y2) and np.array_equal(params["w"], params2["w"])
    assert set(np.unique(Y)) == {0.0, 1.0}
    with pytest.raises(ValueError, match="n_features"):
        neuron_init(n_features=0)


# ---------------------------------------------------------------------------------------------
# dict ↔ vector


def test_dict_to_vector_keys_name_every_element():
    _, _, params = init()
    theta, keys = dict_to_vector(params)
    assert theta.shape == (47,) and len(keys) == 47
    assert keys[0] == ("W1", (0, 0)) and keys[20] == ("b1", (0, 0)) and keys[46] == ("b3", (0, 0))
    assert keys[25 + 2 * 5 + 3] == ("W2", (2, 3))
    for value, (name, index) in zip(theta, keys, strict=True):
        assert value == params[name][index]


def test_vector_to_dict_inverts_dict_to_vector_and_copies():
    _, _, params = init()
    theta, keys = dict_to_vector(params)
    rebuilt = vector_to_dict(theta, keys)
    assert list(rebuilt) == list(params)
    for name in params:
        assert rebuilt[name].shape == params[name].shape
        assert np.array_equal(rebuilt[name], params[name])
    rebuilt["W1"][0, 0] += 1.0
    assert theta[0] == params["W1"][0, 0]
    # a column vector (the assignment's (47, 1)) is accepted too
    assert np.array_equal(vector_to_dict(theta.reshape(-1, 1), keys)["W3"], params["W3"])


shapes = st.lists(hnp.array_shapes(min_dims=0, max_dims=3, max_side=4), min_size=1, max_size=4)


@settings(max_examples=50, deadline=None)
@given(shapes, st.integers(0, 2**31 - 1))
def test_dict_vector_round_trip_for_any_shapes(shape_list, seed):
    rng = np.random.default_rng(seed)
    params = {f"p{k}": rng.standard_normal(shape) for k, shape in enumerate(shape_list)}
    theta, keys = dict_to_vector(params)
    assert theta.size == sum(np.size(v) for v in params.values()) == len(keys)
    rebuilt = vector_to_dict(theta, keys)
    assert list(rebuilt) == list(params)
    for name, value in params.items():
        assert rebuilt[name].shape == np.shape(value)
        assert np.array_equal(rebuilt[name], value)


def test_vector_to_dict_rejects_mismatches():
    _, _, params = init()
    theta, keys = dict_to_vector(params)
    with pytest.raises(ValueError, match="47 entries but there are 46 keys"):
        vector_to_dict(theta, keys[:-1])
    with pytest.raises(ValueError, match="twice"):
        vector_to_dict(theta[:2], [("a", (0,)), ("a", (0,))])
    with pytest.raises(ValueError, match="do not cover"):
        vector_to_dict(theta[:2], [("a", (0,)), ("a", (2,))])
    with pytest.raises(TypeError, match="dict"):
        dict_to_vector([1.0, 2.0])


# ---------------------------------------------------------------------------------------------
# layers: shapes, formulas and argument checks (checked numerically in the gradcheck section)


def test_linear_layer_formula_and_shape_errors():
    rng = np.random.default_rng(0)
    x, W, b = rng.standard_normal((4, 3)), rng.standard_normal((2, 4)), rng.standard_normal((2, 1))
    out, cache = network.linear_forward(x, W, b)
    assert np.allclose(out, W @ x + b)
    dx, dW, db = network.linear_backward(np.ones((2, 3)), cache)
    assert dx.shape == x.shape and dW.shape == W.shape and db.shape == b.shape
    assert np.allclose(db, 3.0)
    with pytest.raises(ValueError, match=r"b has shape \(2,\)"):
        network.linear_forward(x, W, np.zeros(2))
    with pytest.raises(ValueError, match="one column per row of x"):
        network.linear_forward(x.T, W, b)
    with pytest.raises(ValueError, match="dout has shape"):
        network.linear_backward(np.ones((3, 2)), cache)


def test_activation_values():
    z = np.array([[-2.0, 0.0, 3.0]])
    assert np.array_equal(network.relu_forward(z)[0], [[0.0, 0.0, 3.0]])
    assert np.array_equal(network.relu_backward(np.ones_like(z), z), [[0.0, 0.0, 1.0]])  # 0 at the kink
    assert np.allclose(network.sigmoid_forward(z)[0], 1 / (1 + np.exp(-z)))
    at_zero = network.sigmoid_forward(np.zeros((1, 1)))[1]
    assert np.isclose(network.sigmoid_backward(np.ones((1, 1)), at_zero).item(), 0.25)
    assert np.allclose(network.tanh_backward(np.ones_like(z), network.tanh_forward(z)[1]), 1 / np.cosh(z) ** 2)
    with pytest.raises(ValueError, match="dout has shape"):
        network.relu_backward(np.ones((3, 1)), z)


def test_softmax_cross_entropy_values_and_labels():
    scores = np.array([[1.0, 2.0], [3.0, 2.0], [0.0, 2.0]])
    cost, cache = network.softmax_cross_entropy_forward(scores, np.array([1, 0]))
    P = np.exp(scores) / np.exp(scores).sum(axis=0)
    assert np.isclose(cost, -(np.log(P[1, 0]) + np.log(P[0, 1])) / 2)
    one_hot = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]])
    assert np.isclose(network.softmax_cross_entropy_forward(scores, one_hot)[0], cost)
    assert np.allclose(network.softmax_cross_entropy_backward(1.0, cache), (P - one_hot) / 2)
    # huge scores do not overflow (the column max is subtracted first)
    assert np.isfinite(network.softmax_cross_entropy_forward(scores * 1e3, np.array([1, 0]))[0])
    with pytest.raises(ValueError, match="class indices"):
        network.softmax_cross_entropy_forward(scores, np.array([3, 0]))
    with pytest.raises(ValueError, match="one-hot"):
        network.softmax_cross_entropy_forward(scores, np.zeros((2, 2)))


def test_binary_cross_entropy_values_and_errors():
    A, Y = np.array([[0.9, 0.2]]), np.array([[1.0, 0.0]])
    cost, cache = network.binary_cross_entropy_forward(A, Y)
    assert np.isclose(cost, -(np.log(0.9) + np.log(0.8)) / 2)
    assert np.allclose(network.binary_cross_entropy_backward(1.0, cache), [[-1 / 0.9 / 2, 1 / 0.8 / 2]])
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        network.binary_cross_entropy_forward(np.array([[1.0, 0.5]]), Y)
    with pytest.raises(ValueError, match="Y has shape"):
        network.binary_cross_entropy_forward(A, np.ones((2, 1)))
    with pytest.raises(ValueError, match="scalar"):
        network.binary_cross_entropy_backward(np.ones(2), cache)


def test_sigmoid_after_cross_entropy_gives_A_minus_Y_over_m():
    X, Y, params = init()
    cache = forward(X, Y, params)[1]
    dA3 = network.binary_cross_entropy_backward(1.0, (cache["A3"], cache["Y"]))
    dZ3 = network.sigmoid_backward(dA3, cache["A3"])
    assert np.allclose(dZ3, (cache["A3"] - Y) / 3, rtol=1e-14)


# ---------------------------------------------------------------------------------------------
# the reference numbers of CURRICULUM.md, through helpers.gradcheck

from helpers.derivatives import central_difference  # noqa: E402
from helpers.gradcheck import gradient_difference, numerical_gradient  # noqa: E402


def network_loss(X, Y):
    return lambda params: forward(X, Y, params)[0]


def test_one_dimensional_check_of_the_assignment():
    x, theta = 2.0, np.array(4.0)

    def J(theta):
        return theta * x

    assert J(theta) == 8.0
    dtheta = x  # backward: dJ/dθ = x
    assert dtheta == 2.0
    numeric = numerical_gradient(J, theta, eps=1e-7)
    assert numeric == central_difference(J, 4.0, 1e-7)  # the same quotient as the 1-D helper
    assert np.isclose(gradient_difference(np.array(dtheta), numeric), 2.919335883291695e-10, rtol=1e-9, atol=0)


def test_planted_bug_difference_at_eps_1e_7():
    X, Y, params = init()
    grads = backward_with_planted_bugs(X, Y, forward(X, Y, params)[1])
    numeric = numerical_gradient(network_loss(X, Y), params, eps=1e-7)
    # the bugs decide 0.28509315; the last digits are round-off (6e-11 apart on two NumPy builds)
    assert np.isclose(gradient_difference(grads, numeric), 0.2850931567761623, rtol=1e-8, atol=0)


def fixed_network_differences(eps_values):
    X, Y, params = init()
    grads = backward(X, Y, forward(X, Y, params)[1])
    return {eps: gradient_difference(grads, numerical_gradient(network_loss(X, Y), params, eps=eps))
            for eps in eps_values}


def test_fixed_network_difference_at_eps_1e_7_is_round_off_near_the_assignment_thresholds():
    difference = fixed_network_differences([1e-7])[1e-7]
    # 1.1890913024229996e-07 in the assignment, 1.186e-7 and 1.189e-7 here on different NumPy builds:
    # the round-off arm (≈ u·|J|/ε per component) decides it, so it is asserted within a band around
    # the two thresholds of the assignment (1e-7 for its 1-D check, 2e-7 for gradient_check_n)
    assert 3e-8 < difference < 6e-7


# ε → the fixed network's difference, as CURRICULUM.md quotes them (2 significant digits)
EPS_SWEEP = {1e-3: 1.7e-8, 1e-4: 1.9e-10, 1e-5: 9.3e-10, 1e-6: 8.3e-9, 1e-7: 1.19e-7, 1e-8: 1.2e-6}


def test_eps_sweep_on_the_fixed_network_is_a_v():
    measured = fixed_network_differences(EPS_SWEEP)
    # truncation side: ε²·|J‴|/6 decides it, the same on every machine
    assert np.isclose(measured[1e-3], EPS_SWEEP[1e-3], rtol=0.05)
    assert np.isclose(measured[1e-4], EPS_SWEEP[1e-4], rtol=0.3)  # the bottom: truncation ≈ 30× round-off
    # round-off side: within a factor 4 of the quoted values, and rising as ε falls (∝ 1/ε)
    for eps in (1e-5, 1e-6, 1e-7, 1e-8):
        assert EPS_SWEEP[eps] / 4 < measured[eps] < EPS_SWEEP[eps] * 4, (eps, measured[eps])
    right_arm = [measured[eps] for eps in (1e-5, 1e-6, 1e-7, 1e-8)]
    assert all(b > 2 * a for a, b in pairwise(right_arm)), right_arm
    assert min(measured, key=measured.get) == 1e-4
    assert measured[1e-7] > 100 * measured[1e-4]


def test_default_step_lands_near_the_bottom_of_the_v():
    X, Y, params = init()
    grads = backward(X, Y, forward(X, Y, params)[1])
    default = gradient_difference(grads, numerical_gradient(network_loss(X, Y), params))
    at_1e_7 = gradient_difference(grads, numerical_gradient(network_loss(X, Y), params, eps=1e-7))
    # measured 2.75e-9 with steps ∛u·max(|θ_i|, s_T) ≈ 3e-6 … 9e-6 (s_T the tensor's median |θ|):
    # on the round-off arm near the bottom (1.9e-10 at ε = 1e-4), 40× better than ε = 1e-7
    assert default < 6e-9
    assert default < at_1e_7 / 20


from helpers.gradcheck import check_gradient  # noqa: E402


def test_report_points_at_b1_and_W2_and_exactly_eight_elements():
    X, Y, params = init()
    grads = backward_with_planted_bugs(X, Y, forward(X, Y, params)[1])
    for eps in (None, 1e-7):
        report = check_gradient(network_loss(X, Y), params, grads, eps=eps)
        assert not report.passed
        assert report.failing_params == ["b1", "W2"]
        found = {(m.name, m.index) for m in report.mismatches}
        assert found == {("b1", (i, 0)) for i in range(4)} | {("W2", (2, j)) for j in range(4)}
        assert report.kinks == []
        for m in report.mismatches:
            assert np.isclose(m.analytic / m.numeric, 4.0 if m.name == "b1" else 2.0, rtol=1e-5)
        assert np.isclose(report.difference, 0.2850931567761623, rtol=1e-6)


def test_numeric_gradient_is_exactly_zero_where_the_analytic_one_is():
    X, Y, params = init()
    grads = backward(X, Y, forward(X, Y, params)[1])
    report = check_gradient(network_loss(X, Y), params, grads)
    g, _ = dict_to_vector(grads)
    n, _ = dict_to_vector(report.numeric)
    assert int(np.sum((g == 0) & (n == 0))) == 20 == int(np.sum(g == 0))
    # both-zero → relative error 0, never nan
    assert all(np.all(report.relative_errors[name][grads[name] == 0] == 0) for name in params)


def test_fixed_network_passes_the_report():
    X, Y, params = init()
    grads = backward(X, Y, forward(X, Y, params)[1])
    report = check_gradient(network_loss(X, Y), params, grads)
    assert report.passed and report.failing_params == [] and report.kinks == []
    assert report.difference < 6e-9  # round-off level at the default step (measured 2.75e-9)


def test_neuron_report_flags_both_planted_bugs_and_passes_the_fix():
    X, Y, params = neuron_init()

    def loss(p):
        return neuron_forward(X, Y, p)[0]

    cache = neuron_forward(X, Y, params)[1]
    report = check_gradient(loss, params, neuron_backward_with_planted_bugs(X, Y, cache))
    assert report.failing_params == ["w", "b"]
    for m in report.mismatches:
        expected_ratio = X.shape[1] if m.name == "w" else -1.0
        assert np.isclose(m.analytic / m.numeric, expected_ratio, rtol=1e-6)
    assert check_gradient(loss, params, neuron_backward(X, Y, cache)).passed


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 5), st.integers(1, 8), st.integers(0, 2**31 - 1))
def test_neuron_backward_passes_the_check_on_any_problem(n_features, m, seed):
    X, Y, params = neuron_init(n_features=n_features, m=m, seed=seed)
    cache = neuron_forward(X, Y, params)[1]
    report = check_gradient(lambda p: neuron_forward(X, Y, p)[0], params, neuron_backward(X, Y, cache))
    assert report.passed, str(report)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31 - 1))
def test_network_backward_passes_the_check_at_random_points(seed):
    rng = np.random.default_rng(seed)
    X, Y = rng.standard_normal((4, 5)), (rng.random((1, 5)) < 0.5).astype(float)
    # scaled by 0.5 so the sigmoid does not saturate: at A3 ≈ 1 − 3e-8, log(1 − A3) keeps only
    # ~8 digits and the *numerical* gradient, not the backward, is wrong by up to 1e-2
    params = {name: 0.5 * rng.standard_normal(value.shape) for name, value in init()[2].items()}
    grads = backward(X, Y, forward(X, Y, params)[1])
    report = check_gradient(network_loss(X, Y), params, grads)
    assert not report.mismatches, str(report)


# ---------------------------------------------------------------------------------------------
# every layer's backward against numerical_vjp

from helpers.gradcheck import compare_tensors, numerical_vjp  # noqa: E402


def _away_from_zero(a, margin=1e-3):
    """Move entries closer than margin to 0 (a ReLU's kink) out to ±margin."""
    return np.where(np.abs(a) < margin, np.copysign(margin, a), a)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.integers(0, 2**31 - 1))
def test_linear_backward_matches_numerical_vjp(n_in, n_out, m, seed):
    rng = np.random.default_rng(seed)
    x, W, b = rng.standard_normal((n_in, m)), rng.standard_normal((n_out, n_in)), rng.standard_normal((n_out, 1))
    dout = rng.standard_normal((n_out, m))
    dx, dW, db = network.linear_backward(dout, network.linear_forward(x, W, b)[1])
    numeric = {
        "dx": numerical_vjp(lambda x_: network.linear_forward(x_, W, b)[0], x, dout),
        "dW": numerical_vjp(lambda W_: network.linear_forward(x, W_, b)[0], W, dout),
        "db": numerical_vjp(lambda b_: network.linear_forward(x, W, b_)[0], b, dout),
    }
    assert compare_tensors({"dx": dx, "dW": dW, "db": db}, numeric).all_close


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["relu", "sigmoid", "tanh"]), st.integers(0, 2**31 - 1))
def test_activation_backward_matches_numerical_vjp(name, seed):
    rng = np.random.default_rng(seed)
    z = _away_from_zero(2 * rng.standard_normal((3, 4)))
    dout = rng.standard_normal(z.shape)
    forward_fn, backward_fn = getattr(network, f"{name}_forward"), getattr(network, f"{name}_backward")
    dz = backward_fn(dout, forward_fn(z)[1])
    numeric = numerical_vjp(lambda z_: forward_fn(z_)[0], z, dout)
    assert compare_tensors({name: dz}, {name: numeric}).all_close


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 4), st.integers(1, 5), st.integers(0, 2**31 - 1))
def test_softmax_cross_entropy_backward_matches_numerical_vjp(n_classes, m, seed):
    rng = np.random.default_rng(seed)
    scores = 2 * rng.standard_normal((n_classes, m))
    labels = rng.integers(0, n_classes, size=m)
    dscores = network.softmax_cross_entropy_backward(1.0, network.softmax_cross_entropy_forward(scores, labels)[1])
    numeric = numerical_vjp(lambda s: network.softmax_cross_entropy_forward(s, labels)[0], scores, 1.0)
    assert compare_tensors({"dscores": dscores}, {"dscores": numeric}).all_close
    # dout scales the gradient
    cache = network.softmax_cross_entropy_forward(scores, labels)[1]
    assert np.allclose(network.softmax_cross_entropy_backward(2.5, cache), 2.5 * dscores)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 6), st.integers(0, 2**31 - 1))
def test_binary_cross_entropy_backward_matches_numerical_vjp(m, seed):
    rng = np.random.default_rng(seed)
    A = network.sigmoid_forward(rng.standard_normal((1, m)))[0]
    Y = (rng.random((1, m)) < 0.5).astype(float)
    dA = network.binary_cross_entropy_backward(1.0, network.binary_cross_entropy_forward(A, Y)[1])
    numeric = numerical_vjp(lambda A_: network.binary_cross_entropy_forward(A_, Y)[0], A, 1.0)
    assert compare_tensors({"dA": dA}, {"dA": numeric}).all_close


def test_relu_backward_at_a_kink_is_reported_as_a_kink_not_a_bug():
    rng = np.random.default_rng(0)
    z = _away_from_zero(rng.standard_normal((3, 4)))
    z[0, 1], z[2, 2] = 0.0, 2e-6
    dout = rng.standard_normal(z.shape)
    dz = network.relu_backward(dout, network.relu_forward(z)[1])
    numeric = numerical_vjp(lambda z_: network.relu_forward(z_)[0], z, dout)
    assert not compare_tensors({"dz": dz}, {"dz": numeric}).all_close  # the naive check trips
    assert np.isclose(numeric[0, 1] / dout[0, 1], 0.5)
    report = check_gradient(lambda p: float(np.sum(dout * network.relu_forward(p["z"])[0])), {"z": z}, {"z": dz})
    assert report.status == "inconclusive" and report.mismatches == []
    # z[0, 1] = 0 sits on the kink; z[2, 2] = 2e-6 is within ±2ε of it but not within ±ε/4, so it is
    # measured again with ε/8 and judged there
    assert report.kinks == [("z", (0, 1))]
    assert report.n_measured == 2


# --- the MLP of notebook 09 and the benchmarks -------------------------------------------------

from helpers.network import mlp_backward, mlp_data, mlp_forward, mlp_init, mlp_sizes  # noqa: E402


@pytest.mark.parametrize("target", [100, 1_000, 10_000, 100_000])
def test_mlp_sizes_hit_the_requested_parameter_count(target):
    sizes = mlp_sizes(target, n_inputs=64, n_classes=10)
    assert count_parameters(mlp_init(sizes)) == pytest.approx(target, rel=0.05, abs=80)


@pytest.mark.parametrize("l2, dropout, seed", [(0.0, 0.0, None), (0.05, 0.0, None), (0.05, 0.3, 7)])
def test_mlp_backward_passes_the_check(l2, dropout, seed):
    sizes = mlp_sizes(300, n_inputs=8, n_classes=3)
    params = mlp_init(sizes, seed=1)
    X, y = mlp_data(8, 3, 6, seed=2)
    loss = lambda p: mlp_forward(X, y, p, l2=l2, dropout=dropout, dropout_seed=seed)[0]  # noqa: E731
    grads = mlp_backward(mlp_forward(X, y, params, l2=l2, dropout=dropout, dropout_seed=seed)[1])
    assert list(grads) == list(params)
    report = check_gradient(loss, params, grads)
    assert report.passed, str(report)


def test_mlp_check_fails_when_the_loss_omits_the_l2_term_the_backward_includes():
    sizes = mlp_sizes(300, n_inputs=8, n_classes=3)
    params = mlp_init(sizes, seed=1)
    X, y = mlp_data(8, 3, 6, seed=2)
    grads = mlp_backward(mlp_forward(X, y, params, l2=0.05)[1])
    report = check_gradient(lambda p: mlp_forward(X, y, p)[0], params, grads)
    assert not report.passed
    assert set(report.failing_params) <= {"W1", "W2", "W3"} and "W1" in report.failing_params


def test_mlp_dropout_without_a_seed_makes_the_loss_random():
    params = mlp_init((8, 16, 3), seed=1)
    X, y = mlp_data(8, 3, 6, seed=2)
    seeded = {mlp_forward(X, y, params, dropout=0.5, dropout_seed=3)[0] for _ in range(5)}
    unseeded = {mlp_forward(X, y, params, dropout=0.5)[0] for _ in range(5)}
    assert len(seeded) == 1 and len(unseeded) > 1


def test_mlp_rejects_a_bad_dropout_rate():
    params = mlp_init((8, 16, 3))
    X, y = mlp_data(8, 3, 6)
    with pytest.raises(ValueError, match="dropout"):
        mlp_forward(X, y, params, dropout=1.0)
