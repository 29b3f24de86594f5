"""Shared test setup: a non-interactive matplotlib backend, and no figure left open by a test."""

import matplotlib

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
