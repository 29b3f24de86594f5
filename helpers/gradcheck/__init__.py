"""helpers.gradcheck — numerical gradients, the two relative errors, and the gradient check.

Notation of the series: θ (``theta`` / ``params``) the parameters, ε (``eps``) the step, J
(``loss``) the scalar cost, ``grads`` the analytic gradient, ``numeric`` its finite-difference
estimate.  ``params`` is one float array (reported as ``"theta"``) or a dict of named arrays.

Read it in this order, one concept per module:

- ``inputs``      what is accepted, and how the caller's arrays stay bit-identical;
- ``numerical``   perturbation loops and ``numerical_gradient``;
- ``errors``      ``relative_error`` and ``gradient_difference`` (notebook 04);
- ``tolerance``   how far a correct numerical derivative may stray: rtol, measured round-off,
                  measured truncation (Richardson);
- ``kinks``       telling a kink from a strongly curved smooth spot;
- ``report``      the three verdicts and the table a learner reads;
- ``check``       ``check_gradient``: its inputs, the first pass over every element;
- ``judge``       the screen, the measurements of suspicious elements, the verdict;
- ``directional`` ``directional_check``: random directions, and what they miss;
- ``layers``      ``numerical_vjp`` and ``compare_tensors`` for one layer's backward.
"""

from helpers.gradcheck.check import PrecisionWarning, check_gradient
from helpers.gradcheck.directional import DirectionalReport, DirectionResult, directional_check
from helpers.gradcheck.errors import gradient_difference, relative_error
from helpers.gradcheck.layers import ComparisonRow, TensorComparison, compare_tensors, numerical_vjp
from helpers.gradcheck.numerical import numerical_gradient, tensor_scale
from helpers.gradcheck.report import GradCheckReport, Mismatch, TensorSummary
from helpers.gradcheck.tolerance import SAFETY, default_rtol

__all__ = [
    "numerical_gradient",
    "relative_error",
    "gradient_difference",
    "check_gradient",
    "directional_check",
    "DirectionalReport",
    "DirectionResult",
    "default_rtol",
    "GradCheckReport",
    "Mismatch",
    "TensorSummary",
    "PrecisionWarning",
    "SAFETY",
    "numerical_vjp",
    "compare_tensors",
    "TensorComparison",
    "ComparisonRow",
    "tensor_scale",
]
