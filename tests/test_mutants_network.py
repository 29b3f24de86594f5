"""helpers.network, the cases the mutation run found untested (make mutation; tests/README.md):
seeds and scales of the initialisers, parameter counts, the inverted-dropout scale, keys not in
C order, dtypes, and the messages of bad inputs (the parameter and the fix)."""

import itertools

import numpy as np
import pytest

from helpers.network import (
    count_parameters,
    dict_to_vector,
    mlp_data,
    mlp_forward,
    mlp_init,
    mlp_sizes,
    neuron_forward,
    neuron_init,
    softmax_cross_entropy_backward,
    softmax_cross_entropy_forward,
    tanh_backward,
    tanh_forward,
    vector_to_dict,
)


def n_weights(sizes):
    return sum((a + 1) * b for a, b in itertools.pairwise(sizes))


# --- labels and losses ------------------------------------------------------------------------

def test_one_hot_refuses_labels_of_the_wrong_shape_or_kind():
    scores = np.zeros((3, 4))
    with pytest.raises(ValueError, match=r"Y has shape \(5,\); give one-hot labels of shape \(3, 4\) or integer class"):
        softmax_cross_entropy_forward(scores, np.array([0, 1, 2, 0, 1]))
    with pytest.raises(ValueError, match=r"Y has shape \(4,\);"):
        softmax_cross_entropy_forward(scores, np.array([0.0, 1.0, 2.0, 0.0]))
    with pytest.raises(ValueError, match=r"class indices, which must lie in 0 … 2$"):
        softmax_cross_entropy_forward(scores, np.array([0, 1, 3, 0]))
    with pytest.raises(TypeError, match=r"^Y must be an array of real numbers"):
        softmax_cross_entropy_forward(scores, np.full((3, 4), "a"))


def test_softmax_names_scores_and_dout():
    with pytest.raises(TypeError, match=r"^scores must be an array of real numbers"):
        softmax_cross_entropy_forward(np.full((3, 4), "a"), np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match=r"^scores must be 2-D, but has shape \(3,\); give one row per class and one "
                                         r"column"):
        softmax_cross_entropy_forward(np.zeros(3), np.zeros(3, dtype=int))
    _, cache = softmax_cross_entropy_forward(np.zeros((3, 4)), np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match=r"dout must be a scalar .*, but has shape \(2,\)"):
        softmax_cross_entropy_backward(np.ones(2), cache)


def test_tanh_names_z_and_dout():
    with pytest.raises(TypeError, match=r"^z must be an array of real numbers"):
        tanh_forward(np.array(["a"]))
    _t, cache = tanh_forward(np.zeros(3))
    with pytest.raises(TypeError, match=r"^dout must be an array of real numbers"):
        tanh_backward(np.array(["a", "b", "c"]), cache)
    with pytest.raises(ValueError, match=r"^dout has shape \(2,\) but the tanh's output has shape \(3,\)"):
        tanh_backward(np.ones(2), cache)


# --- the single neuron ------------------------------------------------------------------------

def test_neuron_init_defaults_and_scales():
    X, Y, params = neuron_init()
    assert X.shape == (3, 5) and Y.shape == (1, 5) and params["w"].shape == (3, 1)
    again = neuron_init(3, 5, 0)
    assert np.array_equal(X, again[0]) and np.array_equal(params["w"], again[2]["w"])
    _, _, wide = neuron_init(n_features=4000)
    assert 0.47 < np.std(wide["w"]) < 0.53              # w ~ 0.5·N(0, 1)
    b = np.array([neuron_init(seed=s)[2]["b"][0, 0] for s in range(400)])
    assert 0.43 < np.std(b) < 0.57                      # b ~ 0.5·N(0, 1)


@pytest.mark.parametrize("params", [{"w": np.ones((3, 1))}, {"b": np.ones((1, 1))}, [np.ones((3, 1))]])
def test_neuron_forward_needs_both_w_and_b(params):
    X, Y, _ = neuron_init()
    with pytest.raises(TypeError, match=r"^params must be a dict \{'w': \(n, 1\) array, 'b': \(1, 1\) array\}"):
        neuron_forward(X, Y, params)


def test_neuron_forward_caches_x_as_float():
    _, Y, params = neuron_init()
    _, cache = neuron_forward(np.ones((3, 5), dtype=int), Y, params)
    assert cache["X"].dtype == np.float64


# --- parameters as one vector -----------------------------------------------------------------

def test_dict_to_vector_of_an_empty_dict_and_of_a_list():
    theta, keys = dict_to_vector({})
    assert theta.shape == (0,) and keys == []
    with pytest.raises(TypeError, match="params must be a dict of arrays, but got list"):
        dict_to_vector([np.ones(2)])


def test_vector_to_dict_with_keys_not_in_c_order_and_float32():
    params = {"W": np.arange(6.0).reshape(2, 3), "b": np.array([[7.0], [8.0]])}
    theta, keys = dict_to_vector(params)
    order = np.arange(theta.size)[::-1]
    back = vector_to_dict(theta[order], [keys[k] for k in order])
    assert all(np.array_equal(back[k], params[k]) for k in params)
    small = vector_to_dict(theta.astype(np.float32), keys)
    assert small["W"].dtype == np.float32 and np.array_equal(small["W"], params["W"])


def test_vector_to_dict_refuses_bad_theta_and_mixed_keys():
    with pytest.raises(ValueError, match=r"theta must be a vector, but has shape \(2, 3\)"):
        vector_to_dict(np.zeros((2, 3)), [("W", (i,)) for i in range(6)])
    assert vector_to_dict(np.zeros((2, 1)), [("b", (0,)), ("b", (1,))])["b"].shape == (2,)
    with pytest.raises(ValueError, match="the keys of 'W' mix indices of different lengths"):
        vector_to_dict(np.zeros(2), [("W", (0, 0)), ("W", (1,))])


def test_vector_to_dict_refuses_a_negative_index():
    # a key's index counts from 0: (-1,) is no element of any shape.  kills: the shape's start value
    # (0,)·len(index) → (1,)·len(index), which made a tensor of shape (1,) for the key ("W", (-1,))
    with pytest.raises(IndexError):
        vector_to_dict(np.array([5.0]), [("W", (-1,))])


# --- the MLP of notebook 09 -------------------------------------------------------------------

def test_mlp_sizes_counts_parameters_exactly():
    sizes = mlp_sizes(591)                     # (64 + 1)·7 + (7 + 1)·7 + (7 + 1)·10 = 591
    assert sizes == (64, 7, 7, 10)
    assert count_parameters(mlp_init(sizes)) == n_weights(sizes) == 591
    assert mlp_sizes(1) == (64, 1, 1, 10)      # the narrowest network: width 1, not 0
    # 6·37 + 38·2 = 298, the closest to 300
    assert mlp_sizes(300, n_inputs=5, n_classes=2, n_hidden_layers=1) == (5, 37, 2)
    assert mlp_sizes(10**9)[1] == 4095         # the widest the search tries


@pytest.mark.parametrize("n_params, n_hidden_layers", [(0, 2), (-5, 2), (100, 0), (0, 0)])
def test_mlp_sizes_refuses_non_positive_arguments(n_params, n_hidden_layers):
    with pytest.raises(ValueError, match=r"^n_params and n_hidden_layers must be positive$"):
        mlp_sizes(n_params, n_hidden_layers=n_hidden_layers)


def test_mlp_init_seed_sizes_and_scales():
    assert np.array_equal(mlp_init((3, 2))["W1"], mlp_init((3, 2), seed=0)["W1"])
    assert not np.array_equal(mlp_init((3, 2))["W1"], mlp_init((3, 2), seed=1)["W1"])
    assert mlp_init((3, 2))["W1"].shape == (2, 3) and mlp_init((3, 2))["b1"].shape == (2, 1)
    with pytest.raises(ValueError, match=r"layer_sizes needs an input and an output size, got \(3,\)"):
        mlp_init((3,))
    big = mlp_init((400, 2000))
    assert 0.97 < np.std(big["W1"]) / np.sqrt(2.0 / 400) < 1.03     # He: N(0, 2/n_in)
    assert 0.09 < np.std(big["b1"]) < 0.11                            # N(0, 0.1²)


def test_mlp_data_seed_and_classes():
    X, y = mlp_data(3, 3, 200)
    X0, y0 = mlp_data(3, 3, 200, seed=0)
    assert np.array_equal(X, X0) and np.array_equal(y, y0)
    assert not np.array_equal(X, mlp_data(3, 3, 200, seed=1)[0])
    assert set(y.tolist()) == {0, 1, 2}


def test_mlp_forward_default_is_unregularised_and_dropout_is_inverted():
    sizes = (4, 6, 6, 3)
    params, (X, y) = mlp_init(sizes), mlp_data(4, 3, 50)
    assert mlp_forward(X, y, params)[0] == mlp_forward(X, y, params, l2=0.0, dropout=0.0)[0]
    _, cache = mlp_forward(X, y, params, dropout=0.25, dropout_seed=3)
    mask = cache["layers"][0][2]
    assert mask.shape == (6, 50)
    assert set(np.unique(mask).tolist()) == {0.0, 1 / 0.75}
    assert 0.15 < np.mean(mask == 0) < 0.35


def test_mlp_forward_without_dropout_leaves_the_callers_generator_alone():
    params, (X, y) = mlp_init((4, 6, 3)), mlp_data(4, 3, 10)
    rng = np.random.default_rng(5)
    mlp_forward(X, y, params, dropout=0.0, dropout_seed=rng)
    assert rng.random() == np.random.default_rng(5).random()


# --- every layer names its bad argument -------------------------------------------------------

from helpers.network import (  # noqa: E402
    binary_cross_entropy_backward,
    binary_cross_entropy_forward,
    forward,
    init,
    linear_backward,
    linear_forward,
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
)

TEXT = np.array([["a", "b"], ["c", "d"]])


@pytest.mark.parametrize("call, name", [
    (lambda: linear_forward(TEXT, np.ones((2, 2)), np.ones((2, 1))), "x"),
    (lambda: linear_forward(np.ones((2, 2)), TEXT, np.ones((2, 1))), "W"),
    (lambda: linear_forward(np.ones((2, 2)), np.ones((2, 2)), TEXT), "b"),
    (lambda: linear_backward(TEXT, linear_forward(np.ones((2, 2)), np.ones((2, 2)), np.ones((2, 1)))[1]), "dout"),
    (lambda: relu_forward(TEXT), "z"),
    (lambda: relu_backward(TEXT, relu_forward(np.ones((2, 2)))[1]), "dout"),
    (lambda: sigmoid_forward(TEXT), "z"),
    (lambda: sigmoid_backward(TEXT, sigmoid_forward(np.ones((2, 2)))[1]), "dout"),
    (lambda: binary_cross_entropy_forward(TEXT, np.ones((2, 2))), "A"),
    (lambda: binary_cross_entropy_forward(np.full((2, 2), 0.5), TEXT), "Y"),
])
def test_a_non_numeric_argument_is_named(call, name):
    with pytest.raises(TypeError, match=rf"^{name} must be an array of real numbers, but got dtype <U1$"):
        call()


def test_shape_messages_name_both_sides():
    _, lin = linear_forward(np.ones((2, 4)), np.ones((3, 2)), np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"^dout has shape \(2, 4\) but the layer's output has shape \(3, 4\)$"):
        linear_backward(np.ones((2, 4)), lin)
    with pytest.raises(ValueError, match=r"^dout has shape \(2,\) but the ReLU's input z has shape \(3,\); they must"):
        relu_backward(np.ones(2), relu_forward(np.ones(3))[1])
    with pytest.raises(ValueError, match=r"^dout has shape \(2,\) but the sigmoid's output has shape \(3,\); they "
                                         r"must"):
        sigmoid_backward(np.ones(2), sigmoid_forward(np.ones(3))[1])
    with pytest.raises(ValueError, match=r"^Y has shape \(3,\) but A has shape \(2,\); they must match"):
        binary_cross_entropy_forward(np.full(2, 0.5), np.ones(3))


def test_binary_cross_entropy_of_one_dimensional_probabilities():
    A, Y = np.array([0.5, 0.25]), np.array([1, 0])
    cost, cache = binary_cross_entropy_forward(A, Y)
    assert cost == pytest.approx((-np.log(0.5) - np.log(0.75)) / 2, rel=1e-15)
    assert np.allclose(binary_cross_entropy_backward(1.0, cache), [(-1 / 0.5) / 2, (1 / 0.75) / 2], rtol=1e-15)
    with pytest.raises(ValueError, match=r"^dout must be a scalar .*, but has shape \(2,\)$"):
        binary_cross_entropy_backward(np.ones(2), cache)
    with pytest.raises(ValueError, match=r"^A must hold probabilities strictly between 0 and 1 \(the log is undefined "
                                         r"at 0 and 1\)$"):
        binary_cross_entropy_forward(np.array([0.0, 0.5]), Y)


def test_network_forward_cache_and_params_check():
    X, Y, params = init()
    _, cache = forward(np.rint(X).astype(int), Y, params)
    assert cache["X"].dtype == np.float64
    assert set(cache) == {"X", "Y", "Z1", "A1", "Z2", "A2", "Z3", "A3", "W1", "b1", "W2", "b2", "W3", "b3"}
    with pytest.raises(TypeError, match=r"^params must be a dict of arrays \(W1, b1, …, b3\), but got list$"):
        forward(X, Y, [params["W1"]])
