"""A lecturer's session in a real browser: JupyterLab runs every widget notebook (Run All) with no
error, a slider moved with the keyboard redraws its figure, and a reveal.js deck from
build/slides/ opens from file:// with all its slides and without the network.  Screenshots go to
build/screenshots/.  Run by `make test-browser` (after `make slides`), not by `make test`."""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools.slides import slide_count

ROOT = Path(__file__).resolve().parents[1]
# Notebooks run in full and whose slider is moved (helpers/widgets.py): 01's ε slider, and 06's
# bug-size slider, one of the widgets added to 04-09 (each of them has a slider but 04, a toggle).
WIDGET_NOTEBOOKS = ["01_numerical_derivative.ipynb", "06_finding_a_bug.ipynb"]
DECK = "01_numerical_derivative"
RUN_ALL_TIMEOUT = 300_000  # ms; 02's sweeps take ~10 s on one core

# Console messages of type "error" that are allowed: none.  With the pinned JupyterLab 4.6.6 and
# ipywidgets 8.1.9 a Run All logs no error at all, so any error (a widget that fails to render, a
# missing JavaScript module, an uncaught exception) fails the test.  Warnings are not checked:
# the widgets' manager logs JSON-schema "strict mode" warnings that say nothing about the lesson.
BENIGN_CONSOLE_ERRORS: tuple[str, ...] = ()


def watch_console(page) -> list[str]:
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    return errors


def real_errors(errors: list[str]) -> list[str]:
    return [e for e in errors if not (BENIGN_CONSOLE_ERRORS and e.startswith(BENIGN_CONSOLE_ERRORS))]


@pytest.mark.parametrize("name", WIDGET_NOTEBOOKS)
def test_run_all_then_move_the_slider(browser, lab, screenshots, name):
    base, token, _ = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors = watch_console(page)
    try:
        page.goto(f"{base}/lab/tree/{name}?reset&token={token}")  # reset: no workspace of the last test
        panel = f"[...jupyterapp.shell.widgets('main')].find(w => w.context && w.context.path === '{name}')"
        page.wait_for_function(f"window.jupyterapp && {panel}?.sessionContext?.session?.kernel?.status === 'idle'",
                               timeout=120_000)
        # Run All, then wait until every code cell has run (or one failed) and the kernel is idle
        page.evaluate(f"{panel}.content.activate(), jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(f"""() => {{
            const panel = {panel};
            const cells = panel.content.widgets.filter(c => c.model.type === 'code');
            const failed = cells.some(c => c.model.outputs.toJSON().some(o => o.output_type === 'error'));
            return panel.sessionContext.session?.kernel?.status === 'idle'
                && (failed || cells.every(c => c.model.executionCount !== null));
        }}""", timeout=RUN_ALL_TIMEOUT, polling=500)
        outputs = page.evaluate(f"""() => {panel}.content.widgets
            .filter(c => c.model.type === 'code').map(c => c.model.outputs.toJSON())""")
        assert [o for cell in outputs for o in cell if o["output_type"] == "error"] == []
        tracebacks = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]',
                                  has_text="Traceback")
        assert tracebacks.count() == 0, tracebacks.first.inner_text()
        assert page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]').count() == 0

        # the slider: focus its handle, move it with the keyboard, and the figure is redrawn
        cell = page.locator(".jp-CodeCell", has=page.locator(".widget-slider")).first
        figure = cell.locator(".widget-output img").first
        figure.scroll_into_view_if_needed()
        before_src = figure.get_attribute("src")
        before = figure.screenshot(path=str(screenshots / f"{Path(name).stem}_slider_before.png"))
        handle = cell.locator(".widget-slider .noUi-handle").first
        handle.focus()
        for key in ("ArrowRight", "ArrowRight", "ArrowRight", "ArrowLeft"):
            page.keyboard.press(key)
        page.wait_for_function("([cell, src]) => { const img = cell.querySelector('.widget-output img');"
                               " return img && img.getAttribute('src') !== src; }",
                               arg=[cell.element_handle(), before_src], timeout=60_000)
        page.wait_for_timeout(300)  # let the new image decode
        after = cell.locator(".widget-output img").first.screenshot(
            path=str(screenshots / f"{Path(name).stem}_slider_after.png"))
        cell.screenshot(path=str(screenshots / f"{Path(name).stem}_widget_moved.png"))
        assert before != after, "moving the slider did not change the figure's pixels"
        print(f"{name}: console errors {errors}")
        assert real_errors(errors) == []
    finally:
        page.close()


def test_a_deck_opens_offline_with_its_slides(browser, screenshots):
    deck = ROOT / "build" / "slides" / f"{DECK}.slides.html"
    assert deck.exists(), f"{deck} is missing: run make slides"
    expected = slide_count(nbformat.read(ROOT / "notebooks" / f"{DECK}.ipynb", as_version=4))
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors = watch_console(page)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(deck.as_uri())
        page.wait_for_selector(".reveal.ready", timeout=60_000)
        total = page.evaluate("""() => new Promise(done =>
            require(['lib/reveal.js/dist/reveal.js'], Reveal => done(Reveal.getTotalSlides())))""")
        assert total == expected
        # the first slide with mathematics, typeset by the local MathJax
        page.wait_for_function("window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0"
                               " && document.querySelector('.MathJax_CHTML, .mjx-chtml') !== null", timeout=60_000)
        indices = page.evaluate("""() => new Promise(done => require(['lib/reveal.js/dist/reveal.js'], Reveal => {
            const slide = Reveal.getSlides().find(s => s.querySelector('.mjx-chtml'));
            Reveal.slide(...Object.values(Reveal.getIndices(slide)));
            done(Reveal.getIndices()); }))""")
        page.wait_for_timeout(1000)  # the slide transition
        page.screenshot(path=str(screenshots / f"{DECK}_slide_{indices['h'] + 1}.png"))
        assert [u for u in requests if not u.startswith(("file://", "data:"))] == []
        assert real_errors(errors) == []
    finally:
        page.close()


def test_a_trusted_notebook_shows_its_saved_widget_before_any_cell_runs(browser, lab, screenshots):
    """`make lab` trusts the series' notebooks: JupyterLab then draws each widget from the state
    saved with the notebook — the slider and its figure — before the kernel runs anything.
    Untrusted, the same cell shows only the widget's text repr (`VBox(children=…`)."""
    base, token, notebooks = lab
    trusted, untrusted = "07_backprop_layer_by_layer.ipynb", "08_full_network_gradient_check.ipynb"
    subprocess.run([sys.executable, "-m", "jupyter", "trust", str(notebooks / trusted)], check=True,
                   env=dict(os.environ, JUPYTER_DATA_DIR=str(notebooks.parent / "state" / "data")),
                   capture_output=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        for name, shown in [(trusted, True), (untrusted, False)]:
            page.goto(f"{base}/lab/tree/{name}?reset&token={token}")
            page.wait_for_selector(".jp-Notebook .jp-OutputArea-output", timeout=60_000)
            repr_cells = page.locator(".jp-OutputArea-output", has_text="VBox(children")
            if shown:
                page.locator(".widget-output img").first.wait_for(timeout=60_000)
                assert page.locator(".widget-slider").count() == 1 and repr_cells.count() == 0
                cell = page.locator(".jp-CodeCell", has=page.locator(".widget-slider")).first
                cell.scroll_into_view_if_needed()
                cell.screenshot(path=str(screenshots / f"{Path(name).stem}_saved_widget.png"))
            else:
                repr_cells.first.wait_for(timeout=60_000)
                assert page.locator(".widget-slider").count() == 0
    finally:
        page.close()
