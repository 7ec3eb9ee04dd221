# Two commands set everything up: `make run` (development server) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := DJANGO_DEBUG=1
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test bench lint format messages install install-dev

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

# The whole suite on PostgreSQL and Redis (DATABASE_URL / REDIS_URL, default the local
# servers). pytest's "no tests collected" (exit 5) is a failure, not a pass.
test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} $(DEV_ENV) \
		$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
		if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; exit $$rc

bench: $(VENV)/.installed-dev
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} $(DEV_ENV) \
		$(BIN)/python bench/run_all.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Rebuild the English catalogue (makemessages needs GNU gettext's xgettext, for authors
# only) and compile it in Python; the .po and .mo are committed, so run and test need no
# system tools. English texts live in scripts/translations_en.py; locale/nl only replaces
# libraries' Dutch ("je" becomes "u", English admin labels): scripts/translations_nl_overrides.py.
messages: $(VENV)/.installed-dev
	$(DEV_ENV) $(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=staticfiles --ignore=bench --no-obsolete
	$(BIN)/python scripts/fill_translations_nl.py
	$(BIN)/python scripts/fill_translations.py
