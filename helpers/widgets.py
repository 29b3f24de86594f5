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

from .plots import DPI, FIGSIZE, draw_secants

__all__ = ["SecantExplorer", "epsilon_slider"]


class SecantExplorer:
    """An ε slider (log scale) that redraws the secant figure of ``helpers.plots.secant_figure``.

    ``explorer.widget`` is what to display; ``explorer.slider`` the slider;
    ``explorer.figure`` the figure currently shown (a new one after every change);
    ``explorer.eps`` the step it shows.  The figure is a plain ``matplotlib.figure.Figure``,
    not registered with pyplot, so redraws never pile up open figures.
    """

    def __init__(self, f: Callable, x: float, derivative: float, eps: float = 0.3,
                 eps_min: float = 1e-2, eps_max: float = 1.0):
        if not (0 < eps_min <= eps <= eps_max):
            raise ValueError(
                f"need 0 < eps_min <= eps <= eps_max, got eps_min={eps_min}, eps={eps}, eps_max={eps_max}"
            )
        self.f, self.x, self.derivative = f, x, derivative
        self.slider = widgets.FloatLogSlider(
            value=eps, base=10, min=np.log10(eps_min), max=np.log10(eps_max), step=0.05,
            description="ε", continuous_update=False, readout_format=".3f",
        )
        self.output = widgets.Output()
        self.widget = widgets.VBox([self.slider, self.output])
        self.figure = None
        self.slider.observe(self._on_change, names="value")
        self.figure = self.draw()
        with self.output:
            display(self.figure)

    @property
    def eps(self) -> float:
        return float(self.slider.value)

    def draw(self) -> Figure:
        """A new figure for the current ε (no display)."""
        figure = Figure(figsize=FIGSIZE, dpi=DPI)
        draw_secants(figure.add_subplot(), self.f, self.x, self.eps, self.derivative)
        return figure

    def redraw(self) -> None:
        self.figure = self.draw()
        with self.output:
            clear_output(wait=True)
            display(self.figure)

    def _on_change(self, change) -> None:
        self.redraw()


def epsilon_slider(f: Callable, x: float, derivative: float, eps: float = 0.3,
                   eps_min: float = 1e-2, eps_max: float = 1.0) -> SecantExplorer:
    """Build a :class:`SecantExplorer`; display ``.widget`` in a notebook."""
    return SecantExplorer(f, x, derivative, eps=eps, eps_min=eps_min, eps_max=eps_max)
