# Local Digital: `make run` serves the demo, `make test` runs the whole suite.
# Both set everything up first, and both are safe to run again.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails point here. Honcho gives the web server, the worker and beat a PORT each
# (PORT, PORT+100, PORT+200), so every process is given the web server's address instead.
SITE_URL ?= http://$(HOST):$(PORT)
LOCAL_AUTHORITIES_CSV ?= $(wildcard $(CURDIR)/../shared/data/uk_local_authorities.csv)

# pgserver keeps its lock in the runtime directory; give it a private one when there is none.
export XDG_RUNTIME_DIR ?= $(CURDIR)/.data/run
export LOCAL_AUTHORITIES_CSV HOST PORT SITE_URL

.PHONY: help setup run test test-services lint bench up chromium redis clean

help:
	@echo "make run    set up and serve the demo on http://$(HOST):$(PORT), with a Celery worker and beat"
	@echo "make test   set up and run the whole test suite, browser tests included"
	@echo "make test-services  the same against the PostgreSQL and Redis services on 127.0.0.1"
	@echo "make lint   ruff, mypy and the import contracts (lint-imports)"
	@echo "make bench  run the benchmarks in bench/"
	@echo "make up     run the docker compose stack"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

# uv installs the locked dependencies: requirements.lock, made by `uv pip compile`.
$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv>=0.5,<1"
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# GOV.UK Frontend is copied from node_modules into static/vendor/ (not committed).
static/vendor/govuk-frontend/govuk-frontend.min.css: node_modules/.installed
	npm run --silent build

.data/run:
	mkdir -p -m 700 .data/run

setup: $(VENV)/.installed static/vendor/govuk-frontend/govuk-frontend.min.css | .data/run
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo

# The web server, a Celery worker and beat, under honcho; Ctrl-C stops all three.
run: setup
	$(BIN)/honcho --procfile localdigital/Procfile.dev --app-root . start

# Browser tests drive Debian's Chromium; install it where it is missing and apt can.
chromium:
	@if [ -n "$$CHROMIUM_PATH" ] || command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then \
	  true; \
	elif command -v apt-get >/dev/null; then \
	  sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $$sudo apt-get install -y chromium || { $$sudo apt-get update && $$sudo apt-get install -y chromium; }; \
	else \
	  echo "No Chromium found and no apt-get to install one: the browser tests will fail." >&2; \
	  echo "Install Chromium, or set CHROMIUM_PATH to its executable." >&2; \
	fi

# The worker tests start a throwaway redis-server when REDIS_URL is unset; install Debian's
# where it is missing and apt can, as for Chromium.
redis:
	@if [ -n "$$REDIS_URL" ] || command -v redis-server >/dev/null; then \
	  true; \
	elif command -v apt-get >/dev/null; then \
	  sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  echo "Installing Debian's redis-server for the worker tests"; \
	  $$sudo apt-get install -y redis-server || { $$sudo apt-get update && $$sudo apt-get install -y redis-server; }; \
	else \
	  echo "No redis-server found and no apt-get to install one: the worker tests will fail." >&2; \
	  echo "Install Redis, or set REDIS_URL to a Redis server the tests may use." >&2; \
	fi

# pytest-xdist runs the suite in one process per core and one more (at most 4), each with its
# own test database: the browser and worker tests spend much of their time waiting on Chromium,
# PostgreSQL and Celery, which the extra process fills (on 2 cores, two runs each took 579 and
# 605 seconds with 2 processes, 501 and 584 with 3). The tests that start Celery workers all run
# in one of them (see tests/conftest.py).
TEST_PROCESSES ?= $(shell n=$$(nproc 2>/dev/null || echo 1); echo $$(( n + 1 < 4 ? n + 1 : 4 )))
# Without DATABASE_URL and REDIS_URL the suite uses the embedded PostgreSQL and a throwaway
# redis-server, and the worker tests must run: a missing Redis fails them, never skips them.
test: $(VENV)/.installed static/vendor/govuk-frontend/govuk-frontend.min.css chromium redis | .data/run
	REQUIRE_WORKER_TESTS=1 $(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadgroup

# The same suite against PostgreSQL and Redis services (by default the ones on 127.0.0.1).
SERVICES_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/localdigital
SERVICES_REDIS_URL ?= redis://127.0.0.1:6379/0
test-services: $(VENV)/.installed static/vendor/govuk-frontend/govuk-frontend.min.css chromium | .data/run
	DATABASE_URL=$(SERVICES_DATABASE_URL) REDIS_URL=$(SERVICES_REDIS_URL) REQUIRE_WORKER_TESTS=1 \
	  $(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadgroup

lint: $(VENV)/.installed | .data/run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports --no-logo

bench: setup
	@for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done

up:
	docker compose up --build

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles
