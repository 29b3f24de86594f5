"""Chromium (Debian's, /usr/bin/chromium) driven by Playwright's Python API, and JupyterLab from
the project's .venv on a free localhost port.  No browser is ever downloaded (no `playwright
install`): a missing Chromium is a failure, never a skip — install it with
`apt-get install -y chromium` (.ci/run does)."""

import json
import shutil
from pathlib import Path

import pytest

from tools.lab_server import lab_server

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "build" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (make test-browser never downloads a browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving a copy of notebooks/ (Run All never touches the repository's notebooks),
    with every cell rendered (no windowing) and the app exposed as window.jupyterapp for the test."""
    work = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", work / "notebooks")
    state = work / "state"
    settings = state / "config" / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    with lab_server(work / "notebooks", state, ("--LabApp.expose_app_in_browser=True",)) as (base, token):
        yield base, token, work / "notebooks"
