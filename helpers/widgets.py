"""Interactive pieces for live lectures (ipywidgets 7 and 8).

A widget is never the only copy of a lesson: every notebook draws the same figure statically,
for a fixed value, in a normal cell beside the widget.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
import numpy as np
from IPython.display import clear_output, display
from matplotlib.figure import Figure

from .derivatives import step_sweep
from .plots import DPI, FIGSIZE, draw_secants, step_sweep_figure

__all__ = ["SecantExplorer", "epsilon_slider", "StepSweepExplorer", "step_sweep_slider"]


def _check_range(eps: float, eps_min: float, eps_max: float) -> None:
    if not (0 < eps_min <= eps <= eps_max):
        raise ValueError(
            f"need 0 < eps_min <= eps <= eps_max, got eps_min={eps_min}, eps={eps}, eps_max={eps_max}"
        )


class _EpsilonFigure:
    """A log-scale ε slider above a figure that is redrawn (a new plain Figure) when the slider
    is released.  Subclasses implement ``draw()``; ``above`` widgets sit between slider and figure."""

    def _build(self, eps: float, eps_min: float, eps_max: float, step: float, readout_format: str,
               above: tuple = ()) -> None:
        self.slider = widgets.FloatLogSlider(
            value=eps, base=10, min=np.log10(eps_min), max=np.log10(eps_max), step=step,
            description="ε", continuous_update=False, readout_format=readout_format,
        )
        self.output = widgets.Output()
        self.widget = widgets.VBox([self.slider, *above, self.output])
        self.slider.observe(self._on_change, names="value")
        self._update_text()
        self.figure = self.draw()
        with self.output:  # the first draw: no clear_output (nbval and fresh views)
            display(self.figure)

    @property
    def eps(self) -> float:
        return float(self.slider.value)

    def draw(self) -> Figure:
        raise NotImplementedError

    def _update_text(self) -> None:
        """Refresh any text shown with the figure (none by default)."""

    def redraw(self) -> None:
        self._update_text()
        self.figure = self.draw()
        with self.output:
            clear_output(wait=True)
            display(self.figure)

    def _on_change(self, change) -> None:
        self.redraw()


class SecantExplorer(_EpsilonFigure):
    """An ε slider (log scale) that redraws the secant figure of ``helpers.plots.secant_figure``.

    ``explorer.widget`` is what to display; ``explorer.slider`` the slider;
    ``explorer.figure`` the figure currently shown (a new one after every change);
    ``explorer.eps`` the step it shows.  The figure is a plain ``matplotlib.figure.Figure``,
    not registered with pyplot, so redraws never pile up open figures.
    """

    def __init__(self, f: Callable, x: float, derivative: float, eps: float = 0.3,
                 eps_min: float = 1e-2, eps_max: float = 1.0):
        _check_range(eps, eps_min, eps_max)
        self.f, self.x, self.derivative = f, x, derivative
        self._build(eps, eps_min, eps_max, step=0.05, readout_format=".3f")

    def draw(self) -> Figure:
        """A new figure for the current ε (no display)."""
        figure = Figure(figsize=FIGSIZE, dpi=DPI)
        draw_secants(figure.add_subplot(), self.f, self.x, self.eps, self.derivative)
        return figure


def epsilon_slider(f: Callable, x: float, derivative: float, eps: float = 0.3,
                   eps_min: float = 1e-2, eps_max: float = 1.0) -> SecantExplorer:
    """Build a :class:`SecantExplorer`; display ``.widget`` in a notebook."""
    return SecantExplorer(f, x, derivative, eps=eps, eps_min=eps_min, eps_max=eps_max)


class StepSweepExplorer(_EpsilonFigure):
    """An ε slider (log scale) moving a diamond along the V-shaped error curve of each scheme.

    The curve is one sweep of ``helpers.derivatives.step_sweep`` on a grid of ``points_per_decade``
    steps per decade from ``eps_max`` down to ``eps_min``; the slider moves on the same grid, so
    the diamonds sit on the curve.  ``explorer.widget`` is what to display (slider, a line of
    text with the errors at the current ε, the figure); ``explorer.figure`` is the figure shown
    (a new plain ``matplotlib.figure.Figure`` after every change); ``explorer.text`` the line of text.
    """

    def __init__(self, f: Callable, x: float, exact: float, eps: float = 1e-5,
                 eps_min: float = 1e-15, eps_max: float = 1e-1,
                 methods: tuple[str, ...] = ("forward", "central"), dtype=np.float64,
                 points_per_decade: int = 4):
        _check_range(eps, eps_min, eps_max)
        if not (isinstance(points_per_decade, int) and points_per_decade >= 1):
            raise ValueError(f"points_per_decade must be a positive integer, got {points_per_decade!r}")
        self.f, self.x, self.exact, self.methods, self.dtype = f, x, exact, tuple(methods), dtype
        decades = np.log10(eps_max) - np.log10(eps_min)
        self.eps_values = np.logspace(np.log10(eps_max), np.log10(eps_min),
                                      round(float(decades) * points_per_decade) + 1)
        # label -> method, one entry per scheme (a method named twice is one curve)
        self._method_of = {f"{method} difference" if method != "complex" else "complex step": method
                           for method in self.methods}
        self.errors = {label: step_sweep(f, x, exact, self.eps_values, method, dtype)
                       for label, method in self._method_of.items()}
        self.label = widgets.Label()
        self._build(eps, eps_min, eps_max, step=1 / points_per_decade, readout_format=".1e",
                    above=(self.label,))

    def _update_text(self) -> None:
        self.label.value = self.text

    def current_errors(self) -> dict[str, float]:
        """Relative error of each scheme at the current ε (label → error).

        On a grid step (the slider's own positions) this is the curve's value, so the diamond
        sits exactly on the curve; between grid steps it is computed afresh.
        """
        nearest = int(np.argmin(np.abs(np.log10(self.eps_values) - np.log10(self.eps))))
        if np.isclose(self.eps_values[nearest], self.eps, rtol=1e-9, atol=0):
            return {label: float(values[nearest]) for label, values in self.errors.items()}
        return {label: float(step_sweep(self.f, self.x, self.exact, [self.eps], method, self.dtype)[0])
                for label, method in self._method_of.items()}

    @property
    def text(self) -> str:
        """One line: the current ε and the relative error of each scheme there."""
        parts = [f"{label}: {error:.2e}" for label, error in self.current_errors().items()]
        return f"ε = {self.eps:.1e}   relative error   " + ",   ".join(parts)

    def draw(self) -> Figure:
        """A new figure for the current ε (no display): the sweep plus one diamond per scheme."""
        figure = Figure(figsize=FIGSIZE, dpi=DPI)
        points = {f"{label} at ε = {self.eps:.1e}": (self.eps, error)
                  for label, error in self.current_errors().items()}
        step_sweep_figure(self.eps_values, self.errors, points=points, ax=figure.add_subplot(),
                          title=f"Relative error against ε ({np.dtype(self.dtype).name})")
        return figure


def step_sweep_slider(f: Callable, x: float, exact: float, eps: float = 1e-5, eps_min: float = 1e-15,
                      eps_max: float = 1e-1, methods: tuple[str, ...] = ("forward", "central"),
                      dtype=np.float64, points_per_decade: int = 4) -> StepSweepExplorer:
    """Build a :class:`StepSweepExplorer`; display ``.widget`` in a notebook."""
    return StepSweepExplorer(f, x, exact, eps=eps, eps_min=eps_min, eps_max=eps_max, methods=methods,
                             dtype=dtype, points_per_decade=points_per_decade)
