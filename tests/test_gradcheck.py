import re

import numpy as np
import pytest

from helpers.derivatives import default_step
from helpers.gradcheck import gradient_difference, numerical_gradient, relative_error, tensor_scale


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


def test_default_step_is_relative_to_the_element_and_its_tensor():
    # eps=None: ε_i = default_step(1)·max(|θ_i|, s), s the median nonzero |θ| of the tensor (here 3)
    theta = np.array([0.0, 0.5, -3.0, 1e4])
    assert tensor_scale(theta) == 3.0
    steps_seen = []

    def loss(t):
        steps_seen.append(t.copy())
        return float(np.sum(t))

    numerical_gradient(loss, theta.copy())
    c = default_step(1.0, "central", np.float64)
    for i, x in enumerate(theta):
        assert steps_seen[2 * i][i] == x + c * max(abs(x), 3.0)
        assert steps_seen[2 * i + 1][i] == x - c * max(abs(x), 3.0)


@pytest.mark.parametrize("values, scale", [(np.zeros(3), 1.0), (np.array([1e-4, -2e-4, 3e-4]), 2e-4),
                                           (np.array([1e3, 1e-3, -1e-3]), 1e-3)])
def test_tensor_scale_is_the_median_nonzero_magnitude_or_1(values, scale):
    assert tensor_scale(values) == pytest.approx(scale)


def test_the_step_scales_with_the_parameters_so_the_numeric_gradient_does():
    # θ = s·φ and J(θ) = f(θ/s): the relative error of the numerical gradient is the same for every s
    phi = np.array([0.3, -1.2, 0.7])
    errors = []
    for s in (1e-4, 1.0, 1e4):
        numeric = numerical_gradient(lambda t, s=s: float(np.sum(np.sin(t / s))), s * phi)
        errors.append(np.max(np.abs(numeric * s - np.cos(phi))))
    assert max(errors) < 1e-9


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
        numerical_gradient(lambda t, calls=calls: calls.append(1) or np.sum(t**2), theta, method=method)
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


# --- check_gradient on a small ReLU/sigmoid network (written here, with its analytic gradient) --

from helpers.gradcheck import (  # noqa: E402
    GradCheckReport,
    Mismatch,
    PrecisionWarning,
    check_gradient,
    default_rtol,
)


def tiny_network(seed=0, sizes=(4, 5, 3, 1), m=6, hidden="relu"):
    """LINEAR→(RELU|TANH)→…→LINEAR→SIGMOID with mean binary cross-entropy; returns params, loss, grads_of."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((sizes[0], m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    params = {}
    for layer in range(1, len(sizes)):
        params[f"W{layer}"] = rng.standard_normal((sizes[layer], sizes[layer - 1]))
        params[f"b{layer}"] = rng.standard_normal((sizes[layer], 1)) * 0.5
    n_layers = len(sizes) - 1

    def forward(p):
        A, cache = X, [(None, X)]
        for layer in range(1, n_layers + 1):
            Z = p[f"W{layer}"] @ A + p[f"b{layer}"]
            if layer < n_layers:
                A = np.maximum(Z, 0.0) if hidden == "relu" else np.tanh(Z)
            else:
                A = Z
            cache.append((Z, A))
        logits = cache[-1][0]
        J = np.mean(np.logaddexp(0.0, logits) - Y * logits)  # cross-entropy of sigmoid(logits)
        return float(J), cache

    def loss(p):
        return forward(p)[0]

    def grads_of(p):
        _, cache = forward(p)
        dZ = (1.0 / (1.0 + np.exp(-cache[-1][0])) - Y) / m
        g = {}
        for layer in range(n_layers, 0, -1):
            A_prev = cache[layer - 1][1]
            g[f"W{layer}"] = dZ @ A_prev.T
            g[f"b{layer}"] = dZ.sum(axis=1, keepdims=True)
            if layer > 1:
                Z_prev, A_prev = cache[layer - 1]
                dA = p[f"W{layer}"].T @ dZ
                dZ = dA * (Z_prev > 0) if hidden == "relu" else dA * (1.0 - A_prev**2)
        return {name: g[name] for name in params}

    return params, loss, grads_of


def test_correct_network_passes_with_the_default_step_and_at_1e_7():
    params, loss, grads_of = tiny_network(seed=1)
    before = snapshot(params)
    grads = grads_of(params)
    for eps in (None, 1e-7):
        report = check_gradient(loss, params, grads, eps=eps)
        assert isinstance(report, GradCheckReport)
        assert report.passed and bool(report)
        assert report.failing_params == [] and report.mismatches == []
        assert report.max_relative_error < 1e-3
        assert report.difference < 1e-6
    assert snapshot(params) == before


def test_report_fields_have_the_structure_of_params():
    params, loss, grads_of = tiny_network(seed=2)
    report = check_gradient(loss, params, grads_of(params))
    assert [t.name for t in report.tensors] == list(params)
    for t in report.tensors:
        assert t.shape == params[t.name].shape
        assert t.n_checked == params[t.name].size
        assert t.n_mismatched == 0 and t.verdict.startswith("ok")
        assert report.numeric[t.name].shape == params[t.name].shape
        assert report.relative_errors[t.name].shape == params[t.name].shape
    assert report.method == "central" and report.eps is None
    assert report.tol == default_rtol(np.float64, "central")


@pytest.mark.parametrize("factor", [1 + 1e-3, 1 - 1e-3, -1.0])
def test_one_scaled_component_fails_and_is_named(factor):
    params, loss, grads_of = tiny_network(seed=3)
    grads = grads_of(params)
    grads["W2"][2, 1] *= factor
    report = check_gradient(loss, params, grads)
    assert not report.passed
    assert report.failing_params == ["W2"]
    assert [(m.name, m.index) for m in report.mismatches] == [("W2", (2, 1))]
    worst = report.mismatches[0]
    assert isinstance(worst, Mismatch)
    assert worst.analytic == grads["W2"][2, 1]
    assert np.isclose(worst.numeric, grads["W2"][2, 1] / factor, rtol=1e-6)
    assert worst.relative_error == pytest.approx(abs(1 - 1 / factor) / max(1, abs(1 / factor)), rel=1e-3)


def test_str_is_an_aligned_table_with_offenders_and_a_verdict():
    params, loss, grads_of = tiny_network(seed=3)
    grads = grads_of(params)
    grads["b1"] *= 4  # a whole tensor wrong, as with 4/m instead of 1/m
    grads["W2"][2, 1] = -grads["W2"][2, 1]
    report = check_gradient(loss, params, grads)
    text = str(report)
    lines = text.splitlines()
    assert lines[0].startswith("gradient check: central differences, default step")
    assert lines[1].split() == ["tensor", "shape", "max", "rel.", "error", "disagree/checked", "verdict"]
    rows = {line.split()[0]: line for line in lines[2:8]}
    assert list(rows) == list(params)
    assert "MISMATCH" in rows["b1"] and "MISMATCH" in rows["W2"] and rows["W1"].rstrip().endswith("ok")
    assert len({line.index("/") for line in lines[2:8]}) == 1  # the counts are aligned
    n_b1 = int(np.count_nonzero(grads["b1"]))
    assert f"{n_b1}/5" in rows["b1"] and "1/15" in rows["W2"]
    assert "W2[2, 1]" in text and "b1[" in text
    assert lines[-1].startswith(f"FAILED: {n_b1 + 1} of 47 elements disagree, in b1, W2 (0 kinks not judged)")
    assert report.failing_params == ["b1", "W2"]
    assert report.mismatches[0] == max(report.mismatches, key=lambda m: m.relative_error)
    html_text = report._repr_html_()
    assert html_text.count("<table>") == 2 and "W2[2, 1]" in html_text and "FAILED" in html_text
    assert repr(report) == text


def test_a_passing_report_prints_no_round_off_digits_but_keeps_them_in_its_fields():
    """The printing rule: a correct gradient's errors are round-off, so the text shows the band."""
    params, loss, grads_of = tiny_network(seed=3)
    report = check_gradient(loss, params, grads_of(params))
    assert report.passed
    text = str(report)
    lines = text.splitlines()
    rows = lines[2:2 + len(params)]
    assert all("  within tol.  " in row and row.endswith("ok") for row in rows), text
    assert lines[-1] == "PASSED: all 47 judged elements agree within the tolerance (0 kinks not judged)"
    assert not re.search(r"\de-\d\d", "\n".join(lines[1:])), "a round-off number was printed"
    assert 0 < report.max_relative_error < 1e-5 and 0 < report.difference < 1e-8  # exact fields kept
    assert "within tol." in report._repr_html_() and "e-1" not in report._repr_html_().split("</p>", 1)[1]


def test_str_shows_at_most_max_shown_offenders():
    params, loss, grads_of = tiny_network(seed=4, sizes=(6, 8, 1))
    grads = {name: -g for name, g in grads_of(params).items()}
    report = check_gradient(loss, params, grads, max_shown=10)
    n_bad = len(report.mismatches)
    assert n_bad > 10
    text = str(report)
    assert f"worst 10 of {n_bad} disagreeing elements:" in text
    offenders = text.split("disagreeing elements:")[1].splitlines()[2:-1]
    assert len(offenders) == 10


def test_str_of_a_single_array_names_it_theta():
    theta = np.array([1.0, -2.0, 3.0])
    report = check_gradient(cubic_loss, theta, np.array([3.0, -12.0, 27.0]))  # 3θ² has +12
    assert report.failing_params == ["theta"]
    assert report.mismatches[0][:2] == ("theta", (1,))
    assert "theta[1]" in str(report)
    assert report.tensors[0].name == "theta"


# --- kinks: the loss is not smooth within ±ε -----------------------------------------------------

def relu_regression(offset):
    """½·mean((W2·relu(W1·X + b1) − y)²) with the pre-activation z1[0, 0] placed at ``offset``."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, 4))
    y = rng.standard_normal((1, 4))
    params = {"W1": rng.standard_normal((5, 3)), "b1": rng.standard_normal((5, 1)),
              "W2": rng.standard_normal((1, 5)), "b2": np.zeros((1, 1))}
    z = params["W1"] @ X + params["b1"]
    params["b1"][0, 0] -= z[0, 0] - offset

    def forward(p):
        Z1 = p["W1"] @ X + p["b1"]
        A1 = np.maximum(Z1, 0.0)
        return Z1, A1, p["W2"] @ A1 + p["b2"]

    def loss(p):
        return float(0.5 * np.mean((forward(p)[2] - y) ** 2))

    def grads_of(p):
        Z1, A1, out = forward(p)
        d = (out - y) / X.shape[1]
        dZ1 = (p["W2"].T @ d) * (Z1 > 0)
        return {"W1": dZ1 @ X.T, "b1": dZ1.sum(axis=1, keepdims=True), "W2": d @ A1.T,
                "b2": d.sum(axis=1, keepdims=True)}

    return params, loss, grads_of


def b1_step(params):
    from helpers.gradcheck.numerical import _steps
    return float(_steps(params["b1"], None, "central")[0])


@pytest.mark.parametrize("where", [0.0, 0.05])
def test_a_relu_input_within_eps_of_zero_is_a_kink_not_a_mismatch(where):
    params, loss, grads_of = relu_regression(0.0)
    params, loss, grads_of = relu_regression(where * b1_step(params))  # the kink within ±ε/4 of the point
    grads = grads_of(params)
    report = check_gradient(loss, params, grads)
    # a kink is not a bug, but its gradient could not be checked: inconclusive, with the reason
    assert report.status == "inconclusive" and not report.passed and not report
    assert any(r.startswith("b1: 1 of 5 elements sit on kinks") for r in report.reasons), report.reasons
    assert report.verdict().startswith("INCONCLUSIVE")
    assert ("b1", (0, 0)) in report.kinks
    assert report.mismatches == []
    b1 = report.tensors[1]
    assert b1.n_kinks >= 1 and "kink" in b1.verdict and b1.n_mismatched == 0
    assert "kinks — not judged" in str(report)
    assert f"({len(report.kinks)} kink" in report.verdict()


@pytest.mark.parametrize("where", [-0.5, 0.5, 0.8, 1.5])
def test_a_kink_between_eps_over_4_and_2_eps_is_judged_with_a_smaller_step(where):
    params, loss, grads_of = relu_regression(0.0)
    params, loss, grads_of = relu_regression(where * b1_step(params))
    grads = grads_of(params)
    report = check_gradient(loss, params, grads)
    assert report.passed and report.kinks == [], str(report)
    assert report.n_measured >= 1  # the first step crossed the kink: measured again
    # and a 1 % bug there is seen (on the active side; on the inactive side the gradient is 0)
    grads["b1"][0, 0] = grads["b1"][0, 0] * 1.01 if where > 0 else 0.01 * abs(grads["W2"]).max()
    assert [(m.name, m.index) for m in check_gradient(loss, params, grads).mismatches] == [("b1", (0, 0))]


def test_a_strongly_curved_smooth_coordinate_is_not_a_kink():
    # J = Σ exp(50 θ): the one-sided differences differ by ε·J'' (the screen fires), the 5-point
    # test sees a smooth function
    theta = np.array([0.0, 0.01])
    grads = 50 * np.exp(50 * theta)
    grads[1] *= 1.001
    report = check_gradient(lambda t: float(np.sum(np.exp(50 * t))), theta, grads)
    assert report.kinks == []
    assert [(m.name, m.index) for m in report.mismatches] == [("theta", (1,))]


def test_cost_is_2n_plus_2_evaluations_plus_12_per_noise_probe():
    params, loss, grads_of = tiny_network(seed=5, hidden="tanh")
    grads = grads_of(params)
    calls = []
    report = check_gradient(lambda p: calls.append(1) or loss(p), params, grads)
    n = sum(p.size for p in params.values())
    # J(θ) twice; round-off probes: 12 calls (two fits) in ≤ 4 tensors; no element above the screen
    assert report.n_measured == 0
    assert len(calls) == 2 * n + 2 + 12 * min(4, len(params))
    assert 0 < report.loss_noise < 1e-13


# --- bad input: every error names the parameter and the fix; nothing is lost --------------------

def good_case():
    params, loss, grads_of = tiny_network(seed=6)
    return params, loss, grads_of(params)


def with_grads(change):
    params, loss, grads = good_case()
    change(grads)
    return params, loss, grads


def mutating_loss(loss, when):
    calls = []

    def bad_loss(p):
        calls.append(1)
        if len(calls) == when:
            p["W1"][0, 0] += 1.0  # an in-place update hidden in the loss
        return loss(p)

    return bad_loss


def bad_inputs():
    cases = {}
    params, loss, grads = good_case()
    cases["missing key"] = (params, loss, {k: v for k, v in grads.items() if k != "b2"},
                            ValueError, r"grads is missing \['b2'\]")
    params, loss, grads = good_case()
    cases["extra key"] = (params, loss, {**grads, "dW9": np.zeros(2)}, ValueError, r"\['dW9'\].*rename")
    cases["shape"] = (*with_grads(lambda g: g.update(b1=g["b1"].ravel())), ValueError,
                      r"grads\['b1'\] has shape \(5,\) but params\['b1'\] has shape \(5, 1\).*keepdims")
    cases["dtype"] = (*with_grads(lambda g: g.update(W3=g["W3"].astype(np.float32))), TypeError,
                      r"grads\['W3'\] has dtype float32.*astype\(np.float64\)")
    cases["nan in grads"] = (*with_grads(lambda g: g["W2"].__setitem__((1, 2), np.nan)), ValueError,
                             r"grads\['W2'\]\[1, 2\] is nan")
    cases["inf in grads"] = (*with_grads(lambda g: g["b3"].__setitem__((0, 0), -np.inf)), ValueError,
                             r"grads\['b3'\]\[0, 0\] is -inf")
    params, loss, grads = good_case()
    cases["non-scalar loss"] = (params, lambda p: np.full(3, loss(p)), grads, ValueError, "single number")
    params, loss, grads = good_case()
    cases["nan loss"] = (params, lambda p: np.nan, grads, ValueError, "unperturbed.*clip")
    params, loss, grads = good_case()
    cases["inf loss after a step"] = (
        params, lambda p: np.inf if p["b2"][1, 0] != grads_b2_1 else loss(p), grads, ValueError,
        r"params\['b2'\]\[1, 0\] moved by \+eps")
    params, loss, grads = good_case()
    cases["mutating loss, first call"] = (params, mutating_loss(loss, 1), grads, ValueError,
                                          r"modified its input during the first.*W1\[0, 0\]")
    params, loss, grads = good_case()
    cases["mutating loss, later call"] = (params, mutating_loss(loss, 30), grads, ValueError,
                                          "modified its input while the parameters were perturbed")
    params, loss, grads = good_case()

    def rebinding_loss(p, loss=loss):
        value = loss(p)
        p["b1"] = p["b1"] + 0.0
        return value

    cases["rebinding loss"] = (params, rebinding_loss, grads, ValueError, r"replaced params\['b1'\]")
    params, loss, grads = good_case()
    cases["integer params"] = ({**params, "b3": np.array([[1]])}, loss, {**grads, "b3": np.array([[1]])},
                               TypeError, r"params\['b3'\].*integer.*astype\(float\)")
    params, loss, grads = good_case()
    calls = []

    def raising_loss(p):
        calls.append(1)
        if len(calls) == 17:
            raise ZeroDivisionError("the loss itself failed")
        return loss(p)

    cases["loss raises"] = (params, raising_loss, grads, ZeroDivisionError, "itself")
    params, loss, grads = good_case()
    cases["integer loss"] = (params, lambda p: int(loss(p) * 100), grads, TypeError,
                             r"loss returned the integer \d+ at the unperturbed params.*Return the cost as a float")
    params, loss, grads = good_case()
    cases["loss returns None"] = (params, lambda p: None, grads, TypeError, r"returned None.*`return` missing")
    params, loss, grads = good_case()
    cases["transposed grads"] = (*with_grads(lambda g: g.update(W2=g["W2"].T.copy())), ValueError,
                                 r"grads\['W2'\] has shape \(5, 3\) "
                                 r"but params\['W2'\] has shape \(3, 5\) — transposed\?")
    cases["zero-size tensors only"] = ({"w": np.zeros((0, 3))}, lambda p: 0.0, {"w": np.zeros((0, 3))}, ValueError,
                                       r"every tensor of params \(w\) has no elements.*nothing to check")
    return cases


grads_b2_1 = tiny_network(seed=6)[0]["b2"][1, 0]
BAD_NAMES = list(bad_inputs())


@pytest.mark.parametrize("case", BAD_NAMES)
def test_bad_input_raises_naming_the_parameter_and_leaves_params_bit_identical(case):
    params, loss, grads, error, match = bad_inputs()[case]  # fresh: the losses count their calls
    before = snapshot(params)
    objects = dict(params)
    keys = list(params)
    with pytest.raises(error, match=match):
        check_gradient(loss, params, grads)
    assert list(params) == keys
    assert all(params[k] is objects[k] for k in keys)
    assert snapshot(params) == before
    for k in keys:
        assert np.array_equal(params[k], objects[k])


def test_the_keepdims_hint_is_for_singleton_axes_and_the_transpose_hint_for_swapped_ones():
    theta = np.ones((3, 1))
    with pytest.raises(ValueError, match=r"keepdims") as caught:
        check_gradient(lambda t: float(np.sum(t**2)), theta, np.ones(3))
    assert "transposed" not in str(caught.value)
    with pytest.raises(ValueError, match=r"transposed") as caught:
        check_gradient(lambda t: float(np.sum(t**2)), theta, np.ones((1, 3)))
    assert "keepdims" not in str(caught.value)


def test_a_zero_size_tensor_next_to_others_is_shown_with_nothing_checked():
    params = {"w": np.array([1.0, 2.0]), "empty": np.zeros(0)}
    report = check_gradient(lambda p: float(np.sum(p["w"] ** 2)), params, {"w": 2 * params["w"], "empty": np.zeros(0)})
    assert report.passed and [t.n_checked for t in report.tensors] == [2, 0]


def test_status_is_one_of_three_and_passed_only_for_passed():
    params, loss, grads_of = tiny_network(seed=3, hidden="tanh")
    grads = grads_of(params)
    assert check_gradient(loss, params, grads).status == "passed"
    grads["W1"][0, 0] *= 2
    report = check_gradient(loss, params, grads)
    assert report.status == "failed" and not report.passed and report.reasons == []
    assert "<p style='color:red'>" in report._repr_html_()


def test_a_big_constant_in_the_loss_does_not_hide_a_1_percent_bug():
    """Case 3 of the issue: J = 1e6 + data; the allowance u·|J|/ε used to admit 1 % errors."""
    params, loss, grads_of = tiny_network(seed=3, hidden="tanh")
    grads = grads_of(params)
    shifted = lambda p: 1e6 + loss(p)  # noqa: E731
    assert check_gradient(shifted, params, grads).passed
    i = int(np.argmax(np.abs(grads["W2"])))
    grads["W2"].reshape(-1)[i] *= 1.01
    report = check_gradient(shifted, params, grads)
    assert report.status == "failed" and report.failing_params == ["W2"]


def test_small_high_curvature_weights_are_judged_not_called_kinks():
    """Case 4 of the issue: weights ≈ 1e-4 facing inputs ≈ 1e4 — every element used to be a "kink"."""
    rng = np.random.default_rng(0)
    X = 1e4 * rng.standard_normal((3, 5))
    params = {"W": 1e-4 * rng.standard_normal((2, 3))}
    loss = lambda p: float(np.sum(np.tanh(p["W"] @ X) ** 2))  # noqa: E731

    def grads_of(p):
        T = np.tanh(p["W"] @ X)
        return {"W": (2 * T * (1 - T**2)) @ X.T}

    report = check_gradient(loss, params, grads_of(params))
    assert report.passed and report.kinks == []
    for factor in (2.0, 0.5):
        assert check_gradient(loss, params, {"W": factor * grads_of(params)["W"]}).status == "failed"


def test_a_bare_array_cannot_be_checked_against_a_dict():
    with pytest.raises(TypeError, match="grads must be one array"):
        check_gradient(cubic_loss, np.ones(2), {"theta": np.ones(2)})
    with pytest.raises(TypeError, match="grads must be a dict"):
        check_gradient(lambda p: 0.0, {"a": np.ones(2)}, np.ones(2))


def test_float32_params_warn_and_use_the_looser_tolerance():
    params, loss, grads_of = tiny_network(seed=7)
    p32 = {k: v.astype(np.float32) for k, v in params.items()}
    g32 = {k: v.astype(np.float32) for k, v in grads_of(params).items()}
    with pytest.warns(PrecisionWarning, match=r"float32.*float64"):
        report = check_gradient(loss, p32, g32)
    assert report.status != "failed"  # (with steps of 5e-3, some ReLU inputs sit within ±ε: inconclusive)
    assert report.tol == pytest.approx(np.finfo(np.float32).eps ** (1 / 3))
    assert report.tol > 100 * default_rtol(np.float64)
    g32["W1"][0, 0] *= -1 if g32["W1"][0, 0] != 0 else 1
    with pytest.warns(PrecisionWarning):
        flipped = check_gradient(loss, p32, {**g32, "W2": -g32["W2"]})
    assert "W2" in flipped.failing_params


def test_tol_and_atol_override_the_defaults():
    theta = np.array([1.0, 2.0])
    grads = np.array([3.0, 12.0]) * (1 + 1e-4)
    assert not check_gradient(cubic_loss, theta, grads).passed
    assert check_gradient(cubic_loss, theta, grads, tol=1e-3).passed
    assert check_gradient(cubic_loss, theta, grads, tol=1e-9, atol=1e-2).passed
    assert check_gradient(cubic_loss, theta, grads, tol=1e-3).tol == 1e-3
    with pytest.raises(ValueError, match="atol"):
        check_gradient(cubic_loss, theta, grads, atol=-1.0)


# --- layer by layer: numerical_vjp and compare_tensors --------------------------------------------

from helpers.gradcheck import TensorComparison, compare_tensors, numerical_vjp  # noqa: E402


def test_numerical_vjp_of_tanh_and_of_a_linear_layer():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3))
    dout = rng.standard_normal((4, 3))
    before = snapshot(x)
    assert np.allclose(numerical_vjp(np.tanh, x, dout), dout * (1 - np.tanh(x) ** 2), rtol=1e-8, atol=1e-9)
    W = rng.standard_normal((2, 4))
    d2 = rng.standard_normal((2, 3))
    assert np.allclose(numerical_vjp(lambda v: W @ v, x, d2), W.T @ d2, rtol=1e-8, atol=1e-9)
    assert np.allclose(numerical_vjp(lambda w: w @ x, W, d2), d2 @ x.T, rtol=1e-8, atol=1e-9)
    assert snapshot(x) == before


def test_numerical_vjp_of_the_identity_is_dout_even_when_f_returns_x_itself():
    x = np.linspace(-1, 1, 6).reshape(2, 3)
    dout = np.arange(6.0).reshape(2, 3)
    assert np.allclose(numerical_vjp(lambda v: v, x, dout), dout, atol=1e-9)


def test_numerical_vjp_checks_dout_and_restores_x_on_error():
    x = np.array([[0.5, -0.5]])
    before = snapshot(x)
    with pytest.raises(ValueError, match=r"dout has shape \(2,\) but f\(x\) has shape \(1, 2\)"):
        numerical_vjp(np.tanh, x, np.ones(2))
    with pytest.raises(ValueError, match=r"non-finite.*x\[0, 1\] moved by \+eps"):
        numerical_vjp(lambda v: v * (np.inf if v[0, 1] > -0.5 else 1.0), x, np.ones((1, 2)))
    with pytest.raises(TypeError, match=r"x has integer dtype.*astype\(float\)"):
        numerical_vjp(np.tanh, np.array([1, 2]), np.ones(2))
    assert snapshot(x) == before


def test_compare_tensors_prints_one_line_per_tensor_like_cmp():
    analytic = {"dW": np.array([[1.0, 2.0]]), "db": np.array([0.5]), "dx": np.array([3.0])}
    numeric = {"dW": np.array([[1.0, 2.0]]), "db": np.array([0.5 + 1e-12]), "dx": np.array([3.3])}
    comparison = compare_tensors(analytic, numeric)
    assert isinstance(comparison, TensorComparison)
    assert [tuple(row)[:3] for row in comparison.rows] == [("dW", True, True), ("db", False, True),
                                                           ("dx", False, False)]
    assert comparison.rows[2].max_diff == pytest.approx(0.3)
    assert not comparison.all_close and not comparison
    assert str(comparison).splitlines() == [
        "dW  | exact: True  | close: True  | max diff: 0.0e+00",
        "db  | exact: False | close: True  | max diff: within tol.",  # round-off digits are not printed
        "dx  | exact: False | close: False | max diff: 3.0e-01",
    ]
    assert "<table>" in comparison._repr_html_()
    assert compare_tensors(analytic, numeric, rtol=0.2).all_close
    with pytest.raises(ValueError, match="keys"):
        compare_tensors(analytic, {"dW": numeric["dW"]})
    with pytest.raises(ValueError, match=r"analytic\['db'\] has shape \(1,\)"):
        compare_tensors(analytic, {**numeric, "db": np.zeros((1, 1))})


# --- properties (Hypothesis): every correct gradient passes, every scaled component fails --------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402

PROPERTY = settings(max_examples=int(__import__("os").environ.get("GRADCHECK_EXAMPLES", 50)), deadline=None)

networks = st.builds(
    tiny_network,
    seed=st.integers(0, 2**32 - 1),
    sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4).map(lambda s: (*s, 1)),
    m=st.integers(1, 6),
    hidden=st.sampled_from(["relu", "tanh"]),
)


def quadratic(A, b, theta):
    """J(θ) = ½θᵀAθ + bᵀθ, ∇J = ½(A + Aᵀ)θ + b."""
    def loss(t):
        return float(0.5 * t @ A @ t + b @ t)

    return loss, 0.5 * (A + A.T) @ theta + b


@st.composite
def quadratics(draw):
    """(A, b, θ) with n ≤ 6 and float entries in [−5, 5] (tiny ones included)."""
    n = draw(st.integers(1, 6))
    values = st.floats(-5, 5, allow_nan=False, allow_subnormal=False)
    A = draw(arrays(np.float64, (n, n), elements=values))
    b = draw(arrays(np.float64, n, elements=values))
    theta = draw(arrays(np.float64, n, elements=values))
    return A, b, theta


def judged_component(grads, correct_report, draw_index):
    """A component the check can be asked to catch at |δ| = 1e-3, or None if there is none.

    The rule: |g_i| ≥ 1 % of the largest |g| in its tensor, and |g_i| ≥ 2000 × the threshold
    the check applied to that element for the correct gradient (``report.tolerances``), so a
    change δ·|g_i| with |δ| ≥ 1e-3 is at least twice what the check can resolve there.  In a
    well-scaled network the second condition follows from the first (the threshold is then
    ≈ 6e-6·|g_i|); it excludes gradients drowned in the loss's own round-off, e.g. a
    saturated sigmoid with J ≈ 1e-10 computed as log(1 + e^z) − z, z ≈ 23.
    """
    candidates = []
    for name, g in grads.items():
        flat = np.abs(g.reshape(-1))
        if flat.size == 0:
            continue
        floor = np.maximum(1e-2 * flat.max(), 2000 * correct_report.tolerances[name].reshape(-1))
        candidates += [(name, int(i)) for i in np.flatnonzero((flat >= floor) & (flat > 0))]
    if not candidates:
        return None
    return candidates[draw_index % len(candidates)]


@PROPERTY
@given(network=networks)
def test_property_correct_networks_pass_and_params_are_untouched(network):
    params, loss, grads_of = network
    before = snapshot(params)
    report = check_gradient(loss, params, grads_of(params))
    assert report.passed, str(report)
    assert snapshot(params) == before


@PROPERTY
@given(case=quadratics())
def test_property_quadratic_forms_pass(case):
    A, b, theta = case
    loss, grads = quadratic(A, b, theta)
    before = snapshot(theta)
    report = check_gradient(loss, theta, grads)
    assert report.status != "failed", str(report)
    if not report.passed:  # only where the whole gradient hides under round-off (θ ≈ 1e-280: J underflows)
        assert all("whole gradient is smaller" in reason for reason in report.reasons), str(report)
        assert np.abs(grads).max() < 2 * report.tolerances["theta"].max()
    assert snapshot(theta) == before


scales = st.one_of(
    st.just(-1.0),  # a flipped sign
    st.floats(1e-3, 0.5).flatmap(lambda d: st.sampled_from([1 + d, 1 - d])),
)


@PROPERTY
@given(network=networks, factor=scales, pick=st.integers(0, 10**6))
def test_property_a_scaled_network_component_fails_and_is_named(network, factor, pick):
    params, loss, grads_of = network
    grads = grads_of(params)
    correct = check_gradient(loss, params, grads)
    assert correct.passed
    chosen = judged_component(grads, correct, pick)
    if chosen is None:
        return
    name, i = chosen
    grads[name].reshape(-1)[i] *= factor
    before = snapshot(params)
    report = check_gradient(loss, params, grads)
    index = tuple(int(k) for k in np.unravel_index(i, grads[name].shape))
    assert not report.passed
    assert report.failing_params == [name]
    assert [(m.name, m.index) for m in report.mismatches] == [(name, index)]
    assert snapshot(params) == before


@PROPERTY
@given(case=quadratics(), factor=scales, pick=st.integers(0, 10**6))
def test_property_a_scaled_quadratic_component_fails_and_is_named(case, factor, pick):
    A, b, theta = case
    loss, grads = quadratic(A, b, theta)
    correct = check_gradient(loss, theta, grads)
    assert correct.status != "failed"
    if correct.status == "inconclusive":  # the whole gradient below resolution: nothing to ask (see above)
        return
    chosen = judged_component({"theta": grads}, correct, pick)
    if chosen is None:
        return
    _, i = chosen
    grads[i] *= factor
    before = snapshot(theta)
    report = check_gradient(loss, theta, grads)
    assert not report.passed
    assert [(m.name, m.index) for m in report.mismatches] == [("theta", (i,))]
    assert snapshot(theta) == before


# --- a large constant in the loss: round-off may swamp an element, and then it must not pass ------

A_LARGE = np.array([0.3, -1.2, 2.0])
THETA_LARGE = np.array([1.0, 0.5, -0.7])


@pytest.mark.parametrize("constant", [1e6, 1e9, 1e11, 1e12, 1e13, 1e14])
@pytest.mark.parametrize("bug", [0.01, 0.05, 0.5])
def test_a_bug_of_one_percent_or_more_never_passes_whatever_the_loss_constant(constant, bug):
    wrong = A_LARGE * np.array([1.0, 1.0, 1.0 + bug])
    report = check_gradient(lambda t: float(constant + A_LARGE @ t), THETA_LARGE, wrong)
    assert report.status != "passed", (constant, bug, str(report))


def test_an_element_round_off_swamps_is_inconclusive_with_the_reason_and_the_fix():
    wrong = A_LARGE * np.array([1.0, 1.0, 1.05])
    report = check_gradient(lambda t: float(1e12 + A_LARGE @ t), THETA_LARGE, wrong)
    assert report.status == "inconclusive"
    (reason,) = report.reasons
    assert reason.startswith("theta[2]")  # the worst element first
    assert "|J| = 1.0e+12" in reason and "subtract the loss's constant part" in reason
    right = check_gradient(lambda t: float(1e8 + A_LARGE @ t), THETA_LARGE, A_LARGE.copy())
    assert right.passed  # a constant of 1e8 leaves room to check to 0.5 %
    with pytest.warns(PrecisionWarning):
        float32 = check_gradient(lambda t: np.float32(1e4) + t @ A_LARGE.astype(np.float32),
                                 THETA_LARGE.astype(np.float32), (A_LARGE * [1, 1, 1.05]).astype(np.float32))
    assert float32.status == "inconclusive" and float32.reasons[0].endswith("check in float64")
