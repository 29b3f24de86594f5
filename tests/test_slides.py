"""Slides: the slide-type rules of tools/slides.py (pure Python, so they run in every configuration
of the machine matrix).  The decks themselves (make slides) are checked by make test-browser:
browser_tests/test_decks.py reads every deck, browser_tests/test_browser.py opens one in Chromium."""

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tools.navigation import MARKER, with_navigation
from tools.slides import NPM_PACKAGES, SLIDE_TYPES, URLS, slide_count, slide_types, with_slide_types

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def lesson():
    """A small notebook with every kind of cell the rules know."""
    return new_notebook(cells=[
        new_markdown_cell("# 09 — A title\n\nWhat you will learn."),           # 0 slide
        new_code_cell("import numpy as np"),                                   # 1 -
        new_markdown_cell("## A section\n\nIts text."),                        # 2 slide
        new_markdown_cell("More text, right below."),                          # 3 -
        new_code_cell("x = 1\nx"),                                             # 4 -
        new_markdown_cell("What the output says."),                            # 5 subslide
        new_markdown_cell("**The maths behind this** (optional): a long aside."),  # 6 notes
        new_markdown_cell("The end of a section.\n\n## The next one\n\nText."),     # 7 slide
        new_markdown_cell("### A smaller part"),                               # 8 subslide
        new_markdown_cell("```\n# not a heading\n```\nText."),                 # 9 -
        new_markdown_cell("## Exercise — try it\n\nWrite f."),                 # 10 slide
        new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"),  # 11 fragment
        new_code_cell("# CHECK nb09_f (1 point)\nassert f() == 1"),            # 12 skip
        new_markdown_cell("Now the second part."),                             # 13 subslide
        new_code_cell("def g():\n    ### BEGIN SOLUTION\n    return 2\n    ### END SOLUTION"),  # 14 fragment
        new_code_cell("# CHECK nb09_g (1 point)\nassert g() == 2"),            # 15 skip
        new_markdown_cell(MARKER + "\n\nnext: …"),                             # 16 skip
    ])


EXPECTED = ["slide", "-", "slide", "-", "-", "subslide", "notes", "slide", "subslide", "-", "slide",
            "fragment", "skip", "subslide", "fragment", "skip", "skip"]


def test_the_rules_on_every_kind_of_cell():
    assert slide_types(lesson()) == EXPECTED


def test_metadata_is_merged_and_idempotent():
    notebook = lesson()
    notebook.cells[11].metadata["nbgrader"] = {"solution": True, "grade_id": "nb09_f_answer"}
    notebook.cells[4].metadata["tags"] = ["keep"]
    notebook.cells[4].metadata["slideshow"] = {"slide_type": "slide", "data": {"x": "1"}}
    once = nbformat.writes(with_slide_types(notebook))
    assert nbformat.writes(with_slide_types(nbformat.reads(once, as_version=4))) == once
    assert notebook.cells[11].metadata["nbgrader"] == {"solution": True, "grade_id": "nb09_f_answer"}
    assert notebook.cells[4].metadata["tags"] == ["keep"]
    assert notebook.cells[4].metadata["slideshow"] == {"slide_type": "-", "data": {"x": "1"}}
    assert all(c.metadata["slideshow"]["slide_type"] in SLIDE_TYPES for c in notebook.cells)


def test_slide_count_is_the_slide_and_subslide_cells():
    assert slide_count(with_slide_types(lesson())) == EXPECTED.count("slide") + EXPECTED.count("subslide")
    hidden_start = with_slide_types(lesson())
    hidden_start.cells[0].metadata["slideshow"]["slide_type"] = "skip"
    hidden_start.cells[1].metadata["slideshow"]["slide_type"] = "fragment"  # nbconvert opens a slide here
    assert slide_count(hidden_start) == EXPECTED.count("slide") + EXPECTED.count("subslide")


def test_the_javascript_is_pinned_in_one_place_and_referenced_relatively():
    assert all(version.count(".") == 2 and version[0].isdigit() for version in NPM_PACKAGES.values())
    assert NPM_PACKAGES["reveal.js"].split(".")[0] in ("4", "5")  # nbconvert 7's template: plugin/notes/notes.js
    assert NPM_PACKAGES["mathjax"].startswith("2.")  # the template calls MathJax.Hub (MathJax 2)
    assert all(not url.startswith(("/", "http")) for url in URLS.values())


def test_rewriting_the_navigation_keeps_its_slide_type():
    notebook = with_slide_types(lesson())
    with_navigation(notebook, MARKER + "\n\nother links")
    assert notebook.cells[-1].metadata["slideshow"] == {"slide_type": "skip"}
    assert slide_types(notebook) == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_cell_has_a_valid_slide_type(path):
    notebook = nbformat.read(path, as_version=4)
    missing = [i for i, c in enumerate(notebook.cells)
               if c.metadata.get("slideshow", {}).get("slide_type") not in SLIDE_TYPES]
    assert missing == [], f"{path.name}: cells {missing}: run `python -m tools.slides metadata notebooks`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_metadata_script_changes_nothing_on_the_committed_notebooks(path):
    before = nbformat.writes(nbformat.read(path, as_version=4))
    assert nbformat.writes(with_slide_types(nbformat.read(path, as_version=4))) == before, (
        f"{path.name}: run `python -m tools.slides metadata notebooks`")
