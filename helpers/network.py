"""Layers with a forward and a backward, the single neuron of notebook 05 and the network of notebook 08.

Conventions (as in deeplearning.ai): **columns are examples**.  An input X has shape (n_features, m),
a layer's output has shape (n_units, m), labels Y have shape (1, m) (binary) or (n_classes, m)
(one-hot), and every cost is the **mean** over the m examples.

Every layer is a pair of functions::

    out, cache = <layer>_forward(inputs...)      # cache: what the backward needs
    grads      = <layer>_backward(dout, cache)    # dout = ∂J/∂out, the upstream gradient

A backward computes the vector–Jacobian product: for each input x, ∂J/∂x = Σ_k (∂out_k/∂x)·dout_k.
The loss layers end the chain: their forward returns the scalar cost and their backward takes
dout = ∂J/∂cost (1.0 for the cost itself).

The network of notebook 08 (deeplearning.ai's gradient-checking assignment) is
LINEAR → RELU → LINEAR → RELU → LINEAR → SIGMOID, sizes 4 → 5 → 3 → 1, 47 parameters, mean
binary cross-entropy.  Its parameters are a dict {"W1", "b1", "W2", "b2", "W3", "b3"} and its
gradients a dict with the same keys and shapes.  :func:`backward_with_planted_bugs` is the
assignment's backward with its two deliberate bugs, kept for teaching.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise

import numpy as np

__all__ = [
    # layers
    "linear_forward",
    "linear_backward",
    "relu_forward",
    "relu_backward",
    "sigmoid_forward",
    "sigmoid_backward",
    "tanh_forward",
    "tanh_backward",
    "softmax_cross_entropy_forward",
    "softmax_cross_entropy_backward",
    "binary_cross_entropy_forward",
    "binary_cross_entropy_backward",
    # the network of notebook 08
    "LAYER_SIZES",
    "init",
    "forward",
    "backward",
    "backward_with_planted_bugs",
    "count_parameters",
    # the single neuron of notebook 05
    "neuron_init",
    "neuron_forward",
    "neuron_backward",
    "neuron_backward_with_planted_bugs",
    # parameters as one long vector
    "dict_to_vector",
    "vector_to_dict",
    # a multi-layer perceptron of any size (notebook 09, benchmarks)
    "mlp_sizes",
    "mlp_init",
    "mlp_data",
    "mlp_forward",
    "mlp_backward",
]

#: Sizes of the network of notebook 08: 4 inputs, hidden layers of 5 and 3 units, 1 output.
LAYER_SIZES = (4, 5, 3, 1)
PARAMETER_NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")


# ----------------------------------------------------------------------------------------------
# checks shared by the layers


def _as_float_array(value, name: str) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be an array of real numbers, but got dtype {array.dtype}")
    return array if array.dtype.kind == "f" else array.astype(np.float64)


def _same_shape(a: np.ndarray, a_name: str, b: np.ndarray, b_name: str) -> None:
    if a.shape != b.shape:
        raise ValueError(
            f"{a_name} has shape {a.shape} but {b_name} has shape {b.shape}; "
            "they must match element for element (columns are examples)"
        )


def _two_dimensional(a: np.ndarray, name: str, hint: str) -> None:
    if a.ndim != 2:
        raise ValueError(f"{name} must be 2-D, but has shape {a.shape}; {hint}")


# ----------------------------------------------------------------------------------------------
# layers


def linear_forward(x, W, b) -> tuple[np.ndarray, tuple]:
    """Affine layer  out = W·x + b.

    Shapes: x (n_in, m), W (n_out, n_in), b (n_out, 1) → out (n_out, m).  cache = (x, W, b).
    """
    x, W, b = _as_float_array(x, "x"), _as_float_array(W, "W"), _as_float_array(b, "b")
    _two_dimensional(x, "x", "columns are examples: reshape one example to (n_in, 1)")
    _two_dimensional(W, "W", "W has one row per output unit and one column per input")
    if W.shape[1] != x.shape[0]:
        raise ValueError(
            f"W has shape {W.shape} but x has shape {x.shape}: W needs one column per row of x"
        )
    if b.shape != (W.shape[0], 1):
        raise ValueError(
            f"b has shape {b.shape} but must be ({W.shape[0]}, 1), one row per output unit; "
            "reshape it with b.reshape(-1, 1)"
        )
    return W @ x + b, (x, W, b)


def linear_backward(dout, cache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward of the affine layer: given dout = ∂J/∂out, return (dx, dW, db).

    dx = Wᵀ·dout (n_in, m),  dW = dout·xᵀ (n_out, n_in),  db = Σ over columns of dout (n_out, 1).
    No 1/m here: a mean over examples belongs to the loss, whose backward already carries it.
    """
    x, W, _ = cache
    dout = _as_float_array(dout, "dout")
    if dout.shape != (W.shape[0], x.shape[1]):
        raise ValueError(
            f"dout has shape {dout.shape} but the layer's output has shape {(W.shape[0], x.shape[1])}"
        )
    return W.T @ dout, dout @ x.T, np.sum(dout, axis=1, keepdims=True)


def relu_forward(z) -> tuple[np.ndarray, np.ndarray]:
    """ReLU  out = max(0, z), elementwise, any shape.  cache = z."""
    z = _as_float_array(z, "z")
    return np.maximum(0, z), z


def relu_backward(dout, cache) -> np.ndarray:
    """Backward of ReLU: dz = dout · [z > 0].

    At z = 0 ReLU has a kink (no derivative); like every framework we use 0 there.
    """
    z = cache
    dout = _as_float_array(dout, "dout")
    _same_shape(dout, "dout", z, "the ReLU's input z")
    return np.where(z > 0, dout, 0.0)


def sigmoid_forward(z) -> tuple[np.ndarray, np.ndarray]:
    """Sigmoid  σ(z) = 1 / (1 + e^(−z)), elementwise, any shape.  cache = σ(z)."""
    z = _as_float_array(z, "z")
    s = 1 / (1 + np.exp(-z))
    return s, s


def sigmoid_backward(dout, cache) -> np.ndarray:
    """Backward of the sigmoid: dz = dout · σ(z)·(1 − σ(z))  (σ' = σ(1 − σ))."""
    s = cache
    dout = _as_float_array(dout, "dout")
    _same_shape(dout, "dout", s, "the sigmoid's output")
    return dout * s * (1 - s)


def tanh_forward(z) -> tuple[np.ndarray, np.ndarray]:
    """tanh(z), elementwise, any shape.  cache = tanh(z)."""
    z = _as_float_array(z, "z")
    t = np.tanh(z)
    return t, t


def tanh_backward(dout, cache) -> np.ndarray:
    """Backward of tanh: dz = dout · (1 − tanh²(z))."""
    t = cache
    dout = _as_float_array(dout, "dout")
    _same_shape(dout, "dout", t, "the tanh's output")
    return dout * (1 - t**2)


def _one_hot(labels, n_classes: int, m: int) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.shape == (n_classes, m):
        return _as_float_array(labels, "Y")
    if labels.shape == (m,) and labels.dtype.kind in "iu":
        if labels.min() < 0 or labels.max() >= n_classes:
            raise ValueError(f"Y holds class indices, which must lie in 0 … {n_classes - 1}")
        Y = np.zeros((n_classes, m))
        Y[labels, np.arange(m)] = 1.0
        return Y
    raise ValueError(
        f"Y has shape {labels.shape}; give one-hot labels of shape ({n_classes}, {m}) "
        f"or integer class indices of shape ({m},)"
    )


def softmax_cross_entropy_forward(scores, Y) -> tuple[float, tuple]:
    """Softmax of each column followed by the mean cross-entropy.

    P = softmax(scores) column by column (shifted by the column max for stability),
    J = −(1/m) Σ_examples Σ_classes Y·log P.  scores (C, m); Y one-hot (C, m) or class
    indices (m,).  Returns (J, cache) with cache = (P, Y one-hot).
    """
    scores = _as_float_array(scores, "scores")
    _two_dimensional(scores, "scores", "give one row per class and one column per example")
    n_classes, m = scores.shape
    Y = _one_hot(Y, n_classes, m)
    shifted = scores - scores.max(axis=0, keepdims=True)
    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))
    cost = -np.sum(Y * log_p) / m
    return float(cost), (np.exp(log_p), Y)


def softmax_cross_entropy_backward(dout, cache) -> np.ndarray:
    """Backward of softmax + mean cross-entropy: dscores = dout · (P − Y) / m.  dout is a scalar."""
    P, Y = cache
    if np.ndim(dout) != 0:
        raise ValueError(f"dout must be a scalar (∂J/∂cost, usually 1.0), but has shape {np.shape(dout)}")
    return dout * (P - Y) / P.shape[1]


def binary_cross_entropy_forward(A, Y) -> tuple[float, tuple]:
    """Mean binary cross-entropy of probabilities A against labels Y (0 or 1).

    J = (1/m) Σ ( −Y·log A − (1 − Y)·log(1 − A) ), the formula of the deeplearning.ai assignment
    summed in its order.  A and Y have shape (1, m) (Y may also be (m,)).  cache = (A, Y).
    """
    A = _as_float_array(A, "A")
    Y = _as_float_array(Y, "Y")
    if Y.ndim == 1 and A.ndim == 2 and A.shape[0] == 1:
        Y = Y.reshape(1, -1)
    _same_shape(Y, "Y", A, "A")
    if np.any((A <= 0) | (A >= 1)):
        raise ValueError("A must hold probabilities strictly between 0 and 1 (the log is undefined at 0 and 1)")
    m = A.shape[-1]
    cost = 1.0 / m * np.sum(np.multiply(-np.log(A), Y) + np.multiply(-np.log(1 - A), 1 - Y))
    return float(cost), (A, Y)


def binary_cross_entropy_backward(dout, cache) -> np.ndarray:
    """Backward of the mean binary cross-entropy: dA = dout · (1/m) · ( −Y/A + (1 − Y)/(1 − A) ).

    dout is a scalar (1.0 for the cost itself).  Followed by :func:`sigmoid_backward` this
    gives the familiar dZ = (A − Y)/m.
    """
    A, Y = cache
    if np.ndim(dout) != 0:
        raise ValueError(f"dout must be a scalar (∂J/∂cost, usually 1.0), but has shape {np.shape(dout)}")
    m = A.shape[-1]
    return dout * (1.0 / m) * (-Y / A + (1 - Y) / (1 - A))


# ----------------------------------------------------------------------------------------------
# the network of notebook 08


def init() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The test point of the deeplearning.ai gradient-checking assignment: (X, Y, params).

    ``np.random.seed(1)``; X = randn(4, 3); Y = [[1, 1, 0]]; then W1 = randn(5, 4),
    b1 = randn(5, 1), W2 = randn(3, 5), b2 = randn(3, 1), W3 = randn(1, 3), b3 = randn(1, 1),
    drawn in that order.  This reseeds NumPy's *global* generator, exactly as the assignment
    does, so the numbers match it; nothing else in ``helpers`` uses the global generator.
    """
    np.random.seed(1)
    X = np.random.randn(4, 3)
    Y = np.array([[1.0, 1.0, 0.0]])
    params = {}
    for name, shape in zip(PARAMETER_NAMES, [(5, 4), (5, 1), (3, 5), (3, 1), (1, 3), (1, 1)], strict=True):
        params[name] = np.random.randn(*shape)
    return X, Y, params


def count_parameters(params: Mapping[str, np.ndarray]) -> int:
    """Total number of scalar parameters (47 for the network of notebook 08)."""
    return int(sum(np.size(value) for value in params.values()))


def _check_network_params(params) -> None:
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of arrays (W1, b1, …, b3), but got {type(params).__name__}")
    missing = [name for name in PARAMETER_NAMES if name not in params]
    if missing:
        raise ValueError(f"params is missing {missing}; the network needs {list(PARAMETER_NAMES)}")


def forward(X, Y, params: Mapping[str, np.ndarray]) -> tuple[float, dict]:
    """Cost of the network LINEAR → RELU → LINEAR → RELU → LINEAR → SIGMOID, and its cache.

    Z1 = W1·X + b1, A1 = relu(Z1), Z2 = W2·A1 + b2, A2 = relu(Z2), Z3 = W3·A2 + b3,
    A3 = σ(Z3), cost = (1/m) Σ( −Y·log A3 − (1 − Y)·log(1 − A3) ).
    X (4, m), Y (1, m).  The cache is a dict with X, Y, the parameters and every Z and A.
    """
    _check_network_params(params)
    Z1, _ = linear_forward(X, params["W1"], params["b1"])
    A1, _ = relu_forward(Z1)
    Z2, _ = linear_forward(A1, params["W2"], params["b2"])
    A2, _ = relu_forward(Z2)
    Z3, _ = linear_forward(A2, params["W3"], params["b3"])
    A3, _ = sigmoid_forward(Z3)
    cost, (_, Y) = binary_cross_entropy_forward(A3, Y)
    cache = {"X": np.asarray(X, dtype=float), "Y": Y, "Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2,
             "Z3": Z3, "A3": A3}
    cache.update({name: params[name] for name in PARAMETER_NAMES})
    return cost, cache


def backward(X, Y, cache: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Correct gradients of :func:`forward`'s cost, by chaining the layers' backwards.

    Returns {"W1": ∂J/∂W1, "b1": ∂J/∂b1, …, "b3": ∂J/∂b3}, the same keys and shapes as params.
    (X and Y are accepted for the assignment's signature; the cache holds both.)
    """
    c = cache
    dA3 = binary_cross_entropy_backward(1.0, (c["A3"], c["Y"]))
    dZ3 = sigmoid_backward(dA3, c["A3"])
    dA2, dW3, db3 = linear_backward(dZ3, (c["A2"], c["W3"], c["b3"]))
    dZ2 = relu_backward(dA2, c["Z2"])
    dA1, dW2, db2 = linear_backward(dZ2, (c["A1"], c["W2"], c["b2"]))
    dZ1 = relu_backward(dA1, c["Z1"])
    _, dW1, db1 = linear_backward(dZ1, (c["X"], c["W1"], c["b1"]))
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "W3": dW3, "b3": db3}


def backward_with_planted_bugs(X, Y, cache: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """DELIBERATELY WRONG — the assignment's backward with its two planted bugs, for teaching.

    Written as in deeplearning.ai's ``backward_propagation_n``.  The bugs:
    dW2 is multiplied by 2, and db1 uses 4/m instead of 1/m.  Use :func:`backward` for the
    correct gradients.
    """
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    m = X.shape[1]
    Z1, A1, W2, Z2, A2, W3, A3 = (cache[k] for k in ("Z1", "A1", "W2", "Z2", "A2", "W3", "A3"))

    dZ3 = A3 - Y
    dW3 = 1.0 / m * np.dot(dZ3, A2.T)
    db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)

    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1.0 / m * np.dot(dZ2, A1.T) * 2
    db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)

    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1.0 / m * np.dot(dZ1, X.T)
    db1 = 4.0 / m * np.sum(dZ1, axis=1, keepdims=True)

    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "W3": dW3, "b3": db3}


# ----------------------------------------------------------------------------------------------
# the single neuron (logistic regression) of notebook 05


def neuron_init(n_features: int = 3, m: int = 5, seed: int = 0) -> tuple[np.ndarray, np.ndarray, dict]:
    """A small logistic-regression problem: (X, Y, params) from ``np.random.default_rng(seed)``.

    X (n_features, m) standard normal; Y (1, m) labels 0/1; params {"w": (n_features, 1), "b": (1, 1)}
    drawn small and nonzero so the neuron is not saturated.
    """
    if n_features < 1 or m < 1:
        raise ValueError(f"n_features and m must be at least 1, got n_features={n_features}, m={m}")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_features, m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    params = {"w": 0.5 * rng.standard_normal((n_features, 1)), "b": 0.5 * rng.standard_normal((1, 1))}
    return X, Y, params


def neuron_forward(X, Y, params: Mapping[str, np.ndarray]) -> tuple[float, dict]:
    """One sigmoid neuron: A = σ(wᵀ·X + b), cost = (1/m) Σ( −Y·log A − (1 − Y)·log(1 − A) ).

    X (n, m), Y (1, m), params {"w": (n, 1), "b": (1, 1)}.  Returns (cost, cache) with
    cache {"X", "Y", "A"}.
    """
    if not isinstance(params, Mapping) or "w" not in params or "b" not in params:
        raise TypeError("params must be a dict {'w': (n, 1) array, 'b': (1, 1) array}")
    Z, _ = linear_forward(X, np.asarray(params["w"]).T, params["b"])
    A, _ = sigmoid_forward(Z)
    cost, (_, Y) = binary_cross_entropy_forward(A, Y)
    return cost, {"X": np.asarray(X, dtype=float), "Y": Y, "A": A}


def neuron_backward(X, Y, cache: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Correct gradients of :func:`neuron_forward`'s cost: dw = (1/m)·X·(A − Y)ᵀ, db = (1/m)·Σ(A − Y)."""
    X, Y, A = cache["X"], cache["Y"], cache["A"]
    m = X.shape[1]
    dZ = A - Y
    dw = 1.0 / m * np.dot(X, dZ.T)
    db = 1.0 / m * np.sum(dZ, axis=1, keepdims=True)
    return {"w": dw, "b": db}


def neuron_backward_with_planted_bugs(X, Y, cache: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """DELIBERATELY WRONG — two planted bugs for notebook 05: dw lacks the 1/m, db has the wrong sign.

    Use :func:`neuron_backward` for the correct gradients.
    """
    X, Y, A = cache["X"], cache["Y"], cache["A"]
    m = X.shape[1]
    dZ = A - Y
    dw = np.dot(X, dZ.T)
    db = 1.0 / m * np.sum(Y - A, axis=1, keepdims=True)
    return {"w": dw, "b": db}


# ----------------------------------------------------------------------------------------------
# parameters as one long vector


def dict_to_vector(params: Mapping[str, np.ndarray]) -> tuple[np.ndarray, list[tuple[str, tuple]]]:
    """Flatten a dict of arrays into one vector θ, and say where every element came from.

    Returns (theta, keys): theta has one entry per scalar parameter, tensors in the dict's order,
    each flattened row by row (C order); keys[k] = (name, index) such that
    theta[k] == params[name][index].  For the network of notebook 08: 47 entries,
    keys[0] = ("W1", (0, 0)) … keys[46] = ("b3", (0, 0)).
    """
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of arrays, but got {type(params).__name__}")
    pieces, keys = [], []
    for name, value in params.items():
        value = np.asarray(value)
        pieces.append(value.reshape(-1))
        keys.extend((name, index) for index in np.ndindex(value.shape))
    theta = np.concatenate(pieces) if pieces else np.zeros(0)
    return theta, keys


def vector_to_dict(theta, keys: Sequence[tuple[str, tuple]]) -> dict[str, np.ndarray]:
    """Inverse of :func:`dict_to_vector`: rebuild the dict of arrays from θ and its keys.

    Each tensor's shape is read off its keys (largest index + 1 along each axis); every element
    of every tensor must have exactly one key.  Returns new arrays (θ is not modified).
    """
    theta = np.asarray(theta)
    if theta.ndim != 1 and not (theta.ndim == 2 and theta.shape[1] == 1):
        raise ValueError(f"theta must be a vector, but has shape {theta.shape}")
    theta = theta.reshape(-1)
    if len(keys) != theta.size:
        raise ValueError(f"theta has {theta.size} entries but there are {len(keys)} keys; they must match")
    shapes: dict[str, tuple] = {}
    for name, index in keys:
        index = tuple(int(i) for i in index)
        known = shapes.get(name)
        if known is not None and len(known) != len(index):
            raise ValueError(f"the keys of {name!r} mix indices of different lengths")
        shapes[name] = tuple(max(i + 1, k) for i, k in zip(index, known or (0,) * len(index), strict=True))
    params = {name: np.zeros(shape, dtype=theta.dtype) for name, shape in shapes.items()}
    seen = {name: np.zeros(shape, dtype=bool) for name, shape in shapes.items()}
    for value, (name, index) in zip(theta, keys, strict=True):
        index = tuple(int(i) for i in index)
        if seen[name][index]:
            raise ValueError(f"the key ({name!r}, {index}) appears twice")
        params[name][index] = value
        seen[name][index] = True
    for name, filled in seen.items():
        if not filled.all():
            raise ValueError(f"keys for {name!r} do not cover every element of shape {filled.shape}")
    return params


# ----------------------------------------------------------------------------------------------
# a multi-layer perceptron of any size: notebook 09 and the benchmarks


def mlp_sizes(n_params: int, n_inputs: int = 64, n_classes: int = 10, n_hidden_layers: int = 2) -> tuple:
    """Layer sizes (n_inputs, h, …, h, n_classes) whose parameter count is as close to n_params as
    an integer width h allows.  The count is Σ (n_in + 1)·n_out over the layers."""
    if n_params < 1 or n_hidden_layers < 1:
        raise ValueError("n_params and n_hidden_layers must be positive")

    def count(h):
        sizes = (n_inputs,) + (h,) * n_hidden_layers + (n_classes,)
        return sum((a + 1) * b for a, b in pairwise(sizes))

    width = min(range(1, 4096), key=lambda h: abs(count(h) - n_params))
    return (n_inputs,) + (width,) * n_hidden_layers + (n_classes,)


def mlp_init(layer_sizes, seed: int = 0) -> dict[str, np.ndarray]:
    """Parameters {"W1", "b1", …} of an MLP with the given layer sizes, drawn from
    ``np.random.default_rng(seed)``: W_l ~ N(0, 2/n_in) (He), b_l ~ N(0, 0.1²)."""
    if len(layer_sizes) < 2:
        raise ValueError(f"layer_sizes needs an input and an output size, got {tuple(layer_sizes)}")
    rng = np.random.default_rng(seed)
    params = {}
    for layer, (n_in, n_out) in enumerate(pairwise(layer_sizes), start=1):
        params[f"W{layer}"] = rng.standard_normal((n_out, n_in)) * np.sqrt(2.0 / n_in)
        params[f"b{layer}"] = 0.1 * rng.standard_normal((n_out, 1))
    return params


def mlp_data(n_inputs: int, n_classes: int, m: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A random batch: X (n_inputs, m) standard normal, y (m,) integer classes, from default_rng(seed)."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n_inputs, m)), rng.integers(0, n_classes, size=m)


def mlp_forward(X, y, params: Mapping[str, np.ndarray], l2: float = 0.0, dropout: float = 0.0,
                dropout_seed: int | np.random.Generator | None = None) -> tuple[float, dict]:
    """Cost of LINEAR → RELU (→ DROPOUT) → … → LINEAR → SOFTMAX, mean cross-entropy, plus L2.

    J = −(1/m) Σ log P[y] + (l2/2) Σ_l ‖W_l‖²  (biases are not regularised).
    Dropout (rate ``dropout``) on every hidden layer is inverted dropout: keep each unit with
    probability 1 − dropout and divide by it.  Its masks come from
    ``np.random.default_rng(dropout_seed)``: with an int seed the same masks are drawn at every
    call, so J is a fixed function of the parameters; with ``dropout_seed=None`` (fresh entropy)
    or a ``np.random.Generator`` (which advances, reproducibly) every call draws new masks, as in
    training, and J changes from call to call — a gradient check of it is meaningless.
    """
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}")
    n_layers = len(params) // 2
    rng = np.random.default_rng(dropout_seed) if dropout > 0 else None
    A, caches = X, []
    for layer in range(1, n_layers + 1):
        Z, linear_cache = linear_forward(A, params[f"W{layer}"], params[f"b{layer}"])
        if layer == n_layers:
            caches.append((linear_cache, None, None))
            break
        A, _ = relu_forward(Z)
        mask = None
        if rng is not None:
            mask = (rng.random(A.shape) >= dropout) / (1.0 - dropout)
            A = A * mask
        caches.append((linear_cache, Z, mask))
    cost, loss_cache = softmax_cross_entropy_forward(Z, y)
    penalty = 0.5 * l2 * sum(np.sum(params[f"W{layer}"] ** 2) for layer in range(1, n_layers + 1))
    return float(cost + penalty), {"layers": caches, "loss": loss_cache, "l2": l2}


def mlp_backward(cache: Mapping) -> dict[str, np.ndarray]:
    """Gradients of :func:`mlp_forward`'s cost (with the same L2 and dropout masks), by chaining
    the layers' backwards; the L2 term adds l2·W_l to each dW_l."""
    grads = {}
    dZ = softmax_cross_entropy_backward(1.0, cache["loss"])
    for layer in range(len(cache["layers"]), 0, -1):
        linear_cache, _, _ = cache["layers"][layer - 1]
        dA, dW, db = linear_backward(dZ, linear_cache)
        grads[f"W{layer}"] = dW + cache["l2"] * linear_cache[1]
        grads[f"b{layer}"] = db
        if layer > 1:
            _, Z, mask = cache["layers"][layer - 2]
            dZ = relu_backward(dA if mask is None else dA * mask, Z)
    n_layers = len(cache["layers"])
    return {f"{kind}{layer}": grads[f"{kind}{layer}"] for layer in range(1, n_layers + 1) for kind in "Wb"}
