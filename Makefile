# yaojian: `make demo` serves the demo province; `make test` runs the whole suite.
# Both set up everything first: a virtualenv in .venv, front-end packages, translations.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test setup assets messages messages-update lint format serve worker bench clean

demo: setup
	$(BIN)/yaojian demo

test: setup
	$(BIN)/ruff check yaojian bench
	$(BIN)/ruff format --check yaojian bench
	$(BIN)/python manage.py makemigrations --check --dry-run --verbosity 0
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

setup: $(STAMP) assets messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

assets: node_modules/.package-lock.json
	node scripts/vendor.mjs

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

messages: $(STAMP)
	$(BIN)/python scripts/compile_messages.py

lint: setup
	$(BIN)/ruff check yaojian bench

format: setup
	$(BIN)/ruff format yaojian bench
	$(BIN)/ruff check --fix yaojian bench

serve: setup
	$(BIN)/yaojian serve

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules yaojian/static/vendor staticfiles

messages-update: $(STAMP)
	$(BIN)/python scripts/update_messages.py
