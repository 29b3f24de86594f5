"""The decks of `make slides`: one per notebook, as many slides as the metadata implies, and
nothing loaded from the network (every script and style sheet is a file beside the decks)."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest

from tools.slides import URLS, slide_count

from decks import cdn_references, parse_deck

ROOT = Path(__file__).resolve().parents[1]
SLIDES = ROOT / "build" / "slides"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def deck_of(notebook: Path) -> Path:
    return SLIDES / f"{notebook.stem}.slides.html"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_has_a_deck_with_the_slides_its_metadata_implies(notebook):
    deck = deck_of(notebook)
    assert deck.exists(), f"{deck} is missing: run make slides"
    assert parse_deck(deck.read_text()).slides == slide_count(nbformat.read(notebook, as_version=4))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_deck_loads_nothing_from_a_cdn_and_every_file_it_loads_is_there(notebook):
    html = deck_of(notebook).read_text()
    assert cdn_references(html) == []
    loaded = parse_deck(html).urls + [URLS["widget_renderer_url"], f"{URLS['reveal_url_prefix']}/dist/reveal.js",
                                      f"{URLS['reveal_url_prefix']}/plugin/notes/notes.js"]
    for url in loaded:
        if not url.startswith("data:"):
            assert (SLIDES / urlsplit(url).path).is_file(), f"{notebook.stem}: {url} is not in {SLIDES}"


def test_the_theme_loads_its_fonts_from_the_folder():
    theme = re.search(r'href="([^"]+/theme/[^"]+\.css)"', deck_of(NOTEBOOKS[0]).read_text())[1]
    imports = re.findall(r"@import url\(([^)]+)\)", (SLIDES / theme).read_text())
    assert all(not i.strip("'\"").startswith(("http", "//")) for i in imports), imports
