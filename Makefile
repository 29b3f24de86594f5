# The two commands:  make lab  (install and open the series)   make test  (install and run every test)
# Both install into .venv/ from the exact pins in constraints.txt, and skip the install when
# neither pyproject.toml nor constraints.txt changed since the last one.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip --disable-pip-version-check
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=600

.PHONY: install lab lint test test-fast test-matrix test-nbgrader test-browser slides mutation student bench lock clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed; run: make PYTHON=python3.11 ...")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet -c constraints.txt -e ".[lab,test]"
	@touch $@

# JupyterLab refuses to run as root unless told; containers and CI machines often are root
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

# opens the student versions (exercises blank, lessons with their outputs) for study; each links
# to its solved notebook in notebooks/. The series' own notebooks are trusted first, so JupyterLab
# draws every widget (slider and figure) from its saved state before any cell runs
lab: $(STAMP) student/00_start_here.ipynb
	$(BIN)/jupyter trust --log-level=WARN notebooks/*.ipynb student/*.ipynb
	$(BIN)/jupyter lab $(ALLOW_ROOT) student/00_start_here.ipynb

student/00_start_here.ipynb:
	$(BIN)/python -m tools.student notebooks student

# ruff (rules in pyproject.toml) over the library, tests, tools, benchmarks and notebooks
lint: $(STAMP)
	$(BIN)/ruff check helpers tests tools benchmarks notebooks

# lint first: a lint finding fails make test before the notebooks run
test: lint
	$(BIN)/python -m pytest $(NBVAL) tests notebooks

# unit tests only, no notebooks (quick loop while writing helpers)
test-fast: $(STAMP)
	$(BIN)/python -m pytest tests

# the same tests on other machines: NumPy's AVX-512 / AVX2 code paths off, Colab's versions on
# Python 3.12, the lowest supported versions, Python 3.13 (tools/matrix.py; envs in .venv-matrix/)
test-matrix: $(STAMP)
	$(BIN)/python -m tools.matrix

# student versions of every notebook in student/: solutions replaced by NotImplementedError,
# hidden tests removed, every lesson output kept
student: $(STAMP)
	$(BIN)/python -m tools.student notebooks student

# a real nbgrader course in a temporary folder: generate_assignment, autograde of a blank and a
# solved submission (0 and full points, part by part), validate, generate_feedback.
# nbgrader lives in its own environment, .venv-nbgrader/, not in the pinned .venv
NBGRADER := .venv-nbgrader
$(NBGRADER)/.installed: pyproject.toml constraints.txt
	@test -x $(NBGRADER)/bin/python || $(PYTHON) -m venv $(NBGRADER)
	$(NBGRADER)/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt "nbgrader==0.9.6" -e .
	@touch $@

test-nbgrader: $(NBGRADER)/.installed
	$(NBGRADER)/bin/python -m tools.nbgrader_run

# one reveal.js deck per notebook: build/slides/<notebook>.slides.html, from the committed outputs
# (jupyter nbconvert --to slides).  reveal.js, MathJax, require.js, jQuery and the widgets' HTML
# manager come from the npm registry (npm pack, versions in tools/slides.py, cached in build/npm/)
# into build/slides/lib/, referenced relatively: copy build/slides/ anywhere, it needs no network.
# Slide types: python -m tools.slides metadata notebooks (rules in tools/slides.py)
slides: $(STAMP)
	$(BIN)/python -m tools.slides build notebooks build/slides

# a lecturer's session in headless Chromium: Debian's /usr/bin/chromium (apt-get install -y chromium;
# never `playwright install`) driven by Playwright: JupyterLab runs the widget notebooks, a slider
# moved with the keyboard redraws its figure, a deck opens offline with all its slides.
# Screenshots in build/screenshots/.  browser_tests/ is not part of make test.
BROWSER_STAMP := $(VENV)/.installed-browser
$(BROWSER_STAMP): $(STAMP)
	$(PIP) install --quiet -c constraints.txt -e ".[lab,test,browser]"
	@touch $@

test-browser: $(BROWSER_STAMP) slides
	$(BIN)/python -m pytest -p no:cacheprovider browser_tests
# mutation testing: mutmut 3.8.1 plants small bugs in helpers/ (not plots.py, widgets.py) and runs
# the unit tests against each; prints the score per module (tools/mutation_score.py; config in
# pyproject.toml [tool.mutmut]; scores and equivalent mutants in tests/README.md). Not part of
# make test: it takes minutes. Only some mutants: make mutation MUTANTS="helpers.derivatives*"
# mutmut lives in .venv-mutation/, not in the pinned .venv; helpers is NOT installed there, so the
# tests import the mutated copy in mutants/ (an editable install's finder would win over it)
MUTATION := .venv-mutation
MUTANTS  ?=
$(MUTATION)/.installed: pyproject.toml constraints.txt
	@test -x $(MUTATION)/bin/python || $(PYTHON) -m venv $(MUTATION)
	$(MUTATION)/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt "mutmut==3.8.1" -e ".[test]"
	$(MUTATION)/bin/python -m pip uninstall --quiet --disable-pip-version-check -y gradient-checking-series
	@touch $@

mutation: $(MUTATION)/.installed
	nice -n 10 $(MUTATION)/bin/mutmut run $(MUTANTS)
	$(MUTATION)/bin/python -m tools.mutation_score

# torch (CPU build) and the benchmarks; not part of make test
bench: $(STAMP)
	$(PIP) install --quiet -c constraints.txt "torch==2.13.0"
	$(BIN)/python benchmarks/bench_gradcheck.py
	$(BIN)/python benchmarks/bench_practice.py

# re-resolve the newest versions and rewrite constraints.txt (then update environment.yml to match)
lock:
	rm -rf /tmp/gradcheck-lock-venv && $(PYTHON) -m venv /tmp/gradcheck-lock-venv
	/tmp/gradcheck-lock-venv/bin/python -m pip install --quiet -e ".[lab,test,browser]"
	echo "# Exact pins for .venv (make lab / make test). Regenerate with: make lock. Keep environment.yml equal (tested)." > constraints.txt
	/tmp/gradcheck-lock-venv/bin/python -m pip freeze --exclude-editable >> constraints.txt

clean:
	rm -rf $(VENV) .venv-matrix $(NBGRADER) $(MUTATION) mutants student build .pytest_cache .hypothesis
