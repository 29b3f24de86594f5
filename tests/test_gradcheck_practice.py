"""helpers.gradcheck in practice (notebook 09): the directional check and per-tensor sampling.

Kept apart from test_gradcheck.py (the full element-wise check) for readability.
"""

import numpy as np
import pytest

from helpers import network
from helpers.gradcheck import DirectionalReport, check_gradient, directional_check


@pytest.fixture
def net():
    X, Y, params = network.init()
    _, cache = network.forward(X, Y, params)

    def loss(p):
        return network.forward(X, Y, p)[0]

    correct = network.backward(X, Y, cache)
    planted = network.backward_with_planted_bugs(X, Y, cache)
    return params, loss, correct, planted


def scaled(grads, name, factor):
    out = {k: v.copy() for k, v in grads.items()}
    out[name] = out[name] * factor
    return out


def snapshot(params):
    return {k: v.tobytes() for k, v in params.items()}


def counting(loss):
    """(a loss that records each call in ``calls``, calls)."""
    calls = []

    def counted(p):
        calls.append(1)
        return loss(p)

    return counted, calls


# --- directional check -----------------------------------------------------------------------------

def test_directional_check_passes_correct_gradients_in_1000_directions(net):
    params, loss, correct, _ = net
    report = directional_check(loss, params, correct, n_directions=1000, rng=1)
    assert isinstance(report, DirectionalReport)
    assert report.passed and len(report.directions) == 1000
    assert report.max_relative_error < 1e-4


@pytest.mark.parametrize("bug", ["both planted bugs", "dW2 x 2 only", "db1 x 4 only"])
def test_directional_check_never_misses_a_planted_bug_in_1000_directions(net, bug):
    params, loss, correct, planted = net
    grads = {"both planted bugs": planted, "dW2 x 2 only": scaled(correct, "W2", 2.0),
             "db1 x 4 only": scaled(correct, "b1", 4.0)}[bug]
    report = directional_check(loss, params, grads, n_directions=1000, rng=2)
    misses = sum(d.passed for d in report.directions)
    assert misses == 0  # measured miss rate: 0 of 1000 for each bug
    # the closest call over 1000 directions is still far above the tolerance (measured: >= 69 x rtol)
    assert min(d.relative_error for d in report.directions) > 10 * report.tol


def test_directional_check_on_an_mlp_with_l2_and_seeded_dropout():
    sizes = network.mlp_sizes(2_000, n_inputs=16, n_classes=4)
    params = network.mlp_init(sizes, seed=3)
    X, y = network.mlp_data(16, 4, 8, seed=4)

    def loss(p):
        return network.mlp_forward(X, y, p, l2=0.01, dropout=0.2, dropout_seed=5)[0]

    grads = network.mlp_backward(network.mlp_forward(X, y, params, l2=0.01, dropout=0.2, dropout_seed=5)[1])
    assert directional_check(loss, params, grads, n_directions=20, rng=0).passed
    one_wrong = {k: v.copy() for k, v in grads.items()}
    one_wrong["b3"][1, 0] *= 1.5  # a single wrong bias element among ~2000 parameters
    assert not directional_check(loss, params, one_wrong, n_directions=3, rng=0).passed


def test_directional_check_costs_two_evaluations_per_direction(net):
    params, loss, correct, _ = net
    counted, calls = counting(loss)
    report = directional_check(counted, params, correct, n_directions=7)
    assert len(calls) == report.n_evaluations == 2 + 2 * 7


def test_directional_check_is_reproducible_with_a_seed(net):
    params, loss, _, planted = net
    first = directional_check(loss, params, planted, n_directions=5, rng=42)
    again = directional_check(loss, params, planted, n_directions=5, rng=np.random.default_rng(42))
    other = directional_check(loss, params, planted, n_directions=5, rng=43)
    assert first.directions == again.directions and str(first) == str(again)
    assert first.directions != other.directions


def test_directional_report_says_how_to_locate_the_fault(net):
    params, loss, _, planted = net
    text = str(directional_check(loss, params, planted))
    assert "FAILED" in text and "sample=" in text and "47 parameters" in text
    assert "<table>" in directional_check(loss, params, planted)._repr_html_()


def test_directional_check_restores_params_bit_identically_also_when_loss_raises(net):
    params, loss, correct, _ = net
    before = snapshot(params)
    directional_check(loss, params, correct, n_directions=3)
    assert snapshot(params) == before
    calls = []

    def fails_on_third_call(p):
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("boom")
        return loss(p)

    with pytest.raises(RuntimeError, match="boom"):
        directional_check(fails_on_third_call, params, correct)
    assert snapshot(params) == before


@pytest.mark.parametrize("n_directions", [0, -1, 1.5, True])
def test_directional_check_rejects_a_bad_number_of_directions(net, n_directions):
    params, loss, correct, _ = net
    with pytest.raises(ValueError, match="n_directions"):
        directional_check(loss, params, correct, n_directions=n_directions)


def test_directional_check_names_a_shape_mismatch(net):
    params, loss, correct, _ = net
    wrong = dict(correct, b1=correct["b1"].ravel())
    with pytest.raises(ValueError, match="b1"):
        directional_check(loss, params, wrong)


# --- per-tensor sampling ----------------------------------------------------------------------------

def test_sampling_checks_k_elements_of_every_tensor(net):
    params, loss, correct, _ = net
    report = check_gradient(loss, params, correct, sample=2, rng=0)
    assert report.passed
    assert [t.n_checked for t in report.tensors] == [min(2, p.size) for p in params.values()]
    assert "sampled: at most 2 elements per tensor" in str(report)
    for name, p in params.items():
        checked = ~np.isnan(report.numeric[name])
        assert checked.sum() == min(2, p.size)


def test_sampling_costs_about_2k_evaluations_per_tensor(net):
    params, loss, correct, _ = net
    counted, calls = counting(loss)
    check_gradient(counted, params, correct, sample=2, rng=0)
    sampled = len(calls)
    calls.clear()
    check_gradient(counted, params, correct)
    full = len(calls)
    budget = 2 * sum(min(2, p.size) for p in params.values())  # 22
    assert budget < sampled <= budget + 2 + 4 * 6 + 16 * 6  # + J(θ) twice + the round-off probes
    assert full > 2 * 47


def test_sampling_is_reproducible_with_a_seed(net):
    params, loss, _, planted = net
    a = check_gradient(loss, params, planted, sample=3, rng=7)
    b = check_gradient(loss, params, planted, sample=3, rng=np.random.default_rng(7))
    assert str(a) == str(b)
    for name in params:
        assert np.array_equal(np.isnan(a.numeric[name]), np.isnan(b.numeric[name]))


def test_stratified_sampling_never_misses_a_small_tensor_that_uniform_sampling_usually_misses():
    sizes = network.mlp_sizes(5_000, n_inputs=32, n_classes=3)
    params = network.mlp_init(sizes, seed=0)
    X, y = network.mlp_data(32, 3, 8, seed=1)

    def loss(p):
        return network.mlp_forward(X, y, p)[0]

    grads = network.mlp_backward(network.mlp_forward(X, y, params)[1])
    grads["b3"] = grads["b3"] * 1.1  # the 3-element output bias is wrong
    k = 2
    budget = k * len(params)  # the same number of coordinates for both strategies
    n_total = network.count_parameters(params)
    uniform_rng = np.random.default_rng(0)
    b3_start = n_total - params["b3"].size  # b3 is the last tensor of the flat vector
    uniform_hits = sum(bool((uniform_rng.choice(n_total, budget, replace=False) >= b3_start).any())
                       for _ in range(1000))
    assert uniform_hits < 50  # measured: ~0.7 % of uniform draws of 12 coordinates touch b3
    for seed in range(5):
        report = check_gradient(loss, params, grads, sample=k, rng=seed)
        assert report.failing_params == ["b3"]


@pytest.mark.parametrize("sample", [0, -3, 2.5, True])
def test_sampling_rejects_a_bad_sample_size(net, sample):
    params, loss, correct, _ = net
    with pytest.raises(ValueError, match="sample"):
        check_gradient(loss, params, correct, sample=sample)


# --- a loss that is not a fixed function of params --------------------------------------------------

@pytest.mark.parametrize("check", [check_gradient, directional_check])
def test_a_random_loss_is_refused_not_passed(check):
    """Fresh dropout masks at every call: the numerical gradient is noise; the check must say so."""
    sizes = network.mlp_sizes(300, n_inputs=8, n_classes=3)
    params = network.mlp_init(sizes, seed=1)
    X, y = network.mlp_data(8, 3, 6, seed=2)
    grads = network.mlp_backward(network.mlp_forward(X, y, params, dropout=0.3, dropout_seed=3)[1])
    masks = np.random.default_rng(3)
    before = snapshot(params)
    with pytest.raises(ValueError, match=r"not a fixed function of params.*dropout"):
        check(lambda p: network.mlp_forward(X, y, p, dropout=0.3, dropout_seed=masks)[0], params, grads)
    assert snapshot(params) == before


# --- what a directional check can and cannot see -------------------------------------------------

def test_a_single_direction_misses_a_small_error_at_the_predicted_rate():
    """P(miss) ≈ (2/π)·arctan(rtol·‖∇J‖/|e|) for an error e in one element (the module's docstring)."""
    rng = np.random.default_rng(1)
    theta = rng.standard_normal(50)
    grads = theta.copy()  # J = ½‖θ‖²
    rtol = 6.055454452393343e-06
    e = 2 * rtol * np.linalg.norm(theta)  # r = rtol·‖g‖/|e| = 0.5
    grads[7] += e
    report = directional_check(lambda t: float(0.5 * t @ t), theta, grads, n_directions=1000, rng=3)
    missed = np.mean([d.passed for d in report.directions])
    predicted = 2 / np.pi * np.arctan(0.5)  # 0.295
    assert abs(missed - predicted) < 0.06, (missed, predicted)
    assert report.status == "failed"  # 1000 directions: some see it


def test_a_kink_along_a_direction_is_inconclusive_never_failed():
    from test_gradcheck import relu_regression

    params, loss, grads_of = relu_regression(0.0)  # a ReLU input exactly at its kink
    report = directional_check(loss, params, grads_of(params), n_directions=40, rng=0)
    kinks = [d for d in report.directions if d.kink]
    assert report.status == "inconclusive" and kinks, str(report)
    assert not any(not d.passed and not d.kink for d in report.directions)
    assert "INCONCLUSIVE" in report.verdict() and "kink" in str(report)
    assert report.n_evaluations > 2 + 2 * 40  # the disagreeing directions were measured again


def test_directional_status_is_passed_or_failed_on_smooth_losses(net):
    params, loss, correct, planted = net
    assert directional_check(loss, params, correct, n_directions=5).status == "passed"
    assert directional_check(loss, params, planted, n_directions=5).status == "failed"
