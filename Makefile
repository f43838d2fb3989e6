# Two entry points, both self-contained on a fresh machine: they create .venv and install what they need.
#   make demo   the gate end to end on examples/ (local build-hook receiver, local ledger)
#   make test   linters, type checks and the whole test suite (make unit: the fast unit tests alone)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP_RUN  := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test
# Wheels of the runtime lock, so tests can run action.yml's install step offline, as a runner would online.
WHEELHOUSE := $(VENV)/wheelhouse
STAMP_WHEELS := $(WHEELHOUSE)/.downloaded

.PHONY: demo test unit simulate lint typecheck lockcheck pytest oldest bench docs clean chromium emoji-font

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python >= 3.10 is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The runtime comes from the pinned lock, then the package itself without re-resolving dependencies.
$(STAMP_RUN): $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(STAMP_TEST): $(STAMP_RUN) requirements-test.lock
	$(BIN)/python -m pip install --quiet -r requirements-test.lock
	touch $@

$(STAMP_WHEELS): $(BIN)/python requirements.lock
	$(BIN)/python -m pip download --quiet --only-binary=:all: -r requirements.lock -d $(WHEELHOUSE)
	touch $@

# The demo leaves its ledger, config and versions page in demo-output/ (open demo-output/versions/index.html).
demo: $(STAMP_RUN)
	$(BIN)/vibe-gate demo --examples examples --keep demo-output

lint: $(STAMP_TEST)
	$(BIN)/ruff check vibe_action tests entrypoint.py scripts
	$(BIN)/ruff format --check vibe_action tests entrypoint.py scripts
	@out=$$($(BIN)/lint-imports 2>&1) || { echo "$$out"; exit 1; }; echo "lint-imports: $$(echo "$$out" | grep '^Contracts:')"
	$(BIN)/zizmor --offline --config zizmor.yml --quiet .github/workflows action.yml examples/workflow.yml

typecheck: $(STAMP_TEST)
	$(BIN)/mypy --strict vibe_action

# The suite under coverage (branches; the CLI and action subprocesses and pytest-xdist's workers too, through
# coverage's subprocess patch), across the machine's cores, then a floor just under what it reaches, so an
# untested new path fails the build.
COVERAGE_FLOOR := 91
# Headless Chromium from the OS packages: the browser tests (tests/e2e/test_versions_browser.py) and make docs open
# the versions page in it. Installed with apt when missing (as root, else with sudo); otherwise a clear error.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
		if command -v apt-get >/dev/null 2>&1; then \
			sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
			echo "installing Chromium from the OS packages (apt-get install -y chromium)"; \
			$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium >/dev/null; \
		else echo "the browser tests need Chromium: install the chromium package"; exit 2; fi; }

pytest: $(STAMP_TEST) $(STAMP_WHEELS) chromium
	rm -rf .coverage && mkdir -p .coverage
	VIBE_WHEELHOUSE=$(abspath $(WHEELHOUSE)) $(BIN)/coverage run -m pytest -q -n auto
	$(BIN)/coverage combine --quiet
	$(BIN)/coverage report --fail-under=$(COVERAGE_FLOOR) > .coverage/report.txt; \
		status=$$?; grep -E '^(Name|TOTAL) ' .coverage/report.txt; exit $$status

# The runtime lock must install on every supported Python: each version's pins have wheels on the registry.
lockcheck: $(STAMP_TEST)
	$(BIN)/python scripts/check-lock-wheels.py

# The suite again on the oldest supported Python (3.10), when the machine has one (on PATH or pyenv's).
# Left out there: tests/unit/test_stats.py, whose reference implementation (scipy) needs Python 3.11.
OLDEST := $(shell for p in python3.10 $$(ls -d $$HOME/.pyenv/versions/3.10*/bin/python3.10 2>/dev/null); do \
	$$p -c 'import sys' >/dev/null 2>&1 && { echo $$p; break; }; done)
OLDEST_VENV := .venv-oldest
oldest: $(STAMP_WHEELS) chromium
	@if [ -z "$(OLDEST)" ]; then echo "note: no Python 3.10 on this machine: the suite ran on $$($(PYTHON) --version) only; the 3.10 lock was checked for wheels (lockcheck)"; exit 0; fi; \
	set -e; echo "the suite on $$($(OLDEST) --version) ($(OLDEST)); left out: tests/unit/test_stats.py (scipy needs 3.11+)"; \
	rm -rf $(OLDEST_VENV); $(OLDEST) -m venv $(OLDEST_VENV); \
	$(OLDEST_VENV)/bin/python -m pip install --quiet -r requirements.lock -r requirements-oldest.lock; \
	$(OLDEST_VENV)/bin/python -m pip install --quiet --no-deps -e .; \
	VIBE_WHEELHOUSE=$(abspath $(WHEELHOUSE)) $(OLDEST_VENV)/bin/python -m pytest -q -p no:cacheprovider -n auto \
		--ignore=tests/unit/test_stats.py

# The inner loop: the unit tests (tests/unit: in-process, no server, no child process), in seconds.
unit: $(STAMP_TEST)
	$(BIN)/pytest -q -p no:cacheprovider tests/unit

# What the README calls the test command: linters, types, the lock, the suite under coverage. The suite on
# Python 3.10 (make oldest) is CI's (.ci/run), so this stays short enough to run often.
test: lint typecheck lockcheck pytest

# How the gate decides at the limit of the data: a seeded simulation through its decision code (issue 29), for
# the table in docs/configuration.md. Minutes on 2 cores; TRIALS a cell and HISTORIES of 50 commits.
TRIALS ?= 2500
HISTORIES ?= 400
simulate: $(STAMP_RUN)
	$(BIN)/python scripts/simulate_decisions.py $(TRIALS) $(HISTORIES)

# Wall time, memory and GitHub request counts; measured, never asserted (see scripts/benchmark.py).
bench: $(STAMP_TEST)
	$(BIN)/python scripts/benchmark.py

# The verdict marks in the pictures are emoji (as GitHub shows them): the headless browser needs a font that has
# them, Debian's fonts-noto-color-emoji, installed with apt when missing (as root, else with sudo).
emoji-font:
	@fc-list 2>/dev/null | grep -qi "Noto Color Emoji" || { \
		if command -v apt-get >/dev/null 2>&1; then \
			sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
			echo "installing the emoji font the pictures need (apt-get install -y fonts-noto-color-emoji)"; \
			$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq fonts-noto-color-emoji >/dev/null; \
		else echo "make docs needs an emoji font: install fonts-noto-color-emoji"; exit 2; fi; }

# The pictures in docs/ from a real run of the gate; needs Chromium and an emoji font from the OS packages.
docs: $(STAMP_RUN) chromium emoji-font
	$(BIN)/python scripts/render-docs.py
	$(BIN)/python scripts/render-versions-page.py

clean:
	rm -rf $(VENV) $(OLDEST_VENV) demo-output .pytest_cache .mypy_cache .ruff_cache *.egg-info .coverage
