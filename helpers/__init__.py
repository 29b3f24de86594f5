"""helpers — the small library behind the gradient-checking notebook series.

Modules
-------
derivatives  forward, central and complex-step differences; the default step ε
gradcheck    numerical gradients, relative errors, the check and its report
network      layers with forward/backward and the small network of notebook 08
plots        every figure a notebook draws
widgets      the interactive pieces for live lectures

`helpers` never prints: it returns numbers, arrays, figures and report objects.
"""

__version__ = "0.1.0"
