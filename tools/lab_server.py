"""JupyterLab for the tests, started the way `make lab` starts it, and always stopped by its PID.

    with lab_server(root_dir, state_dir) as (base_url, token):
        ...

A headless server from the running Python (the project's .venv) on a free localhost port with a
random token; its runtime, config and data directories and its log (``lab.log``) live in
``state_dir``, so nothing of the user's Jupyter setup is read or written.  On exit the server's
process group (the server and the kernels it started) is terminated by its PID, and killed if it
does not stop within 15 s.  Used by tests/test_lab.py and browser_tests/.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

STARTUP_TIMEOUT = 90  # seconds; the loop returns as soon as the server answers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, token: str):
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


def _stop(server: subprocess.Popen) -> None:
    """SIGTERM to the server's process group (its PID), then SIGKILL after 15 s."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 15)):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            break
        try:
            server.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError):  # kernels left in the group after the server exited
        os.killpg(server.pid, signal.SIGKILL)


@contextlib.contextmanager
def lab_server(root_dir: Path, state_dir: Path, extra_args: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(state_dir / "runtime"),
               JUPYTER_CONFIG_DIR=str(state_dir / "config"), JUPYTER_DATA_DIR=str(state_dir / "data"))
    env.pop("JUPYTER_TOKEN", None)
    state_dir.mkdir(parents=True, exist_ok=True)
    log_path = state_dir / "lab.log"  # a file, not a pipe: a full pipe would block a long-running server
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
             "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
             f"--ServerApp.root_dir={root_dir}", *(["--allow-root"] if os.geteuid() == 0 else []), *extra_args],
            cwd=root_dir, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the kernels are stopped with it
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"jupyter lab exited early: {log_path.read_text(errors='replace')[-2000:]}")
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
            _stop(server)
