# chengqu — every target bootstraps the virtual environment it needs.
#   make run    set up and serve on http://127.0.0.1:8000 (SQLite, gazette loaded)
#   make test   ruff, mypy and pytest on SQLite (PostgreSQL tests run when CHENGQU_TEST_DATABASE_URL is set)
#   make lint   ruff and mypy only
#   make bench  the benchmarks in bench/

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUN_STAMP := $(VENV)/.stamp-run
DEV_STAMP := $(VENV)/.stamp-dev

.PHONY: run test lint bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "chengqu 需要 Python 3.11 或更高版本, 当前为 " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/chengqu setup
	$(BIN)/chengqu serve

lint: $(DEV_STAMP)
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

bench: $(DEV_STAMP)
	@set -e; for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
