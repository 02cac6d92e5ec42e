# Two commands from a fresh clone: `make run` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint format bench migration clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11+ is needed (set PYTHON=...)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

run: install
	$(BIN)/jiangxin run

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -n 3 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python bench/routing.py
	$(BIN)/python bench/engine.py --quick
	$(BIN)/python bench/claims.py --quick
	$(BIN)/python bench/scheduler_tick.py --quick

# Regenerate the initial migration from store/models.py (pre-release only).
migration: install
	$(BIN)/python -m store.migrations.regenerate

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
