# Two commands set everything up: `make run` (development server) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := DJANGO_DEBUG=1
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# pytest-xdist workers for `make test`: one per core, at most 4 (each runs its own browser and
# Celery worker and uses its own Redis database); 0 on one core. PYTEST_WORKERS=0 runs serially.
PYTEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); if [ $$n -gt 4 ]; then n=4; elif [ $$n -lt 2 ]; then n=0; fi; echo $$n)

.PHONY: run test test-fast bench lint format messages install install-dev

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Development: SQLite in var/, mail on the console, Celery tasks in-process, the Mollie
# sandbox. Safe to run again: migrations and demo data are idempotent. No beat runs here, so
# each start writes a signed audit checkpoint (var/audit-checkpoints/) that `audit verify`
# checks against; production writes one hourly through beat.
run: $(VENV)/.installed
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	$(DEV_ENV) $(BIN)/python manage.py audit checkpoint
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# Lint, then the whole suite on PostgreSQL and Redis (DATABASE_URL / REDIS_URL, default the
# local servers): every lane in one pytest run, the long ones (markers slow, rehearsal,
# bench_smoke; docs/testing.md) scheduled first so that they do not make the tail. `make
# test-fast` runs the main lane only. On a fresh Debian machine (as root)
# scripts/ensure_services.sh installs and starts PostgreSQL, Redis and Chromium first. pytest's
# "no tests collected" (exit 5) is a failure, not a pass.
FAST_LANE := not slow and not rehearsal and not bench_smoke
# Work stealing: each worker starts with half the tests (the long lanes at the front of the
# first half) and an idle worker takes half of the other's queue, so the long tests cannot
# leave one worker running alone at the end (docs/testing.md, "Lanes").
PYTEST_DIST ?= worksteal
define run_pytest
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} scripts/ensure_services.sh
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} $(DEV_ENV) \
		$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist $(PYTEST_DIST) $(1) $(PYTEST_ARGS); rc=$$?; \
		if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; exit $$rc
endef

test: $(VENV)/.installed-dev lint
	$(call run_pytest,)

test-fast: $(VENV)/.installed-dev lint
	$(call run_pytest,-m "$(FAST_LANE)")

bench: $(VENV)/.installed-dev
	@command -v wrk >/dev/null 2>&1 || apt-get install -y wrk  # bench_pages.py drives wrk (a Debian package)
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} $(DEV_ENV) \
		$(BIN)/python bench/run_all.py

# ruff, then the layering (import-linter, contracts in pyproject.toml; docs/architecture.md).
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The .po files are the source of the texts (docs/texts.md). makemessages (our subclass: no
# fuzzy matching, no locations, sorted) adds new Dutch texts to locale/en empty and drops
# unused ones; it needs GNU gettext, installed from Debian here if missing. compilemessages
# (ours, pure Python) compiles locale/en and locale_overrides/nl. The .mo files are committed,
# so run and test need no system tools.
messages: $(VENV)/.installed-dev
	@command -v msgmerge >/dev/null 2>&1 || apt-get install -y gettext  # makemessages runs xgettext and msgmerge
	$(DEV_ENV) $(BIN)/python manage.py makemessages -l en
	$(DEV_ENV) $(BIN)/python manage.py compilemessages
