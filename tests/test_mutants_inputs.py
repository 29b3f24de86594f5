"""helpers.gradcheck.inputs — bad grads and a loss that changes its input: each message names the
parameter and the fix (written for the mutation run, make mutation; tests/README.md)."""

import numpy as np
import pytest

from helpers.gradcheck import check_gradient

THETA = np.array([0.5, -1.0])


def square(t):
    return float(t @ t)


def test_grads_of_the_wrong_kind_name_what_was_given():
    # kills: type(None).__name__ in both messages
    with pytest.raises(TypeError, match=r"^params is one array, so grads must be one array of shape \(2,\), but got "
                                        r"list$"):
        check_gradient(square, THETA.copy(), [1.0, -2.0])
    with pytest.raises(TypeError, match=r"^params is a dict, so grads must be a dict .* but got ndarray$"):
        check_gradient(lambda p: square(p["w"]), {"w": THETA.copy()}, 2 * THETA)
    with pytest.raises(TypeError, match=r"^grads\['w'\] must be a NumPy array, but got list; use np.asarray$"):
        check_gradient(lambda p: square(p["w"]), {"w": THETA.copy()}, {"w": [1.0, -2.0]})


def test_grads_with_extra_keys_say_how_to_rename_them():
    # kills: the fix "(e.g. 'dW1' → 'W1') or drop them" mutated
    with pytest.raises(ValueError, match=r"grads has keys \['dw'\] that are not in params \['w'\]; rename them to "
                                         r"match \(e\.g\. 'dW1' → 'W1'\) or drop them$"):
        check_gradient(lambda p: square(p["w"]), {"w": THETA.copy()}, {"w": 2 * THETA, "dw": 2 * THETA})


def test_a_single_array_grads_is_named_grads_and_its_shape_hints():
    # kills: the label "grads" of a single array mutated, plabel with single=None, the hints replaced
    W = np.ones((2, 3))
    with pytest.raises(ValueError, match=r"^grads has shape \(3, 2\) but theta has shape \(2, 3\) — transposed\? "
                                         r"\(return grads\.T"):
        check_gradient(lambda t: float(np.sum(t**2)), W.copy(), np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"^grads has shape \(1, 3\) but theta has shape \(3,\) \(keepdims=True in "
                                         r"the sum\?\)$"):
        check_gradient(lambda t: float(np.sum(t**2)), np.ones(3), np.ones((1, 3)))
    with pytest.raises(ValueError, match=r"^grads has shape \(4,\) but theta has shape \(3,\)$"):
        check_gradient(lambda t: float(np.sum(t**2)), np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match=r"^grads has shape \(2, 2\) but theta has shape \(2, 3\)$"):
        check_gradient(lambda t: float(np.sum(t**2)), W.copy(), np.ones((2, 2)))


def test_a_loss_that_changes_its_input_is_told_to_work_on_copies():
    # kills: the fixes "a loss must not modify the dict it is given — params restored" and
    # "(no in-place updates such as W -= …" / "work on copies — params restored" mutated
    def adds_a_key(p):
        p["extra"] = 1.0
        return square(p["w"])

    with pytest.raises(ValueError, match=r"a loss must not modify the dict it is given — params restored$"):
        check_gradient(adds_a_key, {"w": THETA.copy()}, {"w": 2 * THETA})

    def clips(t):
        np.clip(t, -0.75, 0.75, out=t)
        return square(t)

    with pytest.raises(ValueError, match=r"no in-place updates such as W -= …, \+=, np\.clip\(\.\.\., out=…\)\); "
                                         r"work on copies — params restored$"):
        check_gradient(clips, THETA.copy(), 2 * THETA)


def test_the_keepdims_hint_only_for_shapes_that_differ_by_ones_and_a_nonfinite_gradient_says_where_to_look():
    # kills: the keepdims test with `or`, with `n != 2`; the fix for a non-finite gradient mutated
    with pytest.raises(ValueError, match=r"^grads has shape \(1, 2\) but theta has shape \(2,\) \(keepdims=True"):
        check_gradient(square, THETA.copy(), np.ones((1, 2)))
    with pytest.raises(ValueError, match=r"^grads has shape \(6,\) but theta has shape \(2, 3\)$"):
        check_gradient(lambda t: float(np.sum(t**2)), np.ones((2, 3)), np.ones(6))
    with pytest.raises(ValueError, match=r"^grads\[1\] is nan: the analytic gradient must be finite — look for a "
                                         r"log\(0\), a division by zero or an overflow in the backward$"):
        check_gradient(square, THETA.copy(), np.array([1.0, np.nan]))
