"""The machine matrix: the whole test suite (unit tests + strict nbval) in other configurations.

    python -m tools.matrix              (or: make test-matrix)      every configuration
    python -m tools.matrix colab lowest                            only these

A learner's machine differs from the one the notebooks' outputs were recorded on in its CPU
(which SIMD code paths NumPy takes), its NumPy/SciPy/matplotlib/ipywidgets versions and its
Python. Each configuration below re-runs ``pytest tests notebooks`` with the Makefile's strict
nbval options; the stored outputs must reproduce in all of them (the printing rule).

- ``no-avx512`` / ``no-avx2``: the pinned ``.venv`` with NumPy's AVX-512 (then also AVX2) dispatch
  targets switched off through ``NPY_DISABLE_CPU_FEATURES``. Only features this CPU reports as
  found are listed; a feature it lacks is skipped (a machine without AVX-512 runs the same code
  as the pinned configuration, and says so). No ``OPENBLAS_*`` variable is ever set.
- ``colab``: Google Colab's versions on Python 3.12.
- ``lowest``: every direct dependency at the lower bound ``pyproject.toml`` declares.
- ``py3.13``: the pins of ``constraints.txt`` on Python 3.13.

The environments other than the pinned one live in ``.venv-matrix/<name>`` and are reinstalled
only when their requirements, ``pyproject.toml`` or ``constraints.txt`` change. A table of
configuration -> result is printed at the end; the exit status is non-zero if any failed.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MATRIX = ROOT / ".venv-matrix"
PINNED_PYTHON = ROOT / ".venv" / "bin" / "python"
NBVAL = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg",
         "--nbval-cell-timeout=600"]

# Google Colab's runtime (checked against its package list, 2025-2026 image)
COLAB = {"numpy": "2.1.3", "scipy": "1.15.3", "matplotlib": "3.10.0", "ipywidgets": "7.7.1",
         "ipykernel": "6.17.1"}


@dataclass
class Config:
    name: str
    what: str
    python: str | None = None          # a Python version to look for (pyenv), None: the pinned .venv
    pins: dict[str, str] = field(default_factory=dict)   # name -> exact version, over constraints.txt
    use_lock: bool = True              # also apply constraints.txt to everything not in pins
    disable: tuple[str, ...] = ()      # NumPy CPU-feature classes to switch off
    note: str = ""


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lower_bounds() -> dict[str, str]:
    """name -> version for every ``name>=version`` requirement of pyproject.toml (runtime and extras),
    and for a ``name==version`` one (ruff: an exact pin is its own lowest version)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in ("lab", "test"):
        requirements += project["optional-dependencies"][extra]
    bounds = {}
    for requirement in requirements:
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*[>=]=\s*([0-9][0-9A-Za-z.]*)", requirement.strip())
        if not match:
            raise ValueError(f"pyproject.toml: {requirement!r} is not of the form name>=version or name==version")
        bounds[normalize(match[1])] = match[2]
    return bounds


def configurations() -> list[Config]:
    return [
        Config("no-avx512", "pinned .venv, NumPy's AVX-512 code paths off", disable=("avx512",)),
        Config("no-avx2", "pinned .venv, NumPy's AVX-512 and AVX2 code paths off", disable=("avx512", "avx2")),
        Config("colab", "Colab's versions: " + ", ".join(f"{k} {v}" for k, v in COLAB.items()),
               python="3.12", pins=COLAB, use_lock=False),
        Config("lowest", "the lower bounds of pyproject.toml", pins=lower_bounds(), use_lock=False),
        Config("py3.13", "constraints.txt on Python 3.13", python="3.13"),
    ]


# --- CPU features -------------------------------------------------------------------------

def is_avx512(feature: str) -> bool:
    return feature.startswith("AVX512") or feature == "X86_V4"


def is_avx2(feature: str) -> bool:
    return feature in ("AVX2", "FMA3", "F16C", "AVX", "X86_V3")


FEATURE_CLASSES = {"avx512": is_avx512, "avx2": is_avx2}


def found_features(python: str) -> list[str]:
    """The SIMD dispatch targets NumPy (in that interpreter) found on this CPU, as show_runtime() lists them."""
    names = "__cpu_features__ as f, __cpu_dispatch__ as d"
    code = ("import numpy, json\n"
            f"try:\n from numpy._core._multiarray_umath import {names}\n"
            f"except ImportError:\n from numpy.core._multiarray_umath import {names}\n"
            "print(json.dumps([x for x in d if f.get(x)]))")
    import json
    return json.loads(subprocess.run([python, "-c", code], check=True, capture_output=True, text=True).stdout)


def disabled_features(config: Config, python: str) -> list[str]:
    if not config.disable:
        return []
    found = found_features(python)
    return [f for f in found if any(FEATURE_CLASSES[c](f) for c in config.disable)]


# --- environments -------------------------------------------------------------------------

def find_python(version: str) -> str | None:
    """An interpreter of that minor version that really runs: pyenv's, or one on PATH.

    (A pyenv shim such as ``python3.12`` is on PATH even when pyenv's global version is another
    one, and then fails with exit status 127, so each candidate is tried.)
    """
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates = sorted(glob.glob(str(pyenv_root / "versions" / f"{version}.*" / "bin" / "python3")))[::-1]
    candidates.append(shutil.which(f"python{version}"))
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-c", "import sys, venv; print(sys.version_info[:2])"],
                               capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip() == str(tuple(map(int, version.split(".")))):
            return candidate
    return None


def constraints_for(config: Config) -> str:
    """The constraint lines for a configuration: its pins, plus the lock for everything else."""
    lines = [f"{name}=={version}" for name, version in config.pins.items()]
    if config.use_lock:
        pinned = {normalize(n) for n in config.pins}
        for line in (ROOT / "constraints.txt").read_text().splitlines():
            line = line.split("#")[0].strip()
            if line and normalize(line.split("==")[0]) not in pinned:
                lines.append(line)
    return "\n".join(lines) + "\n"


def environment(config: Config) -> tuple[str, str]:
    """(python of the environment, how it was made) — installing it if it is missing or stale."""
    if config.python is None and not config.pins:
        if not PINNED_PYTHON.exists():
            raise SystemExit("the pinned .venv is missing: run `make install` first")
        return str(PINNED_PYTHON), "the pinned .venv"
    base = find_python(config.python) if config.python else sys.executable
    how = f"Python {config.python}" if config.python and base else "the default Python"
    if config.python and not base:
        config.note = f"no Python {config.python} on this machine: used the default Python"
        base = sys.executable
    venv = MATRIX / config.name
    constraints = constraints_for(config)
    key = hashlib.sha256((constraints + (ROOT / "pyproject.toml").read_text() + str(base)).encode()).hexdigest()
    stamp = venv / ".installed"
    python = venv / "bin" / "python"
    if not (stamp.exists() and stamp.read_text() == key and python.exists()):
        shutil.rmtree(venv, ignore_errors=True)
        venv.parent.mkdir(exist_ok=True)
        subprocess.run([base, "-m", "venv", str(venv)], check=True)
        (venv / "constraints.txt").write_text(constraints)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "-c", str(venv / "constraints.txt"), "-e", ".[test]"], check=True, cwd=ROOT)
        stamp.write_text(key)
    return str(python), how


# --- running ------------------------------------------------------------------------------

def counts(junit: Path) -> dict[str, int]:
    suite = ET.parse(junit).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    total = int(suite.get("tests", 0))
    failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    skipped = int(suite.get("skipped", 0))
    return {"run": total, "passed": total - failed - skipped, "failed": failed, "skipped": skipped}


def run(config: Config) -> dict:
    start = time.monotonic()
    python, how = environment(config)
    env = {k: v for k, v in os.environ.items() if k != "NPY_DISABLE_CPU_FEATURES"}
    disabled = disabled_features(config, python)
    if config.disable and not disabled:
        config.note = "this CPU has none of these features: same code paths as the pinned run"
    if disabled:
        env["NPY_DISABLE_CPU_FEATURES"] = " ".join(disabled)
    versions = subprocess.run(
        [python, "-c", "import sys, numpy, scipy, matplotlib, ipywidgets, ipykernel; "
                       "print(sys.version.split()[0], numpy.__version__, scipy.__version__, "
                       "matplotlib.__version__, ipywidgets.__version__, ipykernel.__version__)"],
        check=True, capture_output=True, text=True, env=env).stdout.split()
    junit = MATRIX / f"{config.name}.xml"
    MATRIX.mkdir(exist_ok=True)
    print(f"\n=== {config.name}: {config.what} ({how}; NPY_DISABLE_CPU_FEATURES="
          f"{env.get('NPY_DISABLE_CPU_FEATURES', '')!r})", flush=True)
    result = subprocess.run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *NBVAL,
                             f"--junitxml={junit}", "tests", "notebooks"], cwd=ROOT, env=env)
    numbers = counts(junit) if junit.exists() else {"run": 0, "passed": 0, "failed": 0, "skipped": 0}
    ok = result.returncode == 0 and numbers["run"] > 0
    return {"name": config.name, "ok": ok, "versions": versions, "disabled": disabled,
            "seconds": time.monotonic() - start, "note": config.note, **numbers}


def table(results: list[dict]) -> str:
    rows = ["| configuration | Python, numpy, scipy, matplotlib, ipywidgets, ipykernel | CPU features off "
            "| tests run | passed | failed | skipped | seconds | result |",
            "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        rows.append(f"| {r['name']} | {' '.join(r['versions'])} | {' '.join(r['disabled']) or '-'} "
                    f"| {r['run']} | {r['passed']} | {r['failed']} | {r['skipped']} | {r['seconds']:.0f} "
                    f"| {'PASS' if r['ok'] else 'FAIL'} |")
        if r["note"]:
            rows.append(f"|  ↳ {r['note']} |||||||||")
    return "\n".join(rows)


def main(names: list[str]) -> int:
    chosen = [c for c in configurations() if not names or c.name in names]
    unknown = set(names) - {c.name for c in configurations()}
    if unknown:
        raise SystemExit(f"unknown configuration(s) {sorted(unknown)}; choose from "
                         f"{[c.name for c in configurations()]}")
    results = [run(config) for config in chosen]
    print("\n" + table(results))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
