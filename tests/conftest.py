"""Shared test setup: a non-interactive matplotlib backend, no figure left open by a test, and
Hypothesis examples that are the same on every run (no example database, derandomized), so a
test never depends on an earlier run and CI is not a lottery.  For a random search over new
examples: HYPOTHESIS_PROFILE=explore GRADCHECK_EXAMPLES=600 .venv/bin/python -m pytest tests."""

import os

import matplotlib
from hypothesis import settings

settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _no_open_figures():
    plt.close("all")
    yield
    open_figures = plt.get_fignums()
    plt.close("all")
    assert not open_figures, f"a test left {len(open_figures)} matplotlib figure(s) open"
