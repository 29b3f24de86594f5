"""Adversarial sweeps for check_gradient: scales, large constants, ties/kinks at the probe's element.

The four situations of the issue in which the checker said PASSED on wrong gradients:

1. a kink or tie where the round-off probe lands (the element where analytic and numeric agree on
   the largest magnitude): the probe's fitted σ is ~1e-6, every tolerance rises, every bug passes;
2. large parameters |θ| ≈ 1e2…1e3: the truncation allowance C·ε²·G with ε ∝ |θ| grows as θ²;
3. a large constant in the loss (J = 1e6 + data term): the allowance C·u·|J|/ε admits 1 % errors;
4. small-scale, high-curvature coordinates (θ ≈ 1e-4): the default ε is 6 % of θ's scale, every
   element looks like a kink and ×2 or ×0.5 passes.

Each model below is small, float64, and has a HAND-WRITTEN gradient (each one was compared with
torch.autograd in float64 — max |Δg| ≤ 7e-15 — while this file was written; it needs NumPy only).
A model lives in "φ-space" (its natural scale); a case puts its tensors at scale s by θ = s·φ with
loss J(θ) = f(θ/s) + c and gradient g_φ(θ/s)/s, which changes neither the mathematics nor the
relative size of a bug — only the units a checker has to cope with.

The contract (`report.status` of the new API; `status_of` falls back to `report.passed` before it):

- a correct gradient is never "failed"; on a smooth point at the default step it is "passed";
  "inconclusive" is allowed only in the cases that put a kink or tie within ±ε of the point;
- a planted bug (×(1+1e-2) on one element, a sign flip, ×2, ×0.5, a transpose) is never "passed";
  where the bug sits on smooth elements it is "failed".

`pytest -q -rA tests/test_adversarial.py` ends with test_summary's counts (cases, failed on a
correct gradient, passed on a bug, inconclusive).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest

from helpers.gradcheck import check_gradient

# --------------------------------------------------------------------------------------------
# status, before and after the rewrite
# --------------------------------------------------------------------------------------------


def status_of(report) -> str:
    """report.status when the API has it, else "passed"/"failed" from report.passed."""
    status = getattr(report, "status", None)
    if status is not None:
        return status
    return "passed" if report.passed else "failed"


# --------------------------------------------------------------------------------------------
# models in φ-space: loss(φ) -> float and grads(φ) -> dict, hand-written
# --------------------------------------------------------------------------------------------


@dataclass
class Model:
    """A loss f(φ), its hand-written gradient, the point φ, and where bugs are planted.

    kinks: name -> flat indices whose partial derivative is not smooth within ±ε at φ (a ReLU
    input or a max/amax tie exactly at the point); None for a smooth point.
    """

    name: str
    phi: dict
    loss: Callable[[dict], float]
    grads: Callable[[dict], dict]
    targets: tuple  # tensors in which bugs are planted
    kinks: dict | None = None
    square: tuple = ()  # square, non-symmetric weights: the transpose bug
    extra: dict = field(default_factory=dict)


def _softmax(S):
    Z = S - S.max(axis=-1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=-1, keepdims=True)


def _log_softmax(S):
    Z = S - S.max(axis=-1, keepdims=True)
    return Z - np.log(np.exp(Z).sum(axis=-1, keepdims=True))


# --- 1. two-layer tanh MLP, mean squared error ----------------------------------------------

def mlp_tanh() -> Model:
    rng = np.random.default_rng(11)
    X = rng.normal(size=(6, 4))
    Y = rng.normal(size=(6, 2))
    phi = {"W1": rng.normal(size=(4, 4)) * 0.8, "b1": rng.normal(size=4) * 0.3,
           "W2": rng.normal(size=(2, 4)), "b2": rng.normal(size=2) * 0.3}
    N = len(X)

    def forward(p):
        H = np.tanh(X @ p["W1"].T + p["b1"])
        return H, H @ p["W2"].T + p["b2"]

    def loss(p):
        _, out = forward(p)
        return float(0.5 * np.sum((out - Y) ** 2) / N)

    def grads(p):
        H, out = forward(p)
        d_out = (out - Y) / N
        dZ = (d_out @ p["W2"]) * (1.0 - H**2)
        return {"W1": dZ.T @ X, "b1": dZ.sum(0), "W2": d_out.T @ H, "b2": d_out.sum(0)}

    return Model("mlp_tanh", phi, loss, grads, targets=("W1", "W2"), square=("W1",),
                 extra={"X": X, "Y": Y})


# --- 2. logistic regression, softmax cross-entropy ------------------------------------------

def softmax_xent() -> Model:
    rng = np.random.default_rng(2)
    X = rng.normal(size=(8, 3))
    y = np.array([0, 1, 2, 1, 0, 2, 2, 1])
    phi = {"W": rng.normal(size=(3, 3)), "b": rng.normal(size=3) * 0.5}
    N = len(X)
    onehot = np.eye(3)[y]

    def loss(p):
        return float(-np.sum(_log_softmax(X @ p["W"] + p["b"])[np.arange(N), y]) / N)

    def grads(p):
        dS = (_softmax(X @ p["W"] + p["b"]) - onehot) / N
        return {"W": X.T @ dS, "b": dS.sum(0)}

    return Model("softmax_xent", phi, loss, grads, targets=("W", "b"), square=("W",),
                 extra={"X": X, "y": y})


# --- 3. 1-D convolution (3 channels, kernel 3) + ReLU, squared error -------------------------
#     every pre-activation is at least 0.4 from 0: smooth at every scale's default step

def conv_relu() -> Model:
    x = np.array([0.9, -0.4, 1.1, 0.3, -1.2, 0.7, 0.2, -0.8, 1.3, -0.5, 0.6, 1.0])
    windows = np.lib.stride_tricks.sliding_window_view(x, 3)  # (10, 3)
    phi = {"w": np.array([[0.8, -0.5, 0.3], [-0.6, 0.9, 0.4], [0.2, 0.7, -1.1]]),
           "b": np.array([0.5, -0.2, 0.3])}
    T = np.random.default_rng(3).normal(size=(3, 10))

    def pre(p):
        return p["w"] @ windows.T + p["b"][:, None]  # (3, 10)

    def loss(p):
        return float(0.5 * np.sum((np.maximum(pre(p), 0.0) - T) ** 2))

    def grads(p):
        z = pre(p)
        dz = (np.maximum(z, 0.0) - T) * (z > 0)
        return {"w": dz @ windows, "b": dz.sum(1)}

    return Model("conv_relu", phi, loss, grads, targets=("w",), square=("w",),
                 extra={"x": x, "T": T, "windows": windows})


# --- 4. max-pool (window 2) of a feature map, linear read-out, squared error ---------------

def _maxpool_model(name: str, tie: bool) -> Model:
    xf = np.array([[0.3, 1.2, -0.4, 0.5, 2.0, 0.9, -1.0, -0.3],
                   [1.1, -0.2, 0.8, 1.6, -0.7, 0.1, 0.4, 1.5]])
    w = np.array([0.4, -0.3, 1.5, 0.2])  # window 2 of each row gets the largest gradient
    t = np.array([-1.0, 2.5])
    if tie:  # row 0, window 2 = (2.0, 0.9): make it a tie (2.0, 2.0) — the largest |gradient|
        xf[0, 5] = xf[0, 4]

    def pooled(x):
        win = x.reshape(2, 4, 2)
        return win.max(-1), win.argmax(-1)  # argmax: the first of a tie

    def loss(p):
        P, _ = pooled(p["x"])
        return float(0.5 * np.sum((P @ p["w"] - t) ** 2))

    def grads(p):
        P, arg = pooled(p["x"])
        r = P @ p["w"] - t  # (2,)
        dP = r[:, None] * p["w"][None, :]
        gx = np.zeros((2, 4, 2))
        np.put_along_axis(gx, arg[..., None], dP[..., None], axis=-1)
        return {"x": gx.reshape(2, 8), "w": P.T @ r}

    kinks = {"x": [4, 5]} if tie else None
    return Model(name, {"x": xf, "w": w}, loss, grads, targets=("x", "w"), kinks=kinks)


def maxpool() -> Model:
    return _maxpool_model("maxpool", tie=False)


def maxpool_tie() -> Model:
    return _maxpool_model("maxpool_tie", tie=True)


# --- 5. linear layer + layer normalisation + affine, squared error --------------------------

def layernorm() -> Model:
    rng = np.random.default_rng(5)
    X = rng.normal(size=(5, 4))
    T = rng.normal(size=(5, 4))
    phi = {"W": rng.normal(size=(4, 4)), "gamma": 1.0 + 0.3 * rng.normal(size=4),
           "beta": 0.3 * rng.normal(size=4)}
    N, eps_ln = len(X), 1e-5

    def normed(p):
        H = X @ p["W"]
        mu = H.mean(-1, keepdims=True)
        sd = np.sqrt(((H - mu) ** 2).mean(-1, keepdims=True) + eps_ln)
        return (H - mu) / sd, sd

    def loss(p):
        n, _ = normed(p)
        return float(0.5 * np.sum((p["gamma"] * n + p["beta"] - T) ** 2) / N)

    def grads(p):
        n, sd = normed(p)
        dY = (p["gamma"] * n + p["beta"] - T) / N
        dn = dY * p["gamma"]
        dH = (dn - dn.mean(-1, keepdims=True) - n * (dn * n).mean(-1, keepdims=True)) / sd
        return {"W": X.T @ dH, "gamma": (dY * n).sum(0), "beta": dY.sum(0)}

    return Model("layernorm", phi, loss, grads, targets=("W", "gamma"), square=("W",),
                 extra={"X": X, "T": T})


# --- 6. one-head self-attention softmax(QKᵀ/√d)V, squared error -----------------------------

def attention() -> Model:
    rng = np.random.default_rng(6)
    X = rng.normal(size=(4, 3))
    T = rng.normal(size=(4, 3))
    phi = {"Wq": rng.normal(size=(3, 3)), "Wk": rng.normal(size=(3, 3)), "Wv": rng.normal(size=(3, 3))}
    scale = 1.0 / np.sqrt(3.0)

    def forward(p):
        Q, K, V = X @ p["Wq"], X @ p["Wk"], X @ p["Wv"]
        A = _softmax(Q @ K.T * scale)
        return Q, K, V, A, A @ V

    def loss(p):
        return float(0.5 * np.sum((forward(p)[-1] - T) ** 2))

    def grads(p):
        Q, K, V, A, out = forward(p)
        d_out = out - T
        dA = d_out @ V.T
        dS = A * (dA - (dA * A).sum(-1, keepdims=True)) * scale
        return {"Wq": X.T @ (dS @ K), "Wk": X.T @ (dS.T @ Q), "Wv": X.T @ (A.T @ d_out)}

    return Model("attention", phi, loss, grads, targets=("Wq", "Wv"), square=("Wq", "Wv"),
                 extra={"X": X, "T": T})


# --- 7. linear regression with the Huber loss (δ = 1; residuals ≥ 0.25 from ±δ) --------------

def huber() -> Model:
    X = np.array([[0.5, -1.0, 0.3, 0.8], [1.2, 0.4, -0.6, 0.1], [-0.3, 0.9, 1.1, -0.5],
                  [0.7, 0.2, -0.4, 1.3], [-1.0, -0.6, 0.5, 0.2], [0.1, 1.4, -0.2, -0.9]])
    phi = {"w": np.array([0.6, -0.8, 0.4, 1.1]), "b": np.array([0.2])}
    y = np.array([2.5, -1.0, 0.3, -0.5, 1.9, 0.0])
    delta, N = 1.0, len(X)

    def residual(p):
        return X @ p["w"] + p["b"][0] - y

    def loss(p):
        r = residual(p)
        a = np.abs(r)
        return float(np.sum(np.where(a <= delta, 0.5 * r**2, delta * (a - 0.5 * delta))) / N)

    def grads(p):
        psi = np.clip(residual(p), -delta, delta) / N
        return {"w": X.T @ psi, "b": np.array([psi.sum()])}

    return Model("huber", phi, loss, grads, targets=("w",), extra={"X": X, "y": y})


# --- 8. embedding lookup (one row unused) + linear + softmax cross-entropy ------------------

def embedding() -> Model:
    rng = np.random.default_rng(8)
    ids = np.array([0, 3, 1, 3, 4, 0, 2, 3])  # row 5 is never looked up: an exact zero gradient
    y = np.array([1, 0, 2, 2, 1, 0, 1, 2])
    phi = {"E": rng.normal(size=(6, 3)), "W": rng.normal(size=(3, 3))}
    N = len(ids)
    onehot = np.eye(3)[y]

    def loss(p):
        return float(-np.sum(_log_softmax(p["E"][ids] @ p["W"])[np.arange(N), y]) / N)

    def grads(p):
        H = p["E"][ids]
        dS = (_softmax(H @ p["W"]) - onehot) / N
        gE = np.zeros_like(p["E"])
        np.add.at(gE, ids, dS @ p["W"].T)
        return {"E": gE, "W": H.T @ dS}

    return Model("embedding", phi, loss, grads, targets=("E", "W"), square=("W",),
                 extra={"ids": ids, "y": y})


# --- 9. ReLU MLP with one pre-activation exactly 0 (relu'(0) = 1), at the probe's element ----

def relu_kink() -> Model:
    rng = np.random.default_rng(9)
    X = rng.normal(size=(6, 4))
    Y = rng.normal(size=(6, 2))
    W1 = rng.normal(size=(4, 4)) * 0.8
    W2 = rng.normal(size=(2, 4)) * 0.5
    W2[:, 2] = [2.5, -2.0]  # unit 2 has the largest outgoing weights ...
    b1 = 0.3 + 0.1 * rng.normal(size=4)
    b2 = rng.normal(size=2) * 0.3
    A = X @ W1.T  # the same product the forward computes, so z[n, 2] == 0.0 exactly below
    N = len(X)

    def jump(n):  # |∂J/∂z[n, 2]| with sample n on the kink of unit 2
        b = b1.copy()
        b[2] = -A[n, 2]
        H = np.where(A + b >= 0, A + b, 0.0)
        return abs(((H @ W2.T + b2 - Y) / N) @ W2[:, 2])[n]

    kinked = max(range(N), key=jump)  # ... and the sample with the largest slope jump sits on it
    b1[2] = -A[kinked, 2]
    phi = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}

    def forward(p):
        Z = X @ p["W1"].T + p["b1"]
        H = np.where(Z >= 0, Z, 0.0)
        return Z, H, H @ p["W2"].T + p["b2"]

    def loss(p):
        return float(0.5 * np.sum((forward(p)[-1] - Y) ** 2) / N)

    def grads(p):
        Z, H, out = forward(p)
        d_out = (out - Y) / N
        dZ = (d_out @ p["W2"]) * (Z >= 0)
        return {"W1": dZ.T @ X, "b1": dZ.sum(0), "W2": d_out.T @ H, "b2": d_out.sum(0)}

    # the kink moves with b1[2] and with every W1[2, k] (X[kinked, k] != 0)
    return Model("relu_kink", phi, loss, grads, targets=("W1", "W2"), square=("W1",),
                 kinks={"b1": [2], "W1": [8, 9, 10, 11]}, extra={"X": X, "Y": Y})


# --- 10. maxout unit h = max_k (XW)_k (an amax over 4 pieces) with a tie at the probe's element --
#      scores summed element-wise (no BLAS/FMA) so the dyadic tie is exact at every scale

def amax_tie() -> Model:
    X = np.array([[2.0, 2.0, 1.5], [0.3, -0.7, 1.1], [-1.2, 0.4, 0.6], [0.8, 1.3, -0.9]])
    W = np.array([[0.1, 0.75, 0.25, -0.4], [-0.3, 0.25, 0.75, 0.6], [0.2, 0.5, 0.5, -0.1]])
    # sample 0: pieces 1 and 2 tie exactly (2·0.75 + 2·0.25 + 1.5·0.5 = 2.75 both)
    t = np.array([-2.0, 0.5, 0.8, 1.0])
    lam, N = 0.05, len(X)

    def scores(p):
        return (X[:, :, None] * p["W"][None, :, :]).sum(axis=1)  # (4, 4)

    def loss(p):
        h = scores(p).max(-1)
        return float(0.5 * np.sum((h - t) ** 2) / N + 0.5 * lam * np.sum(p["W"] ** 2))

    def grads(p):
        S = scores(p)
        dS = np.zeros_like(S)
        dS[np.arange(N), S.argmax(-1)] = (S.max(-1) - t) / N  # argmax: the first of a tie
        return {"W": X.T @ dS + lam * p["W"]}

    # W[:, 1] and W[:, 2] (flat 1, 2, 5, 6, 9, 10): every X[0, j] != 0
    return Model("amax_tie", {"W": W}, loss, grads, targets=("W",),
                 kinks={"W": [1, 2, 5, 6, 9, 10]}, extra={"X": X, "t": t})


SMOOTH = {m.__name__: m for m in (mlp_tanh, softmax_xent, conv_relu, maxpool, layernorm, attention, huber,
                                  embedding)}
KINKED = {m.__name__: m for m in (maxpool_tie, relu_kink, amax_tie)}
MODELS = {**SMOOTH, **KINKED}


# --------------------------------------------------------------------------------------------
# cases: θ = s·φ, J(θ) = f(θ/s) + c, g = g_φ(θ/s)/s; bugs planted in g
# --------------------------------------------------------------------------------------------

def scaled(model: Model, scales: dict, c: float):
    """params θ (fresh arrays), loss(θ) = f(θ/s) + c and the correct grads at θ."""
    theta = {k: v * scales[k] for k, v in model.phi.items()}

    def phi_of(params):
        return {k: params[k] / scales[k] for k in params}

    def loss(params):
        return model.loss(phi_of(params)) + c

    g_phi = model.grads(phi_of(theta))
    grads = {k: g_phi[k] / scales[k] for k in theta}
    return theta, loss, grads


def largest(g: np.ndarray) -> int:
    return int(np.argmax(np.abs(g).reshape(-1)))


def mid_size(g: np.ndarray, avoid=()) -> int:
    """The element whose |g| is closest to 0.3·max|g| over the elements not avoided (kinks)."""
    a = np.abs(g).reshape(-1).copy()
    a[list(avoid)] = np.nan
    return int(np.nanargmin(np.abs(a - 0.3 * np.nanmax(a))))


def plant(grads: dict, target: str, bug: str, avoid=()) -> dict:
    """A copy of grads with one bug in grads[target]."""
    out = {k: v.copy() for k, v in grads.items()}
    g = out[target]
    flat = g.reshape(-1)
    if bug == "x1.01_largest":
        flat[largest(g)] *= 1.01
    elif bug == "x1.01_mid":
        flat[mid_size(g, avoid)] *= 1.01
    elif bug == "signflip_mid":
        flat[mid_size(g, avoid)] *= -1.0
    elif bug == "x2":
        out[target] = g * 2.0
    elif bug == "x0.5":
        out[target] = g * 0.5
    elif bug == "transpose":
        out[target] = g.T.copy()
    else:
        raise ValueError(bug)
    return out


BUGS = ("x1.01_largest", "x1.01_mid", "signflip_mid", "x2", "x0.5", "transpose")
SCALES = (1e-4, 1e-2, 1.0, 1e2, 1e3, 1e4)  # 1e3: the issue's |θ| ≈ 1e2…1e3
CONSTANTS = (0.0, 1e3, 1e6, 1e8)


def bugs_of(model: Model, target: str):
    return [b for b in BUGS if b != "transpose" or target in model.square]


def bug_on_kink(model: Model, target: str, bug: str) -> bool:
    """Does the bug touch only kink elements (so it cannot be seen: inconclusive is fair)?"""
    if not model.kinks or target not in model.kinks:
        return False
    kinked = set(model.kinks[target])
    g = model.grads(model.phi)[target]
    if bug == "x1.01_largest":
        return largest(g) in kinked
    return False  # mid-size elements avoid the kinks; whole-tensor bugs touch smooth elements


# --------------------------------------------------------------------------------------------
# the bookkeeping behind test_summary
# --------------------------------------------------------------------------------------------

RESULTS: Counter = Counter()


def record(kind: str, status: str) -> None:
    RESULTS["cases"] += 1
    RESULTS[f"{kind}:{status}"] += 1


def fmt(x: float) -> str:
    """1e-4, 1e-2, 1, 1e2, 1e4; 0, 1e3, 1e6, 1e8 (ids that read like the numbers)."""
    if x in (0.0, 1.0):
        return str(int(x))
    mantissa, exponent = f"{x:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


# (s, c) grid of the bug cases: every scale at c = 0, every constant at s = 1, and the corners
# where both hurt; correct gradients run on the full cross SCALES × CONSTANTS (they are cheap)
BUG_GRID = ([(s, 0.0) for s in SCALES] + [(1.0, c) for c in CONSTANTS[1:]]
            + [(1e-4, 1e6), (1e4, 1e6), (1e-2, 1e8), (1e2, 1e8), (1e2, 1e3)])


def scale_sweep_cases():
    """Smooth models: bugs in their first target; kinked models: bugs in every target."""
    for name, make in MODELS.items():
        model = make()
        targets = model.targets if model.kinks else model.targets[:1]
        for s in SCALES:
            for c in CONSTANTS:
                base = f"{name}-s{fmt(s)}-c{fmt(c)}"
                yield pytest.param(name, s, c, None, None, id=f"{base}-correct")
                if (s, c) not in BUG_GRID:
                    continue
                for target in targets:
                    for bug in bugs_of(model, target):
                        yield pytest.param(name, s, c, target, bug, id=f"{base}-{target}-{bug}")


def mixed_cases():
    """Two tensors of one model at 1e-3 and 1e3 (both orders); every other tensor at 1."""
    for name in ("mlp_tanh", "softmax_xent", "layernorm", "attention", "embedding", "maxpool", "relu_kink"):
        model = MODELS[name]()
        a, b = list(model.phi)[:2] if name != "relu_kink" else ("W1", "W2")
        for small, big in ((a, b), (b, a)):
            for c in (0.0, 1e6):
                base = f"{name}-{small}@1e-3-{big}@1e3-c{fmt(c)}"
                yield pytest.param(name, small, big, c, None, None, id=f"{base}-correct")
                for target in (small, big):
                    for bug in bugs_of(model, target):
                        yield pytest.param(name, small, big, c, target, bug, id=f"{base}-{target}-{bug}")


def judge(model: Model, theta, loss, grads, bug, target) -> str:
    report = check_gradient(loss, theta, grads)
    status = status_of(report)
    kinked = model.kinks is not None
    if bug is None:
        record("correct", status)
        assert status != "failed", f"correct gradient FAILED:\n{report}"
        if not kinked:
            assert status == "passed", f"correct gradient of a smooth loss at the default step is {status}:\n{report}"
        else:
            assert status in ("passed", "inconclusive"), status
    else:
        record("bug", status)
        assert status != "passed", f"planted bug {target}:{bug} PASSED:\n{report}"
        if not bug_on_kink(model, target, bug):
            assert status == "failed", f"planted bug {target}:{bug} on smooth elements is {status}:\n{report}"
    return status


@pytest.mark.parametrize("name, s, c, target, bug", list(scale_sweep_cases()))
def test_scale_and_constant_sweep(name, s, c, target, bug):
    model = MODELS[name]()
    scales = dict.fromkeys(model.phi, s)
    theta, loss, grads = scaled(model, scales, c)
    if bug is not None:
        grads = plant(grads, target, bug, avoid=(model.kinks or {}).get(target, ()))
    judge(model, theta, loss, grads, bug, target)


@pytest.mark.parametrize("name, small, big, c, target, bug", list(mixed_cases()))
def test_mixed_scales_across_tensors(name, small, big, c, target, bug):
    model = MODELS[name]()
    scales = dict.fromkeys(model.phi, 1.0)
    scales[small], scales[big] = 1e-3, 1e3
    theta, loss, grads = scaled(model, scales, c)
    if bug is not None:
        grads = plant(grads, target, bug, avoid=(model.kinks or {}).get(target, ()))
    judge(model, theta, loss, grads, bug, target)


# --------------------------------------------------------------------------------------------
# preconditions: the cases are what they claim to be (checked without the checker)
# --------------------------------------------------------------------------------------------

def _central(model: Model, name: str, i: int, h: float) -> tuple[float, float, float]:
    """(J₊ − J₀)/h, (J₀ − J₋)/h and the central difference at flat element i of φ[name]."""
    p = {k: v.copy() for k, v in model.phi.items()}
    J0 = model.loss(p)
    flat = p[name].reshape(-1)
    x = flat[i]
    flat[i] = x + h
    Jp = model.loss(p)
    flat[i] = x - h
    Jm = model.loss(p)
    return (Jp - J0) / h, (J0 - Jm) / h, (Jp - Jm) / (2 * h)


@pytest.mark.parametrize("name", list(SMOOTH))
def test_precondition_smooth_models_have_no_kink_within_the_largest_step(name):
    """At the largest φ-space step any case uses (6e-6 absolute at s = 1e-4, i.e. 0.06 in φ),
    one-sided differences agree to O(h·f''): no ReLU, max or Huber switch is crossed."""
    model = MODELS[name]()
    g = model.grads(model.phi)
    for k, p in model.phi.items():
        for i in range(p.size):
            right, left, _ = _central(model, k, i, 0.0607)
            small_right, small_left, _ = _central(model, k, i, 1e-3)
            # second difference scales with h for a smooth loss: 60x the step → ~60x the gap
            assert abs(right - left) <= 80 * abs(small_right - small_left) + 1e-9, (k, i)
        assert np.isfinite(g[k]).all()


@pytest.mark.parametrize("name", list(KINKED))
def test_precondition_kinks_sit_at_the_point_and_at_the_probes_element(name):
    """Each listed element has a slope jump at φ; the probe's favourite element of the tensor
    (largest min(|g|, |numeric|)) is one of them; other elements are smooth."""
    model = MODELS[name]()
    g = model.grads(model.phi)
    h = 1e-7
    for k, kinked in model.kinks.items():
        numeric = np.array([_central(model, k, i, h)[2] for i in range(model.phi[k].size)])
        favourite = int(np.argmax(np.minimum(np.abs(g[k].reshape(-1)), np.abs(numeric))))
        assert favourite in kinked, (k, favourite, kinked)
        for i in range(model.phi[k].size):
            right, left, _ = _central(model, k, i, h)
            if i in kinked:
                assert abs(right - left) > 1e-3, (k, i)
            else:
                assert abs(right - left) < 1e-5, (k, i)


@pytest.mark.parametrize("name", [n for n, m in MODELS.items() if m().square])
def test_precondition_transposed_gradients_differ(name):
    model = MODELS[name]()
    g = model.grads(model.phi)
    for k in model.square:
        assert np.abs(g[k] - g[k].T).max() >= 0.1 * np.abs(g[k]).max(), k


@pytest.mark.parametrize("name", list(MODELS))
def test_precondition_mid_size_elements_are_real_gradients(name):
    model = MODELS[name]()
    g = model.grads(model.phi)
    for k in model.targets:
        avoid = (model.kinks or {}).get(k, [])
        i = mid_size(g[k], avoid)
        smooth = np.delete(np.abs(g[k]).reshape(-1), avoid)
        assert i not in avoid and abs(g[k].reshape(-1)[i]) >= 0.1 * smooth.max(), (k, i)


def test_summary():
    """Counts over the cases run before this test (it is the file's last): print with -rA or -s."""
    correct = {k.split(":")[1]: v for k, v in RESULTS.items() if k.startswith("correct:")}
    bug = {k.split(":")[1]: v for k, v in RESULTS.items() if k.startswith("bug:")}
    print(f"\nadversarial cases: {RESULTS['cases']}")
    print(f"  correct gradients: {sum(correct.values())}  {dict(sorted(correct.items()))}")
    print(f"  planted bugs:      {sum(bug.values())}  {dict(sorted(bug.items()))}")
    print(f"  FAILED on a correct gradient: {correct.get('failed', 0)}")
    print(f"  PASSED on a planted bug:      {bug.get('passed', 0)}")
    print(f"  inconclusive:                 {correct.get('inconclusive', 0) + bug.get('inconclusive', 0)}")
