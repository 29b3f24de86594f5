"""helpers.grading, the cases the mutation run found untested (make mutation; tests/README.md)."""

import numpy as np
import pytest

from helpers.grading import references_in, refuse_reference


def uses_numpy_attributes(f, x, eps):
    return np.float64(f(x + eps) - f(x - eps)) / (2 * np.abs(eps))


def two_imports(f, x, eps):
    import helpers.network
    from helpers.derivatives import central_difference

    return central_difference(f, x, eps) + 0 * helpers.network.relu(x)


def helpers_without_import(f, x, eps):
    return helpers.derivatives.forward_difference(f, x, eps)  # noqa: F821 - never run


def helpers_as_an_attribute(f, x, eps):
    return course.helpers.derivatives.forward_difference(f, x, eps)  # noqa: F821 - never run


def borrows_two(f, x, eps):
    return (central_difference(f, x, eps) + forward_difference(f, x, eps)) / 2  # noqa: F821


def test_numpy_attributes_are_not_references():
    assert references_in(uses_numpy_attributes, ["central_difference"]) == []


def test_every_import_is_kept_when_there_are_several():
    assert references_in(two_imports, []) == ["from helpers.derivatives import …", "helpers", "import helpers.network"]


def test_the_name_helpers_is_found_without_an_import_and_as_an_attribute():
    assert references_in(helpers_without_import, []) == ["helpers"]
    assert references_in(helpers_as_an_attribute, []) == ["helpers"]


def test_the_message_lists_every_borrowed_name_and_says_what_to_do():
    with pytest.raises(AssertionError) as caught:
        refuse_reference(borrows_two, "central_difference", "forward_difference")
    message = str(caught.value)
    assert message.startswith("borrows_two uses central_difference, forward_difference: ")
    assert "not yours. The exercise is to work this out yourself (with NumPy" in message
    assert message.endswith("; the reference in `helpers` is there to compare with, not to call or to read the "
                            "answer from.")


def imports_helpers_twice(x):
    import helpers.derivatives
    import helpers.network  # noqa: F401

    return x


def test_every_import_of_helpers_is_reported():
    # kills: `found |= {…}` → `found = {…}` (a second `import helpers…` replaced what was found before)
    assert references_in(imports_helpers_twice, []) == ["import helpers.derivatives", "import helpers.network"]
