# Knoop: two commands. `make run` starts the whole system; `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Every dependency pinned (pip-compile from pyproject.toml, dev extras included): `make` installs these.
LOCK   := requirements.lock
RUNTIME_LOCK := requirements-runtime.lock
TOOLS  := .venv-tools
LATEST := .venv-latest
# Upper-bounded in pyproject.toml because shared/ leans on their internals; test-latest lifts the bound.
UNBOUNDED := sqlalchemy marshmallow
LATEST_TESTS ?= tests/unit tests/integration/test_hot_statement.py tests/integration/test_request_bodies.py \
	tests/integration/test_openapi_truth.py tests/integration/test_vacancy_api.py

.PHONY: run test lint bench install lock test-latest system-deps clean

run: $(STAMP) system-deps
	$(PY) -m deploy.local.run

# The suite in TEST_WORKERS processes (pytest-xdist), each with its own Redis, databases and browser.
# Three on this 2-core machine: the tests wait on workers, mail and sleeps, so a third process fills
# the cores, a fourth only adds its start-up (docs/performance.md, "The suite"). 0: one process.
TEST_WORKERS ?= 3

test: $(STAMP) system-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

bench: $(STAMP) system-deps
	for script in bench/*.py; do $(PY) $$script || exit 1; done

install: $(STAMP)

# The virtual environment is brought to the lock when it or pyproject.toml changes.
$(STAMP): pyproject.toml $(LOCK)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r $(LOCK)
	$(PY) -m pip install -q --no-deps -e .
	touch $(STAMP)

# Rewrite the lock after a change to pyproject.toml's dependencies; pins that still fit are kept.
# `make lock LOCK_ARGS=--upgrade` moves every pin to the newest release the bounds allow. The image
# installs $(RUNTIME_LOCK): the same pins without the dev extra (tests/unit/test_image.py checks both).
lock:
	test -x $(TOOLS)/bin/pip-compile || { $(PYTHON) -m venv $(TOOLS) && $(TOOLS)/bin/pip install -q pip-tools; }
	$(TOOLS)/bin/pip-compile -q --extra dev --strip-extras --no-emit-index-url --no-emit-find-links \
	  $(LOCK_ARGS) -o $(LOCK) pyproject.toml
	$(TOOLS)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links \
	  -c $(LOCK) -o $(RUNTIME_LOCK) pyproject.toml

# The newest release of everything, past the upper bounds too, in a venv of its own: run on purpose
# (before refreshing the lock or raising a bound) to learn what a new SQLAlchemy or marshmallow breaks.
test-latest: system-deps
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install -q --upgrade pip
	$(LATEST)/bin/python -m pip install -q --upgrade --upgrade-strategy eager -e '.[dev]'
	$(LATEST)/bin/python -m pip install -q --upgrade $(UNBOUNDED)
	$(LATEST)/bin/python -m pip show $(UNBOUNDED) | grep -E '^(Name|Version):'
	$(LATEST)/bin/python -m pytest $(LATEST_TESTS) $(PYTEST_ARGS)

# Redis (and shellcheck, for the test of deploy/check-images.sh) from Debian's packages, when missing.
system-deps:
	@command -v redis-server >/dev/null && command -v shellcheck >/dev/null || { \
	  echo "installing redis-server and shellcheck (Debian packages)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q redis-server shellcheck; }

clean:
	rm -rf var .pytest_cache $(LATEST)
