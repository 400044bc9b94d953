# The two commands the README starts with: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app donorclub
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-e2e lint bench rules-doc db-upgrade demo-data clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-app: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed-app
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $@

db-upgrade: $(VENV)/.installed-app
	$(FLASK) db upgrade

demo-data: db-upgrade
	$(FLASK) demo-data --if-empty

run: demo-data
	$(FLASK) run --host $(HOST) --port $(PORT)

# Two workers by default (the machines here have two cores); TEST_WORKERS=0 runs in-process.
TEST_WORKERS ?= 2
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-e2e: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m e2e $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check donorclub tests bench wsgi.py

clean-venv:
	rm -rf $(VENV)

bench: $(VENV)/.installed-test
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/eligibility.py --rule-set cn
	$(BIN)/python bench/eligibility.py --rule-set us
	$(BIN)/python bench/certificates.py

# Regenerate the rule-set tables at the end of docs/rules.md from the data files.
rules-doc: $(VENV)/.installed-app
	$(BIN)/python -m donorclub.domain.ruleset_markdown docs/rules.md
