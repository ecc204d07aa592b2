SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8000
BIN := .venv/bin
# The suite runs on every core (pytest-xdist), at most four: 2 on CI's 2 cores.
PYTEST := $(BIN)/pytest -q --numprocesses=auto --maxprocesses=4
# A day 1-3 years ahead, on 29 November (the end of a term's busiest month): the suite must pass
# on any day of any year. SHOUHU_TEST_TODAY=YYYY-11-29 reproduces a run.
AHEAD = $${SHOUHU_TEST_TODAY:-$$(( $$(date +%Y) + RANDOM % 3 + 1 ))-11-29}
PYTHON := $(shell command -v python3.11 2>/dev/null || command -v python3)
# mypy covers the core package plus every app's service and selector modules that exist.
MYPY_TARGETS := $(wildcard shouhu/core shouhu/ops shouhu/*/services.py shouhu/*/services shouhu/*/selectors.py shouhu/*/selectors shouhu/care/rules.py shouhu/care/compliance shouhu/reports/census_table.py shouhu/reports/work_summary shouhu/care/reading.py shouhu/care/statuses.py shouhu/care/oversight.py shouhu/registry/census_sheets shouhu/registry/handover.py shouhu/registry/handover_undo.py shouhu/registry/flags.py shouhu/registry/writing.py shouhu/org/units.py shouhu/accounts/operator.py shouhu/jobs/exporting.py shouhu/jobs/exports.py shouhu/reports/jobs.py)

.PHONY: help venv system-deps demo serve test test-sqlite test-ahead test-postgres test-postgres-ahead test-replica test-browser test-deploy lint bench bench-province load synth-province clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

venv: .venv/.installed ## Create .venv (Python 3.11) and install the project with its dev extra

.venv/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
		|| { echo "Shouhu needs Python 3.11; $(PYTHON) is $$($(PYTHON) --version)" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv .venv
	$(BIN)/pip install -e '.[dev]'
	touch $@

# libharfbuzz-subset0: without it WeasyPrint subsets the Noto CJK fonts with fontTools, and the
# county's summary PDF takes ~50 s instead of ~2 s (reports.W001). nginx-light and openssl: the
# deployment test runs Debian's nginx with a self-signed certificate (test-deploy).
system-deps: ## As root on Debian, apt-get install Chromium, Noto CJK fonts, HarfBuzz-Subset, poppler-utils, nginx-light, openssl and LibreOffice (headless) if missing
	@if [ -f /etc/debian_version ] && [ "$$(id -u)" = 0 ]; then \
		if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1 \
				|| ! dpkg -s libharfbuzz-subset0 >/dev/null 2>&1 \
				|| ! command -v pdftotext >/dev/null \
				|| [ ! -x /usr/sbin/nginx ] || ! command -v openssl >/dev/null \
				|| ! command -v soffice >/dev/null; then \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-cjk libharfbuzz-subset0 poppler-utils nginx-light openssl \
			&& DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libreoffice-calc-nogui libreoffice-writer-nogui; \
		fi; \
	else \
		echo "system-deps: not root on Debian, skipping; browser, PDF, printing and deployment tests need chromium, fonts-noto-cjk, libharfbuzz-subset0, poppler-utils, nginx-light, openssl, libreoffice-calc-nogui"; \
	fi

# The job worker and the scheduler run beside runserver and are stopped when it exits.
demo: venv ## Migrate, seed demo data if the database is empty, print logins, serve on 127.0.0.1:PORT (default 8000) with the job worker and scheduler
	mkdir -p var
	$(BIN)/shouhu migrate --noinput
	$(BIN)/shouhu seed-demo --if-empty
	$(BIN)/shouhu demo-logins --port $(PORT)
	$(BIN)/shouhu worker --no-startup-delay & worker=$$!; \
		$(BIN)/shouhu scheduler & scheduler=$$!; \
		trap 'kill $$worker $$scheduler 2>/dev/null; wait $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
		$(BIN)/shouhu runserver 127.0.0.1:$(PORT)

serve: venv ## Production server (gunicorn, docs/deploy.md): needs SHOUHU_DEBUG=0 and the keys, or SHOUHU_DEMO=1
	mkdir -p var
	$(BIN)/shouhu serve --bind 127.0.0.1:$(PORT)

# The suite runs twice: on SQLite today, and on PostgreSQL with its clock 1-3 years ahead, so
# both databases and both days are covered without a third run.
test: venv system-deps ## Everything CI runs: lint, checks, SQLite today, PostgreSQL years ahead, browser and deployment tests
	mkdir -p var
	$(MAKE) --no-print-directory lint
	$(BIN)/shouhu check
	$(BIN)/shouhu makemigrations --check --dry-run
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres-ahead
	$(MAKE) --no-print-directory test-replica
	$(MAKE) --no-print-directory test-browser
	$(MAKE) --no-print-directory test-deploy

test-sqlite: venv ## Run the test suite on SQLite (without browser tests)
	$(PYTEST)

test-ahead: venv ## The SQLite suite, its clock 1-3 years ahead (SHOUHU_TEST_TODAY=YYYY-11-29 reproduces a run)
	@day=$(AHEAD); echo "test-ahead: SHOUHU_TEST_TODAY=$$day"; \
		SHOUHU_TEST_TODAY=$$day $(PYTEST)

test-postgres: venv ## Run the test suite on a throwaway PostgreSQL 15 cluster
	bash scripts/with-postgres.sh $(PYTEST)

test-postgres-ahead: venv ## The PostgreSQL suite, its clock 1-3 years ahead (as CI runs it)
	@day=$(AHEAD); echo "test-postgres-ahead: SHOUHU_TEST_TODAY=$$day"; \
		SHOUHU_TEST_TODAY=$$day bash scripts/with-postgres.sh $(PYTEST)

test-replica: venv ## The read replica on a real primary and streaming standby (scripts/with-replica.sh)
	bash scripts/with-replica.sh $(BIN)/pytest -q -p no:xdist -m replica shouhu/core/tests/test_replica.py

test-browser: venv system-deps ## Run the browser tests (Playwright driving Chromium) and the printing tests (LibreOffice headless)
	mkdir -p var
	SHOUHU_SQLITE_TEST_FILE=var/test-browser.sqlite3 $(BIN)/pytest -q -m "browser or office" --create-db

test-deploy: venv system-deps ## shouhu serve on PostgreSQL behind nginx with TLS, checked from outside (scripts/test-deploy.sh)
	PYTHON=$(BIN)/python bash scripts/test-deploy.sh

lint: venv ## ruff check, ruff format --check, mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(MYPY_TARGETS)

bench: venv ## Run the benchmarks
	$(BIN)/python bench/run.py

# Issue 18: the eight pages at province scale on PostgreSQL (bench/province.py), not part of
# `make bench` nor `make test`. SHOUHU_DATABASE_URL names a filled database, or else a throwaway
# PostgreSQL 15 cluster is filled by `shouhu synth --children $(CHILDREN) --months 12`.
CHILDREN ?= 1500000
bench-province: venv ## The pages at province scale on PostgreSQL (CHILDREN=1500000; SHOUHU_DATABASE_URL to reuse a filled database)
	$(BIN)/python bench/province.py --children $(CHILDREN)

# Not part of `make test`: it builds the 20k county (minutes) and drives the server for 5 minutes.
USERS ?= 50
SECONDS ?= 300
load: venv ## Load test: USERS (50) mixed users for SECONDS (300) against shouhu serve on PostgreSQL with the 20k county (scripts/load.sh)
	mkdir -p var
	PYTHON=$(BIN)/python bash scripts/load.sh --users $(USERS) --seconds $(SECONDS)

synth-province: venv ## A province of SYNTH_CHILDREN (1,500,000) children in a throwaway PostgreSQL 15 (docs/scale.md)
	bash scripts/with-postgres.sh sh -c '$(BIN)/python -m shouhu.cli migrate -v0 && \
		$(BIN)/python -m shouhu.cli synth --children $(or $(SYNTH_CHILDREN),1500000) --months 12 \
		--bench-json var/bench.json'

clean: ## Remove SQLite databases and caches (keeps .venv)
	rm -f var/*.sqlite3*
	rm -rf .pytest_cache .mypy_cache .ruff_cache test-results
	find . -path ./.venv -prune -o -type d -name __pycache__ -exec rm -rf {} +
