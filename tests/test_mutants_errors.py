"""helpers.gradcheck.errors — relative_error and gradient_difference, value by value and message by
message (written for the mutation run, make mutation; tests/README.md)."""

import warnings

import numpy as np
import pytest

from helpers.gradcheck import gradient_difference, relative_error


def test_relative_error_values():
    a = np.array([1.0, 0.0, 0.0, 2.0, -1.0, 3.0])
    b = np.array([1.5, 0.0, 4.0, -2.0, -1.0, 2.0])
    expected = [0.5 / 1.5, 0.0, 1.0, 2.0, 0.0, 1.0 / 3.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")           # 0/0 is handled, not warned about
        got = relative_error(a, b)
    assert got.dtype == np.float64 and got.shape == (6,)
    assert np.allclose(got, expected, rtol=1e-15, atol=0)
    assert relative_error(np.float32(1.0), np.float32(1.5)) == pytest.approx(1 / 3, rel=1e-15)


def test_relative_error_names_both_shapes():
    with pytest.raises(ValueError, match=r"^relative_error needs equal shapes, got a.shape=\(2,\) and b.shape=\(3,\)$"):
        relative_error(np.ones(2), np.ones(3))


def test_gradient_difference_values():
    g = {"W": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    n = {"W": np.array([0.0, 0.0]), "b": np.array([[0.0]])}
    assert gradient_difference(g, n) == 1.0                       # ‖g‖ / (‖g‖ + 0)
    n2 = {"W": np.array([3.0, 0.0]), "b": np.array([[0.0]])}
    assert gradient_difference(g, n2) == pytest.approx(4.0 / (5.0 + 3.0), rel=1e-15)
    assert gradient_difference(np.zeros(3), np.zeros(3)) == 0.0
    assert gradient_difference(np.array([1.0, 2.0], dtype=np.float32), np.array([1.0, 2.0], dtype=np.float32)) == 0.0
    for size in (1e-200, 1e200):                 # squares would underflow to 0 / overflow to inf
        assert gradient_difference(np.array([1.0, 2.0]) * size, np.array([2.0, 4.0]) * size) == pytest.approx(1 / 3)


def test_gradient_difference_names_what_does_not_match():
    with pytest.raises(ValueError, match=r"^grads and numeric must have the same keys, got \['W', 'b'\] and \['W'\]$"):
        gradient_difference({"b": np.ones(1), "W": np.ones(2)}, {"W": np.ones(2)})
    with pytest.raises(ValueError, match=r"^grads\['W'\] has shape \(2,\) but numeric\['W'\] has shape \(3,\)$"):
        gradient_difference({"W": np.ones(2)}, {"W": np.ones(3)})
    with pytest.raises(TypeError, match=r"^grads must be a NumPy array or a dict"):
        gradient_difference([1.0], np.ones(1))
    with pytest.raises(TypeError, match=r"^numeric must be a NumPy array or a dict"):
        gradient_difference(np.ones(1), [1.0])


def test_relative_error_is_float64_whatever_the_input_dtype():
    # kills: the float64 conversion of a or b dropped (a long double operand would leak its dtype)
    long = np.longdouble
    for a, b, expected in [(long(1.0), 1.5, 1 / 3), (1.0, long(1.5), 1 / 3), (np.ones(2, long), np.ones(2), 0.0)]:
        got = relative_error(a, b)
        assert got.dtype == np.float64
        assert np.allclose(got, expected, rtol=1e-15, atol=0)


def test_relative_error_of_an_infinite_value_does_not_warn():
    # kills: errstate(invalid=...) dropped (inf / inf in the quotient would warn)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = relative_error(np.array([np.inf, 2.0]), np.array([1.0, 3.0]))
    assert not np.isfinite(got[0]) and got[1] == pytest.approx(1 / 3, rel=1e-15)


def test_gradient_difference_of_empty_gradients_is_zero():
    # kills: max(..., default=0.0) changed to no default or None (an empty gradient raised)
    assert gradient_difference(np.zeros(0), np.zeros(0)) == 0.0
    assert gradient_difference({"W": np.zeros((0, 3))}, {"W": np.zeros((0, 3))}) == 0.0
