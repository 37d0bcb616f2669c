# Everyday commands. `make run` and `make test` do all set-up on a fresh machine (Python 3.11+ needed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test lint ingest demo bench bytecode clean-store

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

# The package's bytecode and its reviewed YAML files parsed, written once: each command would otherwise compile every module again (this machine's
# environment sets PYTHONDONTWRITEBYTECODE; Python still reads bytecode, and recompiles a module that changed).
bytecode: $(VENV)/.installed
	$(BIN)/python -m compileall -q rankings pages dashboard.py
	$(BIN)/python -c "from rankings.metadata import compile_reference; compile_reference()"

## Set up, ingest the demo data when nothing is stored yet, and start the app on http://localhost:$(PORT)
run: $(VENV)/.installed bytecode
	$(BIN)/python -m rankings demo --if-empty
	$(BIN)/python -m rankings ingest || echo "Some files failed to ingest (see above); the app shows what is stored."
	$(BIN)/python -m streamlit run dashboard.py --server.port $(PORT)

## Set up and run the whole test suite (lint, unit, golden, store, CLI, app and browser tests)
test: $(VENV)/.installed-dev
	bash scripts/ensure-chromium.sh
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

ingest: $(VENV)/.installed bytecode
	$(BIN)/python -m rankings ingest

demo: $(VENV)/.installed
	$(BIN)/python -m rankings demo

## The benchmark (README, Performance): prints its table and writes it to bench-results/
bench: $(VENV)/.installed-dev bytecode
	$(BIN)/python -m rankings bench
