"""helpers.grading: the hidden tests' guard against answers that call the reference solution."""

import pytest

from helpers.grading import references_in, refuse_reference


def honest(f, x, eps):
    return (f(x + eps) - f(x - eps)) / (2 * eps)


def borrowing(f, x, eps):
    from helpers.derivatives import central_difference

    return central_difference(f, x, eps)


def via_module(f, x, eps):
    import helpers.derivatives

    return helpers.derivatives.central_difference(f, x, eps)


def by_name_only(f, x, eps):
    g = central_difference  # noqa: F821 - refused before it runs
    return g(f, x, eps)


def test_an_honest_answer_passes():
    assert references_in(honest, ["central_difference"]) == []
    refuse_reference(honest, "central_difference")


@pytest.mark.parametrize("answer", [borrowing, via_module, by_name_only])
def test_borrowing_the_reference_is_refused_with_a_clear_message(answer):
    expected = rf"{answer.__name__} uses .*central_difference.*reference answer.*work this out yourself"
    with pytest.raises(AssertionError, match=expected):
        refuse_reference(answer, "central_difference")


def test_an_import_from_helpers_is_refused_even_without_the_name():
    assert references_in(borrowing, []) == ["from helpers.derivatives import …"]
    assert "import helpers.derivatives" in references_in(via_module, [])


def test_a_function_without_source_gets_a_type_error():
    with pytest.raises(TypeError, match="define it with `def`"):
        references_in(len, ["x"])
