"""The pins: constraints.txt (pip, .venv) and environment.yml (conda, Binder) must agree."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[normalize(name)] = version
    return pins


def conda_pins() -> dict[str, str]:
    spec = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = {}
    for dep in spec["dependencies"]:
        if isinstance(dep, str) and dep not in ("pip",) and not dep.startswith("python="):
            name, version = dep.split("=", 1)
            pins[normalize(name)] = version
    return pins


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def requirement_name(requirement: str) -> str:
    return normalize(re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0])


def test_every_lock_line_is_an_exact_pin():
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.+\-]+", line), f"not an exact pin: {line!r}"


def test_environment_yml_pins_equal_the_lock():
    lock, conda = lock_pins(), conda_pins()
    assert conda, "environment.yml lists no pinned packages"
    differ = {name: (version, lock.get(name)) for name, version in conda.items() if lock.get(name) != version}
    assert not differ, f"environment.yml and constraints.txt disagree (yml, lock): {differ}"


def test_every_direct_dependency_is_pinned_in_both():
    project = pyproject()["project"]
    direct = list(project["dependencies"])
    for extra in ("lab", "test", "browser"):
        direct += project["optional-dependencies"][extra]
    names = {requirement_name(r) for r in direct}
    lock, conda = lock_pins(), conda_pins()
    assert names - set(lock) == set(), f"direct dependencies missing from constraints.txt: {names - set(lock)}"
    assert names - set(conda) == set(), f"direct dependencies missing from environment.yml: {names - set(conda)}"


def test_environment_yml_installs_the_package_and_python_3_11_or_newer():
    spec = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d for d in spec["dependencies"] if isinstance(d, dict))["pip"]
    assert "-e ." in pip_section
    python = next(d for d in spec["dependencies"] if isinstance(d, str) and d.startswith("python="))
    major, minor = map(int, python.split("=")[1].split(".")[:2])
    assert (major, minor) >= (3, 11)
    assert pyproject()["project"]["requires-python"] == ">=3.11"


def test_pyproject_dependencies_are_lower_bounds_only():
    project = pyproject()["project"]
    for requirement in project["dependencies"]:
        assert "==" not in requirement and "<" not in requirement, requirement


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert "make test-browser" in (ROOT / ".ci" / "run").read_text()
    assert "make test" in (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "--nbval " in makefile and "--nbval-lax" not in makefile
