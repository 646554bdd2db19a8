# yaojian: `make demo` serves the demo province; `make test` runs the whole suite.
# Both set up everything first: a virtualenv in .venv, front-end packages, translations.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test setup assets messages messages-update lint format serve worker bench clean

demo: setup
	$(BIN)/yaojian demo

# The API contract test (schemathesis) runs after the rest, in one process: under pytest-xdist
# it shrinks to one test per function and leaves out schemathesis's coverage phase. PYTEST_ARGS
# goes to both runs (the second collects only that file, from whatever paths it names); either
# run may select nothing (exit 5), not both.
CONTRACT_TEST := yaojian/tests/test_api_schema.py

test: setup
	$(BIN)/ruff check yaojian bench
	$(BIN)/ruff format --check yaojian bench
	$(BIN)/python manage.py makemigrations --check --dry-run --verbosity 0
	main=0; contract=0; \
	$(BIN)/python -m pytest -n 2 --dist loadfile --ignore=$(CONTRACT_TEST) $(PYTEST_ARGS) || main=$$?; \
	$(BIN)/python -m pytest -p no:xdist -o python_files=$(notdir $(CONTRACT_TEST)) $(PYTEST_ARGS) \
		|| contract=$$?; \
	echo "pytest exit: main suite $$main, API contract test $$contract"; \
	case "$$main$$contract" in 00|05|50) ;; *) exit 1 ;; esac

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
