# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PROGRAMS ?= 300

.PHONY: run serve test install lint migrate seed browsers messages clean bench bench-http bench-two-servers bench-faults

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo --programs $(DEMO_PROGRAMS) --seed 1 --if-empty

## The Spanish catalogue, compiled from locale/es/LC_MESSAGES/django.po (the .mo is not committed);
## msgfmt comes from Debian's gettext package, which `makemessages` needs too.
messages: install
	@command -v msgfmt >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null)
	$(BIN)/python manage.py compilemessages --ignore=.venv

## Start the site on http://127.0.0.1:8000 with demo data (SQLite unless DATABASE_URL is set).
run: seed messages
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## Serve in production settings with gunicorn on $(HOST):$(PORT), behind your reverse proxy.
## Needs DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and DJANGO_CACHE_URL (README).
WEB_CONCURRENCY ?= 2
serve: install messages
	DJANGO_DEBUG=0 $(BIN)/python manage.py collectstatic --noinput -v0
	DJANGO_DEBUG=0 WEB_CONCURRENCY=$(WEB_CONCURRENCY) $(BIN)/gunicorn iopfinder.wsgi:application \
		--bind $(HOST):$(PORT) --workers $(WEB_CONCURRENCY) --timeout 30 --graceful-timeout 20

## Chromium for the real-browser tests (Debian's package; Playwright's own download cannot work here).
browsers:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

## Run the whole test suite (real-browser tests included).
## Unit, API and page tests run on two workers; the real-browser journeys run after them, alone
## (they flush the database, so they must not share a worker with the rest).
test: install browsers messages
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n 2 -m "not e2e"
	$(BIN)/pytest -m e2e

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python benchmarks/directory.py

## Whole HTTP responses from gunicorn (production settings) on a local PostgreSQL server.
BENCH_PROGRAMS ?= 1000
bench-http: install
	$(BIN)/python benchmarks/http.py --programs $(BENCH_PROGRAMS)

## Two gunicorn servers, one PostgreSQL, one Redis: limits, sessions and share links hold across both.
bench-two-servers: install
	$(BIN)/python benchmarks/two_servers.py

## Faults on a PostgreSQL cluster and a Redis of its own (never the machine's): a database
## restart under load, an import killed half-way, Redis stopped. Under 5 minutes.
bench-faults: install messages
	$(BIN)/python benchmarks/faults.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache locale/*/LC_MESSAGES/*.mo
