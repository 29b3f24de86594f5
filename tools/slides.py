"""Slides: reveal.js metadata on every cell, and one offline reveal.js deck per notebook.

    python -m tools.slides metadata notebooks          write slideshow metadata (idempotent)
    python -m tools.slides build notebooks build/slides   decks + their JavaScript (or: make slides)

The slide type of a cell follows from its content, so it is never edited by hand (first rule
that matches wins):

1. the navigation cell (tools/navigation.py's marker)                  → skip
2. a check cell (``# CHECK <grade_id> (<n> points)``, tools/student.py) → skip: grading, not lesson;
   so are the Colab-only install cell and 00's badges (tools/open_anywhere.py)
3. a solution cell (``### BEGIN SOLUTION``)                            → fragment: the answer
   appears on a click, after the class has tried
4. markdown with a ``#`` or ``##`` heading line (anywhere in the cell)  → slide; an exercise's
   heading cell ("## Exercise …") is thus the slide that says "try it"
5. markdown that starts with an aside (``**The maths behind this** (optional)``, also quoted
   with ``>``) and has no heading                                       → notes (speaker notes)
6. markdown with a ``###`` heading, markdown right after a code cell (the reading of a result),
   and the markdown that states an exercise (the last one before a solution cell) → subslide
7. any other markdown (continuing the text above)                      → - (same slide)
8. any other code cell                                                   → - (with its output, on
   the slide of the text that introduces it)

So the lesson itself stays on the slides (long prose too: a deck scrolls, see ``build``) and only
asides marked optional become speaker notes.  The type is merged into ``metadata.slideshow``;
every other key (nbgrader, tags, …) stays as it is.

A deck is written by ``jupyter nbconvert --to slides`` with a template (tools/slides_template)
that leaves out nbconvert's mermaid loader (no notebook draws a diagram).  reveal.js, MathJax,
require.js and jQuery come from the npm registry (``npm pack``, versions in ``NPM_PACKAGES``),
with the widgets' HTML manager are unpacked next to the decks in ``build/slides/lib/`` and
referenced by relative URLs, so the
folder ``build/slides/`` opens from a USB stick with no network.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import nbformat

from tools.navigation import MARKER
from tools.open_anywhere import is_badge_cell, is_colab_cell
from tools.rewrite import rewrite_notebooks
from tools.student import is_check_cell, is_solution_cell

SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "skip", "notes")

# The one place the JavaScript versions are pinned.  reveal.js 5.x: nbconvert 7.17's reveal template
# loads dist/reveal.js, dist/reveal.css, dist/theme/<theme>.css and plugin/notes/notes.js (6.x moved
# the plugin to dist/plugin/notes.js); MathJax 2.7: the template calls MathJax.Hub (v2's API).
# @jupyter-widgets/html-manager 1.x renders the saved state of ipywidgets 8 (the sliders, and the
# figure of their Output) in the deck, without a kernel; nbconvert would load it from unpkg.
NPM_PACKAGES = {"reveal.js": "5.2.1", "mathjax": "2.7.9", "requirejs": "2.3.7", "jquery": "3.7.1",
                "@jupyter-widgets/html-manager": "1.0.15"}
# MathJax 2.7.9 unpacks to 63 MB; the decks need the TeX input, the CommonHTML output and its woff
# fonts.  Left out: the unminified copy, tests, SVG output and non-woff font formats.
MATHJAX_LEFT_OUT = re.compile(r"^(unpacked|test|docs)/|^jax/output/SVG/|^fonts/HTML-CSS/[^/]+/(eot|otf|svg)/")
LIB = "lib"  # build/slides/lib/<package>/ ; the decks refer to it relatively
URLS = {
    "reveal_url_prefix": f"{LIB}/reveal.js",
    "mathjax_url": f"{LIB}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "require_js_url": f"{LIB}/requirejs/require.js",
    "jquery_url": f"{LIB}/jquery/dist/jquery.min.js",
    "widget_renderer_url": f"{LIB}/@jupyter-widgets/html-manager/dist/embed-amd.js",
}
TEMPLATE_DIR = Path(__file__).resolve().parent / "slides_template"

HEADING = re.compile(r"^(#{1,6}) \S")
ASIDE = re.compile(r"^(>\s*)?\*\*[^*]+\*\*\s*\(optional\)")


def heading_levels(source: str) -> set[int]:
    """Levels of the Markdown headings in ``source`` (lines inside ``` fences are not headings)."""
    levels, fenced = set(), False
    for line in source.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and (match := HEADING.match(line)):
            levels.add(len(match[1]))
    return levels


def is_navigation_cell(cell) -> bool:
    return cell.cell_type == "markdown" and cell.source.startswith(MARKER)


def is_aside(cell) -> bool:
    return cell.cell_type == "markdown" and bool(ASIDE.match(cell.source.lstrip()))


def slide_types(notebook) -> list[str]:
    """The slide type of every cell of ``notebook``, by the rules in the module docstring."""
    cells = notebook.cells
    states_exercise = set()  # the last markdown cell before each solution cell
    for index, cell in enumerate(cells):
        if is_solution_cell(cell):
            before = [i for i in range(index) if cells[i].cell_type == "markdown"]
            if before:
                states_exercise.add(before[-1])
    types = []
    for index, cell in enumerate(cells):
        previous = cells[index - 1] if index else None
        if is_navigation_cell(cell) or is_check_cell(cell) or is_colab_cell(cell) or is_badge_cell(cell):
            types.append("skip")
        elif is_solution_cell(cell):
            types.append("fragment")
        elif cell.cell_type != "markdown":
            types.append("-")
        elif heading_levels(cell.source) & {1, 2}:
            types.append("slide")
        elif is_aside(cell) and not heading_levels(cell.source):
            types.append("notes")
        elif (3 in heading_levels(cell.source) or index in states_exercise
              or (previous is not None and previous.cell_type == "code")):
            types.append("subslide")
        else:
            types.append("-")
    return types


def with_slide_types(notebook):
    """The notebook with ``metadata.slideshow.slide_type`` set on every cell (other keys kept)."""
    for cell, slide_type in zip(notebook.cells, slide_types(notebook), strict=True):
        slideshow = cell.metadata.get("slideshow", {})
        cell.metadata["slideshow"] = {**slideshow, "slide_type": slide_type}
    return notebook


def slide_count(notebook) -> int:
    """How many slides (reveal.js sections, vertical ones included) the metadata makes: the first
    visible cell always opens one (as nbconvert does), then every slide or subslide cell."""
    types = [c.metadata.get("slideshow", {}).get("slide_type", "-") for c in notebook.cells]
    visible = [i for i, t in enumerate(types) if t not in ("skip", "notes")]
    if not visible:
        return 0
    return 1 + sum(t in ("slide", "subslide") for t in types[visible[0] + 1:])


def write_metadata(directory: str) -> None:
    rewrite_notebooks(directory, with_slide_types, "slideshow metadata")


# ---------------------------------------------------------------------------------------------
# Decks


def npm_tarball(name: str, version: str, cache: Path) -> Path:
    """``<cache>/<name>-<version>.tgz`` from the npm registry (``npm pack``), fetched once."""
    tarball = cache / f"{name.replace('/', '-').lstrip('@')}-{version}.tgz"
    if not tarball.exists():
        if shutil.which("npm") is None:
            raise FileNotFoundError("make slides fetches reveal.js and MathJax with npm: install Node.js "
                                    "(e.g. apt-get install -y npm), then run it again")
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", "--silent", f"{name}@{version}", "--pack-destination", str(cache)],
                       check=True, stdout=subprocess.DEVNULL)
    if not tarball.exists():
        raise FileNotFoundError(f"npm pack {name}@{version} did not write {tarball}")
    return tarball


def unpack(tarball: Path, target: Path, left_out: re.Pattern | None = None) -> None:
    """Unpack an npm tarball (its files under ``package/``) into ``target``, replacing it."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            relative = member.name.split("/", 1)[1] if "/" in member.name else ""
            if not member.isfile() or not relative or (left_out and left_out.search(relative)):
                continue
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.extractfile(member) as source, open(destination, "wb") as out:
                shutil.copyfileobj(source, out)


def install_libraries(out_dir: Path, cache: Path) -> None:
    """Every package of ``NPM_PACKAGES`` in ``out_dir/lib/<name>`` (kept when the version matches)."""
    for name, version in NPM_PACKAGES.items():
        target = out_dir / LIB / name
        stamp = target / ".version"
        if stamp.exists() and stamp.read_text() == version:
            continue
        unpack(npm_tarball(name, version, cache), target, MATHJAX_LEFT_OUT if name == "mathjax" else None)
        stamp.write_text(version)


def nbconvert_command(notebooks: list[Path], out_dir: Path) -> list[str]:
    return [
        sys.executable, "-m", "jupyter", "nbconvert", "--to", "slides",
        f"--TemplateExporter.extra_template_basedirs={TEMPLATE_DIR}", "--template=offline_reveal",
        *(f"--SlidesExporter.{option}={url}" for option, url in URLS.items()),
        "--SlidesExporter.reveal_theme=white", "--SlidesExporter.reveal_scroll=True",
        "--SlidesExporter.reveal_number=c/t", f"--output-dir={out_dir}",
        *map(str, notebooks),
    ]


def build(directory: str, out_dir: str, cache: str = "build/npm") -> list[Path]:
    """One deck ``<out_dir>/<name>.slides.html`` per notebook, with the libraries beside them."""
    out = Path(out_dir)
    notebooks = sorted(Path(directory).glob("*.ipynb"))
    install_libraries(out, Path(cache))
    subprocess.run(nbconvert_command(notebooks, out), check=True)
    decks = [out / f"{path.stem}.slides.html" for path in notebooks]
    for path, deck in zip(notebooks, decks, strict=True):
        print(f"{deck}: {slide_count(nbformat.read(path, as_version=4))} slides")
    return decks


if __name__ == "__main__":
    if sys.argv[1] == "metadata":
        write_metadata(sys.argv[2])
    elif sys.argv[1] == "build":
        build(*sys.argv[2:4])
    else:
        sys.exit(__doc__)
