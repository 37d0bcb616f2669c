# Everyday commands. `make run` and `make test` do all set-up on a fresh machine (Python 3.11+ needed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test lint ingest demo bench clean-store

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

## Set up, ingest the demo data when nothing is stored yet, and start the app on http://localhost:$(PORT)
run: $(VENV)/.installed
	$(BIN)/python -m rankings demo --if-empty
	$(BIN)/python -m rankings ingest || echo "Some files failed to ingest (see above); the app shows what is stored."
	$(BIN)/python -m streamlit run dashboard.py --server.port $(PORT)

## Set up and run the whole test suite (lint, unit, golden, store, CLI, app and browser tests)
test: $(VENV)/.installed-dev
	bash scripts/ensure-chromium.sh
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

ingest: $(VENV)/.installed
	$(BIN)/python -m rankings ingest

demo: $(VENV)/.installed
	$(BIN)/python -m rankings demo

## The benchmark (README, Performance): prints its table and writes it to bench-results/
bench: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks
	$(BIN)/python -m pytest benchmarks/micro -p no:cacheprovider -q --benchmark-columns=min,median,max --benchmark-sort=name
