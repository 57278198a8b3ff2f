# Earful: `make run` and `make test` set everything up on a fresh machine (Python 3.11, git, make).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DATA ?= ../shared/data
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-fast bench evaluate train lint chromium clean

$(BIN)/earful: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: $(BIN)/earful
	$(BIN)/earful db upgrade
	$(BIN)/earful users ensure-admin
	$(BIN)/earful serve

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "installing Debian's Chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver; \
	fi

test: $(BIN)/earful chromium
	$(BIN)/python -m pytest

test-fast: $(BIN)/earful
	$(BIN)/python -m pytest -m "not browser"

lint: $(BIN)/earful
	$(BIN)/ruff check .

bench: $(BIN)/earful
	$(BIN)/python bench/run.py

train: $(BIN)/earful
	$(BIN)/earful train --data $(DATA)

evaluate: $(BIN)/earful
	$(BIN)/earful evaluate --data $(DATA)

clean:
	rm -rf $(VENV) build *.egg-info tests/artifacts
