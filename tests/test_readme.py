"""The README's Python examples run as written, and its make targets exist."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_the_readme_has_python_examples():
    assert BLOCKS


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.splitlines()[0][:40])
def test_each_python_block_runs_as_written(block):
    namespace = {}
    exec(compile(block, "README.md", "exec"), namespace)  # the README's own example
    if "report" in namespace:  # the first example: the planted bugs of notebook 08 are found
        assert namespace["report"].status == "failed"
        assert namespace["report"].failing_params == ["b1", "W2"]


def test_every_make_target_the_readme_names_exists():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z-]+):", makefile, flags=re.M))
    named = set(re.findall(r"`make ([a-z-]+)`", README)) | set(re.findall(r"^make ([a-z-]+)", README, flags=re.M))
    assert named and named <= targets, f"README names make targets the Makefile lacks: {named - targets}"
