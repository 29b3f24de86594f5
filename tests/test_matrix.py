"""The machine matrix (tools/matrix.py): which configurations it runs and how it builds them."""

import sys

import pytest

from tools import matrix


def by_name():
    return {c.name: c for c in matrix.configurations()}


def test_the_matrix_has_the_five_configurations_of_the_issue():
    configs = by_name()
    assert list(configs) == ["no-avx512", "no-avx2", "colab", "lowest", "py3.13"]
    assert configs["no-avx512"].disable == ("avx512",)
    assert configs["no-avx2"].disable == ("avx512", "avx2")
    assert configs["colab"].python == "3.12" and configs["py3.13"].python == "3.13"
    assert configs["colab"].pins == {"numpy": "2.1.3", "scipy": "1.15.3", "matplotlib": "3.10.0",
                                     "ipywidgets": "7.7.1", "ipykernel": "6.17.1"}


def test_lowest_pins_every_lower_bound_of_pyproject():
    pins = by_name()["lowest"].pins
    assert pins["numpy"] == "1.24" and pins["matplotlib"] == "3.7" and pins["ipywidgets"] == "7.6"
    assert {"scipy", "pytest", "nbval", "hypothesis", "jupyterlab", "ipykernel"} <= set(pins)
    assert "numpy==1.24\n" in matrix.constraints_for(by_name()["lowest"])
    assert pins["ruff"] == "0.17.5"  # an exact pin of the test extra is its own lowest version


def test_colab_constraints_override_the_lock_and_py313_uses_the_lock():
    colab = matrix.constraints_for(by_name()["colab"]).splitlines()
    assert "numpy==2.1.3" in colab and not any(line.startswith("jupyterlab==") for line in colab)
    py313 = matrix.constraints_for(by_name()["py3.13"]).splitlines()
    lock = [line for line in (matrix.ROOT / "constraints.txt").read_text().splitlines()
            if line and not line.startswith("#")]
    assert py313 == lock


@pytest.mark.parametrize("found, classes, expected", [
    (["X86_V3", "X86_V4", "AVX512_ICL"], ("avx512",), ["X86_V4", "AVX512_ICL"]),           # NumPy ≥ 2.4
    (["X86_V3", "X86_V4", "AVX512_ICL"], ("avx512", "avx2"), ["X86_V3", "X86_V4", "AVX512_ICL"]),
    (["SSE42", "AVX2", "FMA3", "AVX512F", "AVX512_SKX"], ("avx512",), ["AVX512F", "AVX512_SKX"]),  # older
    (["SSE42", "AVX2", "FMA3", "AVX512F"], ("avx512", "avx2"), ["AVX2", "FMA3", "AVX512F"]),
    (["X86_V3"], ("avx512",), []),                                  # an AVX2-only CPU: nothing to switch off
])
def test_only_features_the_cpu_has_are_switched_off(monkeypatch, found, classes, expected):
    monkeypatch.setattr(matrix, "found_features", lambda python: found)
    config = matrix.Config("x", "x", disable=classes)
    assert matrix.disabled_features(config, sys.executable) == expected


def test_found_features_reads_this_numpy():
    found = matrix.found_features(sys.executable)
    assert isinstance(found, list) and all(isinstance(f, str) for f in found)


def test_a_missing_python_version_is_reported_not_guessed():
    assert matrix.find_python("2.99") is None


def test_unknown_configuration_names_are_refused():
    with pytest.raises(SystemExit, match="unknown configuration"):
        matrix.main(["no-such-config"])
