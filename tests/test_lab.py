"""Smoke test: JupyterLab, started the way `make lab` starts it, serves the series.

Starts a headless server on a free localhost port (tools/lab_server.py), fetches notebook 01
through the REST API, checks it parses as a notebook, and always stops the server by its PID.
"""

import json
from pathlib import Path

import nbformat
import pytest

from tools.lab_server import get
from tools.lab_server import lab_server as start_lab_server

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def lab_server(tmp_path):
    with start_lab_server(ROOT, tmp_path) as server:
        yield server


def test_lab_serves_notebook_01(lab_server):
    base, token = lab_server
    status, body = get(f"{base}/api/contents/notebooks/01_numerical_derivative.ipynb?content=1&type=notebook", token)
    assert status == 200
    model = json.loads(body)
    assert model["type"] == "notebook"
    notebook = nbformat.from_dict(model["content"])
    nbformat.validate(notebook)
    assert "One derivative, two ways" in "".join(notebook.cells[0].source)

    status, page = get(f"{base}/lab", token)
    assert status == 200 and b"JupyterLab" in page
