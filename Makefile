# IMPACT Tracker: `make run` to use it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app impact_tracker
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: help run install assets migrate seed serve test lint bench loadtest clean

help:
	@echo "make run    - set up everything and serve on http://$(HOST):$(PORT) (demo data on first run)"
	@echo "make test   - the whole suite: lint, unit, services, views, API, migrations, browser, both engines"
	@echo "make bench  - the benchmark; writes bench/results.json"
	@echo "make loadtest - gunicorn under 40 signed-in users for 60 s on SQLite and PostgreSQL; writes loadtest/results.json"

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/activate

install: $(BIN)/activate

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.package-lock.json

static/vendor/nhsuk-frontend/VERSION: node_modules/.package-lock.json scripts/vendor_assets.sh
	./scripts/vendor_assets.sh

assets: static/vendor/nhsuk-frontend/VERSION

migrate: install
	$(FLASK) db upgrade

# The sign-ins are kept in instance/ (git-ignored) so that every later `make run` can show them again.
seed: migrate
	@if [ -s instance/demo-sign-ins.txt ]; then cat instance/demo-sign-ins.txt; \
	else $(FLASK) seed-demo --if-empty $(if $(DEMO_PASSWORD),--password "$(DEMO_PASSWORD)",) | tee instance/demo-sign-ins.txt; fi

run: install assets seed
	@echo "Serving on http://$(HOST):$(PORT) - sign in with a demo account printed above (first run),"
	@echo "or create one: $(FLASK) create-user you@example.org --name 'Your Name' --org DEMO1 --role improvement_lead"
	$(FLASK) run --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check impact_tracker tests bench loadtest migrations wsgi.py
	$(BIN)/bandit --quiet --recursive impact_tracker --severity-level medium

test: install assets lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install assets
	$(BIN)/python -m bench $(BENCH_ARGS)

loadtest: install assets
	$(BIN)/python -m loadtest

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache test-results
