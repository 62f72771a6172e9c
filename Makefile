# Two entry points for a fresh machine: `make run` (build the sample graph) and `make test`.
# Both install the exact, hash-checked versions in requirements.lock (made by `make lock`);
# `make test-latest` runs the same suite against the newest releases allowed by setup.cfg.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LATEST := .venv-latest
PIP_QUIET := --quiet --disable-pip-version-check

.PHONY: lock-upgrade run test test-timing lint test-latest lock venv clean readme

$(STAMP): requirements.lock setup.cfg pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIP_QUIET) --require-hashes -r requirements.lock
	$(BIN)/pip install $(PIP_QUIET) --no-deps --no-build-isolation -e .
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/kg --store kg-store build data/
	$(BIN)/kg --store kg-store show "Battle of Aleppo (2012–2016)"

lint: $(STAMP)
	$(BIN)/ruff check kg tests benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -q

# Rewrite README.md's example outputs from a real run on a fresh build of data/ (keeps the
# `...` elisions; tests/test_readme.py fails with a diff while the README is stale).
readme: $(STAMP)
	$(BIN)/python tests/readme_runner.py --write

# Wall-clock assertions, kept out of the default run because a loaded machine fails them.
test-timing: $(STAMP)
	$(BIN)/python -m pytest -q -m timing

# The newest releases setup.cfg allows, in their own environment: upgrades are deliberate.
test-latest:
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/pip install $(PIP_QUIET) --upgrade pip
	$(LATEST)/bin/pip install $(PIP_QUIET) --upgrade --upgrade-strategy eager -e '.[test]'
	$(LATEST)/bin/ruff check kg tests benchmarks
	$(LATEST)/bin/mypy
	$(LATEST)/bin/python -m pytest -q

# Bring the lock in line with setup.cfg's ranges (needs the registry): `make lock` keeps every
# pin that still fits and adds what is new; `make lock-upgrade` moves every pin to the newest.
PIP_COMPILE = $(BIN)/pip-compile --quiet --generate-hashes --extra test --all-build-deps \
	    --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links \
	    -o requirements.lock setup.cfg

lock: $(STAMP)
	$(BIN)/pip install $(PIP_QUIET) 'pip-tools>=7.4'
	$(PIP_COMPILE)

lock-upgrade: $(STAMP)
	$(BIN)/pip install $(PIP_QUIET) 'pip-tools>=7.4'
	$(PIP_COMPILE) --upgrade

clean:
	rm -rf $(VENV) $(LATEST) kg-store
