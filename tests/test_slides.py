"""Slides: the slide-type rules of tools/slides.py, and a reveal.js deck that needs no network.

The decks of every notebook (make slides) are checked by make test-browser, which also opens one
in Chromium; here one deck is written to a temporary folder (a few seconds, no npm needed: the
HTML only refers to the libraries)."""

import subprocess
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tools.navigation import MARKER
from tools.slides import (NPM_PACKAGES, SLIDE_TYPES, URLS, nbconvert_command, slide_count, slide_types,
                          with_slide_types)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


class DeckParser(HTMLParser):
    """The URLs a page loads (<script src>, <link href>) and its reveal.js slides (innermost <section>s)."""

    def __init__(self):
        super().__init__()
        self.urls, self.slides, self._open = [], 0, []  # _open: per open section, "has a child section"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        if tag == "section":
            if self._open:
                self._open[-1] = True
            self._open.append(False)

    def handle_endtag(self, tag):
        if tag == "section":
            self.slides += not self._open.pop()


def parse_deck(html: str) -> DeckParser:
    parser = DeckParser()
    parser.feed(html)
    return parser


def cdn_references(html: str) -> list[str]:
    """Loaded URLs that leave the machine, and the CDN hosts nbconvert's templates use, anywhere."""
    loaded = [u for u in parse_deck(html).urls if u.startswith(("http://", "https://", "//"))]
    hosts = [h for h in ("unpkg.com", "cdnjs.cloudflare.com", "cdn.jsdelivr.net", "fonts.googleapis.com")
             if h in html]
    return loaded + hosts


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


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    """Notebook 01 (with its committed metadata) as a deck in a temporary folder."""
    out = tmp_path_factory.mktemp("slides")
    path = ROOT / "notebooks" / "01_numerical_derivative.ipynb"
    subprocess.run(nbconvert_command([path], out), check=True, capture_output=True, cwd=ROOT)
    return path, (out / f"{path.stem}.slides.html").read_text()


def test_a_deck_has_the_slides_its_metadata_implies(deck):
    path, html = deck
    assert parse_deck(html).slides == slide_count(nbformat.read(path, as_version=4))


def test_a_deck_loads_nothing_from_a_cdn(deck):
    _, html = deck
    assert cdn_references(html) == []
    urls = parse_deck(html).urls
    for option in ("reveal_url_prefix", "mathjax_url", "require_js_url", "jquery_url"):
        assert any(u.startswith(URLS[option]) for u in urls) or URLS[option] in html, option
