import numpy as np
import pytest

from helpers.derivatives import (
    central_difference,
    complex_step,
    default_step,
    derivative_errors,
    forward_difference,
    observed_order,
)


def cube(theta):
    return theta**3


# --- the seed: J(θ) = θ³ at θ = 1, ε = 0.01, true derivative 3 -------------------------------

def test_seed_one_sided_is_3_0301():
    assert np.isclose(forward_difference(cube, 1.0, 0.01), 3.0301, rtol=0, atol=1e-12)


def test_seed_two_sided_is_3_0001():
    assert np.isclose(central_difference(cube, 1.0, 0.01), 3.0001, rtol=0, atol=1e-12)


@pytest.mark.parametrize("eps", [1e-1, 1e-2, 1e-3])
def test_seed_errors_are_3eps_plus_eps2_and_eps2(eps):
    # (1+ε)³ − 1 = 3ε + 3ε² + ε³  →  one-sided error 3ε + ε²
    assert np.isclose(forward_difference(cube, 1.0, eps) - 3, 3 * eps + eps**2, rtol=1e-6)
    # ((1+ε)³ − (1−ε)³) / 2ε = 3 + ε²  →  two-sided error ε²
    assert np.isclose(central_difference(cube, 1.0, eps) - 3, eps**2, rtol=1e-6)


# --- measured order: slope of log(error) against log(ε) over ε = 1e-1 … 1e-4 ----------------

EPS_DECADES = [1e-1, 1e-2, 1e-3, 1e-4]


@pytest.mark.parametrize("f, x, exact", [(cube, 1.0, 3.0), (np.exp, 1.0, np.e), (np.sin, 0.5, np.cos(0.5))])
def test_forward_difference_is_first_order(f, x, exact):
    errors = derivative_errors(f, x, exact, EPS_DECADES, method="forward")
    assert abs(observed_order(EPS_DECADES, errors) - 1) < 0.05


@pytest.mark.parametrize("f, x, exact", [(cube, 1.0, 3.0), (np.exp, 1.0, np.e), (np.sin, 0.5, np.cos(0.5))])
def test_central_difference_is_second_order(f, x, exact):
    errors = derivative_errors(f, x, exact, EPS_DECADES, method="central")
    assert abs(observed_order(EPS_DECADES, errors) - 2) < 0.05


def test_observed_order_recovers_a_known_power():
    eps = np.array(EPS_DECADES)
    assert np.isclose(observed_order(eps, 7 * eps**3), 3.0)


def test_observed_order_rejects_zero_errors():
    with pytest.raises(ValueError, match="positive"):
        observed_order([1e-1, 1e-2], [0.0, 1.0])


# --- complex step -----------------------------------------------------------------------------

@pytest.mark.parametrize("f, x, exact", [(np.exp, 1.0, np.e), (cube, 1.0, 3.0), (cube, -2.5, 18.75),
                                         (np.exp, -3.0, np.exp(-3.0))])
def test_complex_step_reaches_machine_precision(f, x, exact):
    assert abs(complex_step(f, x) - exact) / abs(exact) <= 1e-15


def test_complex_step_is_wrong_on_abs():
    # |x| is not analytic: Im |−1 + iε| = 0, but d|x|/dx at −1 is −1
    assert complex_step(abs, -1.0) == 0.0


# --- default step -----------------------------------------------------------------------------

def test_default_step_float64():
    u = np.finfo(np.float64).eps
    assert np.isclose(default_step(1.0), u ** (1 / 3))
    assert np.isclose(default_step(1.0), 6.055e-6, rtol=1e-3)
    assert np.isclose(default_step(1.0, method="forward"), 1.490e-8, rtol=1e-3)


def test_default_step_float32():
    assert np.isclose(default_step(1.0, dtype=np.float32), 4.92e-3, rtol=1e-2)
    assert np.isclose(default_step(1.0, method="forward", dtype=np.float32), 3.45e-4, rtol=1e-2)


def test_default_step_scales_with_x_but_not_below_one():
    assert np.isclose(default_step(100.0), 100 * default_step(1.0))
    assert default_step(1e-3) == default_step(1.0) == default_step(0.0)


def test_default_step_rejects_integer_dtype_and_unknown_method():
    with pytest.raises(TypeError, match="floating-point"):
        default_step(1.0, dtype=np.int64)
    with pytest.raises(ValueError, match="method"):
        default_step(1.0, method="backward")


def test_float32_inputs_are_computed_in_float32():
    # the same central difference in float32 is far less accurate than in float64
    x, eps = np.float32(1.0), np.float32(1e-4)
    error32 = abs(central_difference(np.exp, x, eps) - np.e)
    error64 = abs(central_difference(np.exp, 1.0, 1e-4) - np.e)
    assert error32 > 1e-4 > 1e-8 > error64


# --- clear errors for bad input ---------------------------------------------------------------

@pytest.mark.parametrize("scheme", [forward_difference, central_difference])
def test_non_callable_f(scheme):
    with pytest.raises(TypeError, match="f must be a function"):
        scheme(3.0, 1.0, 0.01)


def test_non_callable_f_complex():
    with pytest.raises(TypeError, match="f must be a function"):
        complex_step([1, 2], 1.0)


@pytest.mark.parametrize("scheme", [forward_difference, central_difference, complex_step])
@pytest.mark.parametrize("eps", [0.0, -1e-3, np.inf, np.nan])
def test_bad_eps(scheme, eps):
    with pytest.raises(ValueError, match="eps must be a positive finite number"):
        scheme(cube, 1.0, eps)


@pytest.mark.parametrize("scheme", [forward_difference, central_difference, complex_step])
def test_non_scalar_output(scheme):
    with pytest.raises(ValueError, match="f must return a single number.*shape \\(3,\\)"):
        scheme(lambda t: np.array([t, t, t]), 1.0, 1e-3)


def test_array_x_is_refused_with_a_pointer_to_numerical_gradient():
    with pytest.raises(TypeError, match="numerical_gradient"):
        central_difference(cube, np.array([1.0, 2.0]), 1e-3)
