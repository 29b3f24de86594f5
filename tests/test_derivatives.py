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
    with pytest.raises(ValueError, match=r"f must return a single number.*shape \(3,\)"):
        scheme(lambda t: np.array([t, t, t]), 1.0, 1e-3)


def test_array_x_is_refused_with_a_pointer_to_numerical_gradient():
    with pytest.raises(TypeError, match="numerical_gradient"):
        central_difference(cube, np.array([1.0, 2.0]), 1e-3)


# --- notebook 02: the V-shaped error curve (exp at θ = 1, relative errors, decade grid) -------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from helpers.derivatives import best_step, optimal_step_table, step_sweep  # noqa: E402

DECADES = np.array([10.0**-k for k in range(1, 16)])  # 1e-1 … 1e-15, exact decimal floats


def at(eps, errors, grid=DECADES):
    """The error of a sweep at one grid step."""
    return errors[int(np.flatnonzero(grid == eps)[0])]


def exp_sweep(method, dtype=np.float64, grid=DECADES):
    return step_sweep(np.exp, 1.0, np.e, grid, method=method, dtype=dtype)


def test_float64_central_bottoms_near_2e_11_at_1e_5():
    errors = exp_sweep("central")
    eps_best, error_best = best_step(DECADES, errors)
    # round-off decides the bottom (2.2e-11 here, other values on other CPUs and NumPy builds):
    # truncation ε²/6 and round-off ≈ u/ε meet at ~1e-11 near ε = 1e-5, give or take a decade
    assert 1e-13 <= error_best <= 1e-10
    assert at(1e-5, errors) <= 1e-10
    assert 1e-7 <= eps_best <= 1e-5
    # the truncation arm falls 100× per decade down to 1e-4, the round-off arm rises again
    right_arm = errors[DECADES >= 1e-4]
    assert np.all(right_arm[1:] < right_arm[:-1] / 50)
    assert np.all(errors[DECADES <= 1e-8] > 1e-9)


def test_float64_forward_bottoms_near_2e_9_at_1e_8():
    errors = exp_sweep("forward")
    eps_best, error_best = best_step(DECADES, errors)
    # truncation ε/2 and round-off ≈ 2u/ε meet at ~1e-8 (measured 2.4e-9 at ε = 1e-8 here)
    assert 1e-11 <= error_best <= 1e-7
    assert 1e-9 <= eps_best <= 1e-7
    assert np.all(errors[(DECADES >= 1e-6) | (DECADES <= 1e-10)] > 1e-7)  # both arms rise from the bottom


def test_float64_both_wrong_by_more_than_5_percent_at_1e_15():
    forward, central = at(1e-15, exp_sweep("forward")), at(1e-15, exp_sweep("central"))
    assert 0.05 < central < 0.10   # measured 6.2 %
    assert 0.10 < forward < 0.20   # measured 14.4 %


def test_the_step_itself_is_rounded_at_1e_15():
    assert np.isclose((1.0 + 1e-15) - 1.0, 1.1102e-15, rtol=1e-4)


def test_float32_sweep_is_computed_in_float32():
    for method in ("forward", "central"):
        errors = exp_sweep(method, np.float32)
        # 1 + ε rounds to 1 in float32 for ε ≤ 1e-8: the quotient is exactly 0, the error 100 %
        assert np.all(errors[DECADES <= 1e-8] == 1.0)
        assert np.all(exp_sweep(method)[(DECADES <= 1e-8) & (DECADES >= 1e-14)] < 0.01)  # float64 is not


def test_float32_optimum_and_error_magnitudes():
    forward, central = exp_sweep("forward", np.float32), exp_sweep("central", np.float32)
    eps_f, error_f = best_step(DECADES, forward)
    eps_c, error_c = best_step(DECADES, central)
    # round-off decides these (measured 1.1e-4 at 1e-4 and 1.3e-5 at 1e-2 here; without AVX2 the
    # forward best moves to 1e-3): the bands of the theory, √u and u^(2/3) give or take a decade
    assert 1e-5 <= eps_f <= 1e-3 and 1e-5 <= error_f <= 1e-3
    assert 1e-3 <= eps_c <= 1e-2 and 1e-8 <= error_c <= 1e-4
    # at the steps that are best in float64, a correct float32 derivative is off by 1e-4 … 1e-1
    assert 1e-4 <= at(1e-5, central) <= 1e-1           # measured 4.5e-3
    assert 1e-4 <= at(1e-6, central) <= 1e-1           # measured 8.7e-3
    assert min(error_f, error_c) > 1e-8                # far above float64's ~1e-11


def test_optimal_step_table_from_finfo():
    rows = {row["dtype"]: row for row in optimal_step_table()}
    assert set(rows) == {"float64", "float32"}
    f64, f32 = rows["float64"], rows["float32"]
    assert f64["u"] == np.finfo(np.float64).eps and f32["u"] == np.finfo(np.float32).eps
    assert np.isclose(f64["forward_step"], 1.49e-8, rtol=1e-2)
    assert np.isclose(f64["central_step"], 6.06e-6, rtol=1e-3)
    assert np.isclose(f32["forward_step"], 3.45e-4, rtol=1e-2)
    assert np.isclose(f32["central_step"], 4.92e-3, rtol=1e-2)
    assert np.isclose(f64["central_error"], 3.67e-11, rtol=1e-2)
    assert np.isclose(f32["central_error"], 2.42e-5, rtol=1e-2)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("method", ["forward", "central"])
def test_rule_of_thumb_matches_the_sweep_within_a_decade_grid(method, dtype):
    row = next(r for r in optimal_step_table([dtype]))
    eps_best, error_best = best_step(DECADES, exp_sweep(method, dtype))
    ratio = max(row[f"{method}_step"] / eps_best, eps_best / row[f"{method}_step"])
    assert ratio <= 10                           # measured 1.49, 1.65, 3.45 (2.9 without AVX2), 2.03
    # the rule assumes the worst rounding; real rounding partly cancels — but not always
    # (float32 forward without AVX2: 5.9e-4 against the rule's 3.5e-4)
    assert error_best <= 3 * row[f"{method}_error"]


@pytest.mark.parametrize(
    "dtype, method, bound",
    [(np.float64, "central", 1e-10), (np.float64, "forward", 5e-8),   # measured 4.7e-12, 1.3e-8
     (np.float32, "central", 5e-5), (np.float32, "forward", 5e-4)],   # measured 1.3e-5, 1.3e-4
)
def test_default_step_lands_at_the_bottom_of_the_v(dtype, method, bound):
    step = default_step(1.0, method=method, dtype=dtype)
    assert step_sweep(np.exp, 1.0, np.e, [step], method=method, dtype=dtype)[0] <= bound


def test_complex_step_sweep_stays_at_machine_precision_down_to_1e_20():
    grid = np.array([10.0**-k for k in range(1, 21)])
    errors = step_sweep(np.exp, 1.0, np.e, grid, method="complex")
    # round-off level: a few units of the last place of e (measured ≤ 1.6e-16 on several machines)
    assert np.all(errors[grid <= 1e-8] <= 8 * np.finfo(float).eps)
    assert np.allclose(errors[:4], [1.7e-3, 1.7e-5, 1.7e-7, 1.7e-9], rtol=0.05)  # ε²/6 like central
    central = step_sweep(np.exp, 1.0, np.e, grid, method="central")
    # ε below the spacing of floats near 1 (1.1e-16 below 1, 2.2e-16 above): θ+ε rounds to 1 and the
    # quotient counts units of the last place of e — 0 ulps (error 1.0), 1 ulp (error 0.18), … — so
    # which of these values it is depends on exp's last bit, but it is never near e.
    assert np.all(central[grid <= 1e-16] > 0.1)


@pytest.mark.parametrize("x", [-1.0, 1.0, 2.5])
def test_complex_step_silently_returns_zero_on_abs(x):
    assert complex_step(abs, x) == 0.0
    assert np.isclose(central_difference(abs, x, 1e-5), np.sign(x))


def test_complex_step_refuses_python_max():
    with pytest.raises(TypeError, match="not supported"):
        complex_step(lambda t: max(t, 0.0), 1.0)


def test_exercise_02_log_at_2_bottoms_at_1e_5():
    errors = step_sweep(np.log, 2.0, 0.5, DECADES, method="central")
    eps_best, error_best = best_step(DECADES, errors)
    # measured 1.8e-11 at 1e-5 here; round-off decides the digits and which decade wins
    assert 1e-7 <= eps_best <= 1e-5 and 1e-13 <= error_best <= 1e-10
    assert np.isclose(default_step(2.0), 1.21e-5, rtol=1e-2)


@settings(max_examples=40, deadline=None)
@given(x=st.floats(-3, 3), k=st.integers(1, 12), method=st.sampled_from(["forward", "central"]))
def test_step_sweep_is_derivative_errors_over_exact(x, k, method):
    eps = [10.0**-k, 10.0 ** -(k + 0.5)]
    exact = np.exp(x)
    assert np.allclose(step_sweep(np.exp, x, exact, eps, method),
                       derivative_errors(np.exp, x, exact, eps, method) / exact, rtol=1e-12, atol=0)


def test_step_sweep_refuses_zero_exact_and_bad_arguments():
    with pytest.raises(ValueError, match="exact must be nonzero"):
        step_sweep(np.sin, 0.0, 0.0, [1e-3])
    with pytest.raises(ValueError, match="method"):
        step_sweep(np.exp, 1.0, np.e, [1e-3], method="backward")
    with pytest.raises(TypeError, match="dtype"):
        step_sweep(np.exp, 1.0, np.e, [1e-3], dtype=np.int32)


def test_best_step_reads_the_minimum_and_checks_lengths():
    assert best_step([1e-1, 1e-2, 1e-3], [3.0, 1.0, 2.0]) == (1e-2, 1.0)
    with pytest.raises(ValueError, match="equal length"):
        best_step([1e-1, 1e-2], [1.0])


# --- cases the mutation run found untested (make mutation; tests/README.md) -------------------

def test_observed_order_rejects_unequal_lengths_and_names_both_sizes():
    with pytest.raises(ValueError, match=r"at least two .* equal length, got 3 and 2"):
        observed_order([1e-1, 1e-2, 1e-3], [1e-2, 1e-4])
    with pytest.raises(ValueError, match="got 1 and 1"):
        observed_order([1e-1], [1e-2])


@pytest.mark.parametrize("eps_values", [[1e-1, 0.0], [1e-1, -1e-2]])
def test_observed_order_rejects_a_step_that_is_not_positive(eps_values):
    with pytest.raises(ValueError, match=r"^observed_order needs positive steps and positive errors"):
        observed_order(eps_values, [1e-2, 1e-4])


def test_best_step_of_a_single_step_is_that_step():
    assert best_step([1e-3], [0.5]) == (1e-3, 0.5)
    with pytest.raises(ValueError, match="non-empty"):
        best_step([], [])


def test_observed_order_fits_a_float32_sweep_in_float64():
    eps = np.array([1e-1, 1e-2, 1e-3], dtype=np.float32)
    errors = (3 * eps.astype(np.float64) ** 2 * (1 + np.array([0.01, -0.02, 0.03]))).astype(np.float32)
    assert observed_order(eps, errors) == observed_order(eps.astype(np.float64), errors.astype(np.float64))


def test_messages_name_the_parameter_and_the_fix():
    with pytest.raises(TypeError, match=r"f must be a function of one number, but got float 3.0; "
                                        r"pass the function itself, e.g. central_difference\(lambda"):
        central_difference(3.0, 1.0, 0.01)
    with pytest.raises(ValueError, match=r"got eps=0.0; a typical step is 1e-5 \(central\) or 1e-8 \(forward\)"):
        forward_difference(cube, 1.0, 0.0)
    with pytest.raises(ValueError, match=r"; reduce it to a scalar \(e.g. with .sum\(\) or .mean\(\)\)$"):
        central_difference(lambda t: np.array([t, t]), 1.0, 1e-3)


@pytest.mark.parametrize("eps", [True, np.array([0.1]), np.array(0.1 + 0j) * 1j, "0.1"])
def test_eps_that_is_not_a_real_scalar_is_a_type_error(eps):
    with pytest.raises(TypeError, match=r"^eps must be a positive real number, but got eps="):
        central_difference(cube, 1.0, eps)


def test_derivative_errors_and_step_sweep_default_to_central_in_float64():
    # central error of θ³ at 1 with step h is exactly h²; forward would be 3h + h²
    assert derivative_errors(cube, 1.0, 3.0, [0.1]) == pytest.approx([0.01], rel=1e-9)
    assert step_sweep(cube, 1.0, 3.0, [0.1]) == pytest.approx([0.01 / 3], rel=1e-9)
    assert derivative_errors(cube, 1.0, np.float32(3.0), [0.1]).dtype == np.float64


def test_step_sweep_says_why_exact_must_be_nonzero_and_what_to_use():
    with pytest.raises(ValueError, match=r"^exact must be nonzero: the relative error .* is undefined at 0; "
                                         r"use derivative_errors for absolute errors instead$"):
        step_sweep(np.sin, 0.0, 0.0, [1e-3])
