# Earful: `make run` and `make test` set everything up on a fresh machine (Python 3.11, git, make).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DATA ?= ../shared/data
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-fast bench evaluate train lint chromium postgresql clean

# Two install stamps: `make run` needs only the product, `make test` (and the tools) the test extras.
RUN_READY := $(VENV)/.installed-run
TEST_READY := $(VENV)/.installed-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUN_READY): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_READY): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(RUN_READY)

run: $(RUN_READY)
	$(BIN)/earful db upgrade
	$(BIN)/earful users ensure-admin
	$(BIN)/earful serve

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "installing Debian's Chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver; \
	fi

# The database tests run on SQLite and on a throwaway PostgreSQL cluster the tests start
# themselves (tests/pg_server.py); this only makes sure the server binaries are installed.
postgresql:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "installing the PostgreSQL server for the database tests"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql; \
	fi

test: $(TEST_READY) chromium postgresql
	$(BIN)/python -m pytest

# Everything but the browser tests and the PostgreSQL half of the database tests (SQLite only).
test-fast: $(TEST_READY)
	$(BIN)/python -m pytest -m "not browser and not postgres"

lint: $(TEST_READY)
	$(BIN)/ruff check .

bench: $(TEST_READY) postgresql
	$(BIN)/python bench/run.py

train: $(TEST_READY)
	$(BIN)/earful train --data $(DATA)

evaluate: $(TEST_READY)
	$(BIN)/earful evaluate --data $(DATA)
	$(BIN)/earful evaluate --parity

clean:
	rm -rf $(VENV) build *.egg-info tests/artifacts
