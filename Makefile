# The two commands the README starts with: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app donorclub
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-e2e lint audit bench load-test rules-doc db-upgrade demo-data clean-venv \
	translations translations-extract translations-update translations-compile

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools

$(VENV)/.installed-app: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed-app
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $@

# Translations: donorclub/translations/<locale>/LC_MESSAGES/messages.po are edited and
# committed; the .mo files Flask-Babel reads are built from them here and never committed.
CATALOGUES := donorclub/translations
POT := $(VENV)/messages.pot
MO_FILES := $(patsubst %.po,%.mo,$(wildcard $(CATALOGUES)/*/LC_MESSAGES/messages.po))

$(CATALOGUES)/%/LC_MESSAGES/messages.mo: $(CATALOGUES)/%/LC_MESSAGES/messages.po $(VENV)/.installed-app
	$(BIN)/pybabel compile -i $< -o $@ -l $*

translations-compile: $(MO_FILES)

# Gather the messages from the code into $(POT) (not committed). Babel skips folders whose
# names start with "_" unless told otherwise, and templates/_macros and _partials hold text.
translations-extract: $(VENV)/.installed-app
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 \
	  --add-comments=Translators: --project donorclub --width 100 -o $(POT) \
	  --ignore-dirs='.* __pycache__' .

# Merge new and changed messages into every catalogue; English gets the source text as its
# translation. Then translate what `make translations` reports as missing in zh_Hans.
translations-update: translations-extract
	$(BIN)/pybabel update -i $(POT) -d $(CATALOGUES) --ignore-obsolete \
	  --no-fuzzy-matching --width 100
	$(BIN)/python -m donorclub.catalogues fill-source

# Update the catalogues, list what still lacks a translation, and compile.
translations: translations-update
	$(BIN)/python -m donorclub.catalogues check || true
	$(MAKE) translations-compile

db-upgrade: $(VENV)/.installed-app $(MO_FILES)
	$(FLASK) db upgrade

demo-data: db-upgrade
	$(FLASK) demo-data --if-empty

run: demo-data
	$(FLASK) run --host $(HOST) --port $(PORT)

# Two workers by default (the machines here have two cores); TEST_WORKERS=0 runs in-process.
TEST_WORKERS ?= 2
test: $(VENV)/.installed-test $(MO_FILES)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-e2e: $(VENV)/.installed-test $(MO_FILES)
	$(BIN)/python -m pytest -m e2e $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check donorclub tests bench scripts wsgi.py

# Static checks CI runs after the tests: bandit must find nothing of high severity in the app,
# and no installed dependency may have a known vulnerability (scripts/audit_dependencies.py).
audit: $(VENV)/.installed-test
	$(BIN)/bandit -r donorclub --severity-level high --quiet
	$(BIN)/python scripts/audit_dependencies.py

clean-venv:
	rm -rf $(VENV)

# The benchmarks (bench/README.md). `make bench`: the city-scale scenarios (100,000 members
# against 1,000, and gunicorn under wrk), written into docs/performance.md and
# bench/results/city.json, then the focused scripts; about 10 minutes. `make bench
# BENCH=quick`: 10,000 members against 100, short wrk runs, nothing written, under a minute.
BENCH ?= full
bench: $(VENV)/.installed-bench
ifeq ($(BENCH),quick)
	$(BIN)/python bench/city.py --quick --throughput
else
	$(BIN)/python bench/city.py --throughput --json bench/results/city.json \
	  --docs docs/performance.md
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/eligibility.py --rule-set cn
	$(BIN)/python bench/eligibility.py --rule-set us
	$(BIN)/python bench/certificates.py
	$(BIN)/python bench/reminders.py
	$(BIN)/python bench/who_can_donate.py --requests 5
endif

# gunicorn for the throughput figures, and wrk to drive it (Debian's package, as root).
$(VENV)/.installed-bench: $(VENV)/.installed-test
	$(BIN)/pip install --quiet -e '.[deploy]'
	command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -q wrk; } || \
	  echo "wrk is missing (apt-get install wrk): the throughput figures will be skipped"
	touch $@

# gunicorn on a fresh PostgreSQL database under locust (docs/performance.md), in a virtualenv
# of its own: locust brings gevent and a pytest plugin the test venv should not have.
# LOAD_ARGS="--users 20 --duration 30s" for a short run.
LOAD_VENV := .venv-load
$(LOAD_VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/pip install --quiet -e '.[postgres,deploy,load]'
	touch $@

load-test: $(LOAD_VENV)/.installed $(MO_FILES)
	$(LOAD_VENV)/bin/python bench/load.py $(LOAD_ARGS)

# Regenerate the rule-set tables at the end of docs/rules.md from the data files.
rules-doc: $(VENV)/.installed-app
	$(BIN)/python -m donorclub.domain.ruleset_markdown docs/rules.md
