# Studyflow: `make run` for the platform with demo data, `make test` for the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

# Tests run against the machine's PostgreSQL and Redis unless told otherwise.
TEST_DATABASE_URL ?= postgres://root@127.0.0.1:5432/studyflow
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0
CHROMIUM ?= /usr/bin/chromium
# `make run WEB_PORT=8001` when 8000 is taken (honcho sets PORT itself, so the Procfile reads this).
WEB_PORT ?= 8000

.PHONY: run test lint typecheck pytest install install-dev chromium seed bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) || \
		(sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium); \
	fi

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --history 14
	WEB_PORT=$(WEB_PORT) $(BIN)/honcho start -f studyflow/Procfile -d .

seed: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --history 14

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy .

pytest: install-dev chromium
	# STUDYFLOW_REQUIRE_SERVICES: PostgreSQL, Redis and chromium are all here, so a test that would
	# skip for want of one fails instead (tests/conftest.py).
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) FAST_PASSWORD_HASHING=1 \
		STUDYFLOW_REQUIRE_SERVICES=1 $(BIN)/pytest $(PYTEST_ARGS)
	# The event store's API must also hold on SQLite (the no-setup development database), and so
	# must the roster's migrations: their SQL (the usernames' index) is written for both; the
	# projections' upsert keys, which Django may leave out there (a constraint with INCLUDE); and
	# the question table's hand-written reads.
	mkdir -p var
	DATABASE_URL=sqlite:///$(CURDIR)/var/test-events.sqlite3 CELERY_BROKER_URL=filesystem:// \
		FAST_PASSWORD_HASHING=1 STUDYFLOW_REQUIRE_SERVICES=0 $(BIN)/pytest -q -p no:cacheprovider \
		tests/events/test_store.py tests/studyflow/test_migrations.py tests/reporting/test_upsert_keys.py \
		tests/reporting/test_question_sql.py

test: lint typecheck pytest

# Each benchmark prints its figures; they take minutes (several build a million-event log).
# Run as modules: a script run from bench/ would see bench/http.py in place of the stdlib's http.
BENCHES ?= append commands projections reporting pages http
bench: install-dev
	for name in $(BENCHES); do $(PY) -m bench.$$name || exit 1; done

clean:
	rm -rf var .mypy_cache .ruff_cache .pytest_cache
