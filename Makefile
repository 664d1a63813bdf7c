# Pacesetter. Quick start: `make demo`, then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py

.PHONY: install demo serve test test-sqlite test-postgres test-clock lint typecheck messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The runtime lock (requirements.lock) and, on top of it, the tests and tooling
# (requirements-dev.lock): pinned, with hashes. The README says how to make them again.
$(VENV)/.installed: requirements.lock requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed
	$(MANAGE) compile_translations

## The demo: embedded SQLite, the five real cases, served on 127.0.0.1:$(PORT), with the
## job worker beside it (hourly reminders and escalations, and the daily scan of the
## coverage deadlines, mailed to this console); the worker stops with the server. The
## scans are enqueued before the load, so that the logins
## are the last lines printed; the worker runs it once the demo is in (the demo's past
## plans are closed: nothing of them is reminded or escalated). The worker is quiet
## (-v0): the mails it sends still print here, its job-by-job log does not (a failed job
## keeps its traceback in the job table, django_tasks_db's DBTaskResult).
demo: export SITE_URL ?= http://127.0.0.1:$(PORT)
demo: install
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) schedule_reminders
	$(MANAGE) schedule_deadline_scan
	$(MANAGE) load_demo --port $(PORT)
	$(MANAGE) db_worker --no-reload -v0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

## Production on this machine (docs/deployment.md, "Serving"): the production settings
## (SECRET_KEY, PACESETTER_AUDIT_KEY, ALLOWED_HOSTS from the environment; DATABASE_URL
## for PostgreSQL, else SQLite under var/), migrated, the static files collected for
## WhiteNoise, the scans enqueued (hourly reminders and audit anchor, the audit sealer
## every minute, the daily coverage deadlines), then gunicorn on
## 127.0.0.1:$(PORT) behind the HTTPS proxy (pacesetter/gunicorn_conf.py: WEB_CONCURRENCY
## workers x WEB_THREADS threads), with the job worker beside it, stopped with it.
serve: export DJANGO_SETTINGS_MODULE ?= pacesetter.settings.production
serve: export PORT := $(PORT)
serve: install
	$(MANAGE) check --deploy --fail-level WARNING
	$(MANAGE) migrate --noinput -v1
	$(MANAGE) collectstatic --noinput -v0
	$(MANAGE) schedule_reminders
	$(MANAGE) schedule_deadline_scan
	$(MANAGE) audit_anchor --schedule
	$(MANAGE) audit_seal --schedule
	$(MANAGE) db_worker --no-reload -v1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn -c python:pacesetter.gunicorn_conf pacesetter.wsgi

## The whole suite: lint, types, then every test on SQLite and on PostgreSQL,
## the real-browser journeys included, on every core (pytest-xdist); then the tests that
## depend on the clock at the moments that have broken such tests.
test: install
	bash scripts/system-deps.sh
	$(MAKE) lint typecheck test-sqlite test-postgres test-clock

## ruff, and the import contracts of .importlinter (the layers of docs/architecture.md).
lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck:
	$(BIN)/mypy pacesetter

PYTEST := $(BIN)/pytest -n auto --dist loadfile

test-sqlite:
	$(PYTEST)

test-postgres:
	PACESETTER_TEST_DB=postgres $(PYTEST)

## Each test marked `clock` again, on SQLite, at: late evening, midnight, the last minute
## of a year (UTC), and across a daylight-saving change in a zone that has one.
CLOCK_MOMENTS := 2026-11-18T22:30:00+00:00,2026-11-19T00:00:00+00:00,2026-12-31T23:59:00+00:00,2026-03-29T00:30:00+00:00@Europe/Berlin
test-clock:
	$(PYTEST) -m clock --clock-moments=$(CLOCK_MOMENTS) -q

## 5,000 units x 60 criteria: the ranking and a score sheet; a 1,000-voter ballot cast by
## 100 concurrent clients on 127.0.0.1: casting p95 and tally time; a plan board of 10,000
## tasks across 2,000 units; the coverage register; the practices' search and spread at
## 20,000 practices (the goal's 100,000 with manage.py bench_practices); the search box over
## every kind (5,000 units, 20,000 tasks, grants and practices, ...). SQLite and PostgreSQL.
bench: install
	bash scripts/system-deps.sh
	$(MANAGE) bench_scoring --units 5000 --criteria 60 --database sqlite --database postgres
	$(MANAGE) bench_ballots --voters 1000 --clients 100 --database sqlite --database postgres
	$(MANAGE) bench_workplans --units 2000 --tasks 10000 --database sqlite --database postgres
	$(MANAGE) bench_meetings --units 1000 --invitations 300 --database sqlite --database postgres
	$(MANAGE) bench_coverage --organizations 20000 --towns 20 --database sqlite --database postgres
	$(MANAGE) bench_practices --practices 20000 --adoptions 200000 --database sqlite --database postgres
	$(MANAGE) bench_search --database sqlite --database postgres
	$(MANAGE) bench_dashboards --units 5000 --tasks 10000 --organizations 5000 --database sqlite --database postgres

## Re-extract translatable strings into the shipped catalogs (needs GNU gettext).
messages: install
	$(MANAGE) makemessages -l vi -l zh_Hans --no-obsolete -i "var/*" -i tests -i testing -i conftest.py
	$(MANAGE) compile_translations

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
