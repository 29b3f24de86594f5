"""Smoke test: JupyterLab, started the way `make lab` starts it, serves the series.

Starts a headless server on a free localhost port, fetches notebook 01 through the REST API,
checks it parses as a notebook, and always stops the server.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT = 90  # seconds; the loop below returns as soon as the server answers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, token: str):
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


@pytest.fixture
def lab_server(tmp_path):
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_DATA_DIR=str(tmp_path / "data"))
    env.pop("JUPYTER_TOKEN", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={ROOT}", *(["--allow-root"] if os.geteuid() == 0 else [])],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"jupyter lab exited early: {server.stderr.read().decode()[-2000:]}")
            try:
                if get(f"{base}/api/status", token)[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"jupyter lab did not answer within {STARTUP_TIMEOUT} s")
            time.sleep(0.1)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stderr.close()


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
