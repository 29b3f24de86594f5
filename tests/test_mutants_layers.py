"""helpers.gradcheck.layers, the cases the mutation run found untested (make mutation; tests/README.md)."""

import warnings

import numpy as np
import pytest

from helpers.gradcheck import compare_tensors, numerical_vjp


def test_numerical_vjp_uses_the_given_eps():
    # central difference of x³ with step h is exactly 3x² + h²
    dx = numerical_vjp(lambda x: x**3, np.array([1.0, 2.0]), np.ones(2), eps=0.1)
    assert np.allclose(dx, [3.01, 12.01], rtol=1e-12)


def test_numerical_vjp_refuses_a_bad_eps_and_a_bad_f_and_x():
    with pytest.raises(ValueError, match=r"eps must be a positive finite number, but got eps=-0.1"):
        numerical_vjp(np.tanh, np.ones(2), np.ones(2), eps=-0.1)
    with pytest.raises(TypeError, match=r"^f must be a function f\(x\) -> array .*, but got int$"):
        numerical_vjp(3, np.ones(2), np.ones(2))
    with pytest.raises(TypeError, match=r"^x must be a NumPy array or a dict"):
        numerical_vjp(np.tanh, [1.0, 2.0], np.ones(2))


def test_numerical_vjp_names_the_shape_of_dout():
    with pytest.raises(ValueError, match=r"dout has shape \(3,\) but f\(x\) has shape \(2,\); .*"
                                         r"gradient ∂J/∂out, so it must have the shape of the layer's output$"):
        numerical_vjp(np.tanh, np.ones(2), np.ones(3))


def test_numerical_vjp_names_the_move_that_changed_the_output_shape():
    def grows_when_x1_rises(x):
        return x.copy() if x[1] <= 2.0 else np.append(x, 0.0)

    def grows_when_x1_falls(x):
        return x.copy() if x[1] >= 2.0 else np.append(x, 0.0)

    with pytest.raises(ValueError, match=r"^f returned shape \(3,\) at x\[1\] moved by \+eps = \+1.000e-01, but "
                                         r"\(2,\) at x$"):
        numerical_vjp(grows_when_x1_rises, np.array([1.0, 2.0]), np.ones(2), eps=0.1)
    with pytest.raises(ValueError, match=r"^f returned shape \(3,\) at x\[1\] moved by -eps = -1.000e-01, but \(2,\) "
                                         r"at x$"):
        numerical_vjp(grows_when_x1_falls, np.array([1.0, 2.0]), np.ones(2), eps=0.1)


@pytest.mark.parametrize("value, dout", [(np.full(2, np.inf), [0.0, 1.0]),        # 0·inf: invalid
                                         (np.full(2, 1e308), [10.0, 10.0])])      # overflow
def test_numerical_vjp_reports_a_non_finite_projection_without_a_numpy_warning(value, dout):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"^f returned a non-finite value at x\[0\] moved by \+eps = "
                                             r"\+1.000e-01; use a smaller eps"):
            numerical_vjp(lambda x: value, np.ones(2), np.array(dout), eps=0.1)


def test_compare_tensors_names_the_bad_argument_and_the_shapes():
    with pytest.raises(TypeError, match=r"^analytic must be a NumPy array"):
        compare_tensors([1.0], np.ones(1))
    with pytest.raises(TypeError, match=r"^numeric must be a NumPy array"):
        compare_tensors(np.ones(1), [1.0])
    with pytest.raises(ValueError, match=r"analytic\['W'\] has shape \(2,\) but numeric\['W'\] has shape \(3,\)"):
        compare_tensors({"W": np.ones(2)}, {"W": np.ones(3)})


def test_compare_tensors_empty_tensor_and_its_tolerances():
    result = compare_tensors({"b": np.zeros(0)}, {"b": np.zeros(0)})
    assert result.rows[0].max_diff == 0.0 and result.all_close
    loose = compare_tensors(np.zeros(2), np.full(2, 1e-4), rtol=1e-3, atol=1e-3)
    assert loose.all_close and (loose.rtol, loose.atol) == (1e-3, 1e-3)
    assert not compare_tensors(np.zeros(2), np.full(2, 1e-4), rtol=1e-3)


def test_compare_tensors_text_and_html():
    result = compare_tensors({"W1": np.ones(2), "b": np.zeros(2)}, {"W1": np.ones(2), "b": np.ones(2)})
    lines = str(result).splitlines()
    assert lines[0].startswith("W1  | exact: True  | close: True ")
    assert lines[1].startswith("b   | exact: False | close: False | max diff: 1.0e+00")
    page = result._repr_html_()
    assert page.startswith("<table><thead><tr><th>tensor</th><th>exact</th>")
    assert page.endswith("</tbody></table>")
    assert "<td style='color:green'>True</td>" in page and "<td style='color:red'>False</td>" in page
    assert "</td></tr><tr><td>b</td>" in page


def test_numerical_vjp_projects_in_float64_when_dout_and_f_are_float32():
    dout = np.array([0.1], dtype=np.float32)
    dx = numerical_vjp(lambda x: (3 * x).astype(np.float32), np.array([1.0]), dout, eps=0.5)
    assert dx[0] == pytest.approx(3 * float(dout[0]), rel=1e-13)
