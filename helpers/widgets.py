"""Interactive pieces for live lectures (ipywidgets 7 and 8).

A widget is never the only copy of a lesson: every notebook draws the same figure statically,
for a fixed value, in a normal cell beside the widget.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Mapping, Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from .derivatives import step_sweep
from .gradcheck import check_gradient, gradient_difference, numerical_gradient, relative_error
from .plots import (
    DPI,
    FIGSIZE,
    THRESHOLD_ZONES,
    draw_secants,
    elementwise_errors_figure,
    miss_probability_figure,
    step_sweep_figure,
    tensor_errors_figure,
)

__all__ = ["SecantExplorer", "epsilon_slider", "StepSweepExplorer", "step_sweep_slider", "SweepExplorer",
           "sweep_slider", "PrecisionExplorer", "precision_toggle", "BugSizeExplorer", "bug_size_slider",
           "DirectionsExplorer", "directions_slider"]


def _check_range(eps: float, eps_min: float, eps_max: float, name: str = "eps") -> None:
    if not (0 < eps_min <= eps <= eps_max):
        raise ValueError(
            f"need 0 < {name}_min <= {name} <= {name}_max, got {name}_min={eps_min}, {name}={eps}, "
            f"{name}_max={eps_max}"
        )


def png_output(figure: Figure) -> dict:
    """A figure as one display_data output (PNG, as the inline backend draws it: tight box)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    width, height = (figure.get_size_inches() * figure.dpi).round().astype(int)
    return {"output_type": "display_data", "metadata": {},
            "data": {"image/png": base64.b64encode(buffer.getvalue()).decode("ascii"),
                     "text/plain": f"<Figure size {width}x{height} with {len(figure.axes)} Axes>"}}


def _new_figure() -> Figure:
    """A plain figure (not registered with pyplot, so redraws never pile up open figures)."""
    return Figure(figsize=FIGSIZE, dpi=DPI)


class _LiveFigure:
    """A control (slider, toggle) above a figure that is redrawn — a new plain Figure — when the
    control's value changes; sliders are built with ``continuous_update=False``, so that is when
    they are released.  Subclasses implement ``draw()``; ``above`` widgets (a line of text) sit
    between the control and the figure."""

    def _build(self, control, above: tuple = ()) -> None:
        self.control = control
        self.output = widgets.Output()
        self.widget = widgets.VBox([control, *above, self.output])
        control.observe(self._on_change, names="value")
        self.redraw()

    label = None  # a widgets.Label showing ``self.text`` above the figure, in subclasses that have one

    def draw(self) -> Figure:
        raise NotImplementedError

    def _update_text(self) -> None:
        """Refresh the text shown with the figure: ``label`` shows ``text`` (no label, no text)."""
        if self.label is not None:
            self.label.value = self.text

    def redraw(self) -> None:
        self._update_text()
        self.figure = self.draw()
        # The figure goes into the Output widget's own state, in one assignment (no flicker):
        # unlike `with output: display(...)`, which relies on the front end to route the kernel's
        # messages, this works wherever the widget's state reaches — JupyterLab, Colab, nbclient,
        # nbval (where a routed display would land in the cell's own output).
        self.output.outputs = (png_output(self.figure),)

    def _on_change(self, change) -> None:
        self.redraw()


class _EpsilonFigure(_LiveFigure):
    """A log-scale ε slider above the figure (``.slider``; ``.eps`` its value)."""

    def _build_slider(self, eps: float, eps_min: float, eps_max: float, step: float, readout_format: str,
                      above: tuple = (), description: str = "ε") -> None:
        self.slider = widgets.FloatLogSlider(
            value=eps, base=10, min=np.log10(eps_min), max=np.log10(eps_max), step=step,
            description=description, continuous_update=False, readout_format=readout_format,
        )
        self._build(self.slider, above)

    @property
    def eps(self) -> float:
        return float(self.slider.value)


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
        self._build_slider(eps, eps_min, eps_max, step=0.05, readout_format=".3f")

    def draw(self) -> Figure:
        """A new figure for the current ε (no display)."""
        figure = _new_figure()
        draw_secants(figure.add_subplot(), self.f, self.x, self.eps, self.derivative)
        return figure


def epsilon_slider(f: Callable, x: float, derivative: float, eps: float = 0.3,
                   eps_min: float = 1e-2, eps_max: float = 1.0) -> SecantExplorer:
    """Build a :class:`SecantExplorer`; display ``.widget`` in a notebook."""
    return SecantExplorer(f, x, derivative, eps=eps, eps_min=eps_min, eps_max=eps_max)


class SweepExplorer(_EpsilonFigure):
    """An ε slider moving one marker along each curve of an error-against-ε sweep (the V).

    ``eps_values`` is the sweep's grid, evenly spaced in log ε (e.g. one value per decade, as
    notebook 08 measures a network's gradient difference); ``curves`` maps a label to one value
    per grid point.  The slider moves on the same grid, so the markers sit on the curves.
    ``explorer.widget`` is what to display (slider, a line of text with each curve's value at the
    current ε, the figure); ``explorer.figure`` the figure shown; ``explorer.text`` the line of text.
    """

    def __init__(self, eps_values: Sequence[float], curves: Mapping[str, Sequence[float]],
                 eps: float | None = None, title: str = "Relative error against the step ε",
                 ylabel: str = "relative error"):
        eps_values = np.asarray(eps_values, dtype=float)
        if eps_values.ndim != 1 or eps_values.size < 2 or np.any(eps_values <= 0):
            raise ValueError(f"eps_values must be at least 2 positive steps, got {eps_values!r}")
        logs = np.log10(eps_values)
        if not np.allclose(np.diff(logs), logs[1] - logs[0], rtol=1e-6, atol=0):
            raise ValueError("eps_values must be evenly spaced in log ε (e.g. np.logspace(-1, -10, 10)): "
                             "the slider moves on that grid")
        curves = {label: np.asarray(values, dtype=float) for label, values in curves.items()}
        for label, values in curves.items():
            if values.shape != eps_values.shape:
                raise ValueError(f"curves[{label!r}] has {values.size} values for {eps_values.size} steps; "
                                 "give one value per step of eps_values")
        self.eps_values, self.errors = eps_values, curves
        self.title, self.ylabel = title, ylabel
        eps_min, eps_max = float(eps_values.min()), float(eps_values.max())
        eps = float(eps_values[eps_values.size // 2]) if eps is None else eps
        _check_range(eps, eps_min, eps_max)
        self.label = widgets.Label()
        self._build_slider(eps, eps_min, eps_max, step=abs(logs[1] - logs[0]), readout_format=".1e",
                           above=(self.label,))

    text_heading = ""  # what the values of the line of text are, after the ε

    def _nearest(self) -> int:
        """The grid index nearest to the current ε (in log ε)."""
        return int(np.argmin(np.abs(np.log10(self.eps_values) - np.log10(self.eps))))

    def _on_grid(self) -> bool:
        """Whether the current ε is one of the grid's steps (the slider's own positions)."""
        return bool(np.isclose(self.eps_values[self._nearest()], self.eps, rtol=1e-9, atol=0))

    def current_errors(self) -> dict[str, float]:
        """Each curve's value at the current ε (label → value), read off the grid."""
        nearest = self._nearest()
        return {label: float(values[nearest]) for label, values in self.errors.items()}

    @property
    def text(self) -> str:
        """One line: the current ε and each curve's value there."""
        parts = [f"{label}: {error:.2e}" for label, error in self.current_errors().items()]
        return f"ε = {self.eps:.1e}   {self.text_heading}" + ",   ".join(parts)

    def draw(self) -> Figure:
        """A new figure for the current ε (no display): the sweep plus one marker per curve."""
        figure = _new_figure()
        points = {f"{label} at ε = {self.eps:.1e}": (self.eps, error)
                  for label, error in self.current_errors().items()}
        step_sweep_figure(self.eps_values, self.errors, points=points, ax=figure.add_subplot(),
                          title=self.title, ylabel=self.ylabel)
        return figure


def sweep_slider(eps_values: Sequence[float], curves: Mapping[str, Sequence[float]], eps: float | None = None,
                 title: str = "Relative error against the step ε", ylabel: str = "relative error") -> SweepExplorer:
    """Build a :class:`SweepExplorer` over measured curves; display ``.widget`` in a notebook."""
    return SweepExplorer(eps_values, curves, eps=eps, title=title, ylabel=ylabel)


class StepSweepExplorer(SweepExplorer):
    """The V of one derivative: an ε slider moving a marker along the error curve of each scheme.

    The curve is one sweep of ``helpers.derivatives.step_sweep`` on a grid of ``points_per_decade``
    steps per decade from ``eps_max`` down to ``eps_min``; the slider moves on the same grid, so
    the markers sit on the curve.  The line of text gives the relative error of each scheme at
    the current ε.
    """

    text_heading = "relative error   "

    def __init__(self, f: Callable, x: float, exact: float, eps: float = 1e-5,
                 eps_min: float = 1e-15, eps_max: float = 1e-1,
                 methods: tuple[str, ...] = ("forward", "central"), dtype=np.float64,
                 points_per_decade: int = 4):
        _check_range(eps, eps_min, eps_max)
        if not (isinstance(points_per_decade, int) and points_per_decade >= 1):
            raise ValueError(f"points_per_decade must be a positive integer, got {points_per_decade!r}")
        self.f, self.x, self.exact, self.methods, self.dtype = f, x, exact, tuple(methods), dtype
        decades = np.log10(eps_max) - np.log10(eps_min)
        eps_values = np.logspace(np.log10(eps_max), np.log10(eps_min), round(float(decades) * points_per_decade) + 1)
        # label -> method, one entry per scheme (a method named twice is one curve)
        self._method_of = {f"{method} difference" if method != "complex" else "complex step": method
                           for method in self.methods}
        curves = {label: step_sweep(f, x, exact, eps_values, method, dtype)
                  for label, method in self._method_of.items()}
        super().__init__(eps_values, curves, eps=eps, title=f"Relative error against ε ({np.dtype(dtype).name})")

    def current_errors(self) -> dict[str, float]:
        """Relative error of each scheme at the current ε (label → error).

        On a grid step (the slider's own positions) this is the curve's value, so the marker
        sits exactly on the curve; between grid steps it is computed afresh.
        """
        if self._on_grid():
            return super().current_errors()
        return {label: float(step_sweep(self.f, self.x, self.exact, [self.eps], method, self.dtype)[0])
                for label, method in self._method_of.items()}


def step_sweep_slider(f: Callable, x: float, exact: float, eps: float = 1e-5, eps_min: float = 1e-15,
                      eps_max: float = 1e-1, methods: tuple[str, ...] = ("forward", "central"),
                      dtype=np.float64, points_per_decade: int = 4) -> StepSweepExplorer:
    """Build a :class:`StepSweepExplorer`; display ``.widget`` in a notebook."""
    return StepSweepExplorer(f, x, exact, eps=eps, eps_min=eps_min, eps_max=eps_max, methods=methods,
                             dtype=dtype, points_per_decade=points_per_decade)


def _as_dict(params) -> dict[str, np.ndarray]:
    return dict(params) if isinstance(params, Mapping) else {"θ": params}


def _zone(difference: float) -> str:
    """The float64 rule of thumb of notebook 04 for a norm-wise difference ("< 1e-7 good" …)."""
    return next(label for low, high, label, _ in THRESHOLD_ZONES if low <= difference < high)


class PrecisionExplorer(_LiveFigure):
    """A float64 / float32 toggle: the same correct gradient checked in either precision.

    For the chosen dtype the parameters are cast (copies; the caller's arrays are not touched), the
    numerical gradient is taken at ``eps`` (None: the default step of that dtype), and the figure
    shows the element-wise relative errors against ``grads`` on notebook 04's threshold zones, with
    the norm-wise difference as a dashed line.  ``explorer.text`` names the difference and its zone.
    """

    def __init__(self, loss: Callable, params, grads, eps: float | None = None, dtype: str = "float64"):
        if dtype not in ("float64", "float32"):
            raise ValueError(f"dtype must be 'float64' or 'float32', got {dtype!r}")
        self.loss, self.params, self.grads, self.step = loss, params, grads, eps
        self.toggle = widgets.ToggleButtons(options=["float64", "float32"], value=dtype, description="precision")
        self.label = widgets.Label()
        self._results: dict[str, tuple[dict, float]] = {}
        self._build(self.toggle, above=(self.label,))

    @property
    def dtype(self) -> str:
        return str(self.toggle.value)

    def result(self, dtype: str | None = None) -> tuple[dict[str, np.ndarray], float]:
        """(element-wise relative errors by tensor, norm-wise difference) in ``dtype`` (default: the
        toggle's); computing one does not move the toggle."""
        dtype = self.dtype if dtype is None else dtype
        if dtype not in self._results:
            if isinstance(self.params, Mapping):
                cast = {name: np.asarray(value).astype(dtype) for name, value in self.params.items()}
            else:
                cast = np.asarray(self.params).astype(dtype)
            numeric = numerical_gradient(self.loss, cast, eps=self.step)
            grads = _as_dict(self.grads)
            errors = {name: relative_error(grads[name], value) for name, value in _as_dict(numeric).items()}
            self._results[dtype] = (errors, gradient_difference(self.grads, numeric))
        return self._results[dtype]

    @property
    def text(self) -> str:
        difference = self.result()[1]
        step = "its default step" if self.step is None else f"ε = {self.step:.0e}"
        return f"{self.dtype}, {step}: norm-wise difference {difference:.1e}, {_zone(difference)}"

    def draw(self) -> Figure:
        figure = _new_figure()
        errors, difference = self.result()
        elementwise_errors_figure(errors, difference=difference, ax=figure.add_subplot(),
                                  title=f"A correct gradient, checked in {self.dtype}")
        return figure


def precision_toggle(loss: Callable, params, grads, eps: float | None = None,
                     dtype: str = "float64") -> PrecisionExplorer:
    """Build a :class:`PrecisionExplorer`; display ``.widget`` in a notebook."""
    return PrecisionExplorer(loss, params, grads, eps=eps, dtype=dtype)


class BugSizeExplorer(_EpsilonFigure):
    """A slider for the size of a bug planted in one element, and the checker's verdict on it.

    The element ``grads[name][index]`` is multiplied by (1 + size): a relative error of about
    size / (1 + size) in that element.  For every size ``check_gradient(loss, params, grads_with_bug)``
    runs afresh; the figure shows each tensor's largest relative error against the tolerance,
    titled with the verdict, and ``explorer.report`` is the report (its HTML is shown above the
    figure).  Small bugs pass — below the tolerance the check cannot tell them from round-off.
    """

    def __init__(self, loss: Callable, params: Mapping, grads: Mapping, name: str, index=0,
                 size: float = 1e-3, size_min: float = 1e-9, size_max: float = 1.0):
        _check_range(size, size_min, size_max, name="size")
        if name not in grads:
            raise ValueError(f"name must be one of the tensors {list(grads)}, got {name!r}")
        self.loss, self.params, self.grads, self.name = loss, params, grads, name
        flat = np.unravel_index(index, np.shape(grads[name])) if np.ndim(index) == 0 else index
        self.index = tuple(int(i) for i in flat)
        if float(np.asarray(grads[name])[self.index]) == 0:
            raise ValueError(f"grads[{name!r}]{list(self.index)} is 0, so scaling it plants no bug; "
                             "pick an element whose gradient is not 0")
        self.html = widgets.HTML()
        self._build_slider(size, size_min, size_max, step=0.25, readout_format=".0e", above=(self.html,),
                           description="bug size")

    @property
    def size(self) -> float:
        return self.eps

    def grads_with_bug(self, size: float | None = None) -> dict[str, np.ndarray]:
        """Copies of ``grads`` with element ``index`` of ``name`` multiplied by (1 + size)
        (default: the slider's size)."""
        wrong = {key: np.array(value, copy=True) for key, value in self.grads.items()}
        wrong[self.name][self.index] *= 1 + (self.size if size is None else size)
        return wrong

    def report_for(self, size: float):
        """The report of ``check_gradient`` on a bug of this size; the slider does not move."""
        return check_gradient(self.loss, self.params, self.grads_with_bug(size))

    def _update_text(self) -> None:
        self.report = self.report_for(self.size)
        self.html.value = self.report._repr_html_()

    def draw(self) -> Figure:
        figure = _new_figure()
        errors = {t.name: float(np.nan_to_num(t.max_relative_error)) for t in self.report.tensors}
        where = f"{self.name}{list(self.index)}"
        tensor_errors_figure(errors, tol=self.report.tol, failing=self.report.failing_params,
                             ax=figure.add_subplot(),
                             title=f"Bug ×(1 + {self.size:.0e}) in {where}: {self.report.status.upper()}")
        return figure


def bug_size_slider(loss: Callable, params: Mapping, grads: Mapping, name: str, index=0, size: float = 1e-3,
                    size_min: float = 1e-9, size_max: float = 1.0) -> BugSizeExplorer:
    """Build a :class:`BugSizeExplorer`; display ``.widget`` in a notebook."""
    return BugSizeExplorer(loss, params, grads, name, index=index, size=size, size_min=size_min,
                           size_max=size_max)


def missed_by_k(passed, k: int) -> np.ndarray:
    """Fraction of groups of k directions that all missed, for each row of ``passed``.

    ``passed[i, j]`` is True when direction j passed (missed the bug) at error size i; the
    directions of a row are cut into ⌊n/k⌋ groups of k consecutive ones (each direction used
    once) and a group misses when all of its k directions do.
    """
    passed = np.asarray(passed, dtype=bool)
    if passed.ndim != 2:
        raise ValueError(f"passed must be 2-D (error sizes × directions), got shape {passed.shape}")
    if not (isinstance(k, (int, np.integer)) and 1 <= k <= passed.shape[1]):
        raise ValueError(f"k must be an integer from 1 to the number of directions {passed.shape[1]}, got {k!r}")
    groups = passed.shape[1] // k
    return passed[:, : groups * k].reshape(passed.shape[0], groups, k).all(axis=2).mean(axis=1)


class DirectionsExplorer(_LiveFigure):
    """A slider for the number k of random directions, and how often k directions all miss a bug.

    ``ratios`` are the error sizes r = |e| / (rtol·‖∇J‖) and ``passed`` (error sizes × directions)
    says which single directions missed each error (see ``helpers.gradcheck.directional_check``).
    For k directions the measured fraction is :func:`missed_by_k`, drawn against the theory
    ((2/π)·arctan(1/r))ᵏ.
    """

    def __init__(self, ratios: Sequence[float], passed, k: int = 1, k_max: int = 10):
        self.ratios = np.asarray(ratios, dtype=float)
        self.passed = np.asarray(passed, dtype=bool)
        if self.passed.shape[:1] != self.ratios.shape:
            raise ValueError(f"passed needs one row per ratio: {self.ratios.size} ratios, shape {self.passed.shape}")
        missed_by_k(self.passed, k_max)  # k_max directions must fit
        self.slider = widgets.IntSlider(value=k, min=1, max=k_max, step=1, description="directions",
                                        continuous_update=False)
        self.label = widgets.Label()
        self._build(self.slider, above=(self.label,))

    @property
    def k(self) -> int:
        return int(self.slider.value)

    @property
    def text(self) -> str:
        """One line: at the smallest error size, the measured fraction of groups of k that all
        missed, against the theory ((2/π)·arctan(1/r))ᵏ."""
        r, measured = self.ratios[0], missed_by_k(self.passed, self.k)[0]
        theory = (2 / np.pi * np.arctan(1 / r)) ** self.k
        return (f"k = {self.k}: an error of r = {r:g} slipped through all {self.k} directions in "
                f"{measured:.0%} of the groups (theory {theory:.0%})")

    def draw(self) -> Figure:
        figure = _new_figure()
        miss_probability_figure(self.ratios, missed_by_k(self.passed, self.k),
                                n_directions=self.passed.shape[1] // self.k, k=self.k, ax=figure.add_subplot())
        return figure


def directions_slider(ratios: Sequence[float], passed, k: int = 1, k_max: int = 10) -> DirectionsExplorer:
    """Build a :class:`DirectionsExplorer`; display ``.widget`` in a notebook."""
    return DirectionsExplorer(ratios, passed, k=k, k_max=k_max)
