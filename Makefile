# Öppna beslut: `make run` serves the site, `make test` runs the suite.
# Both set up everything first: .venv from the lock, and a private
# PostgreSQL server unless DATABASE_URL is set (see README.md).

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PY := .venv/bin/python
WITH_DB := scripts/with-db.sh
PORT ?= 8000
# Playwright drives Debian's /usr/bin/chromium; it must never fetch its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: help venv test-packages messages run test check stop backup restore lint format migrations-check typecheck layers-check bench load lock

help:
	@echo "make run               set up, migrate, ingest samples/, serve http://127.0.0.1:$(PORT)"
	@echo "                       (gunicorn and the task worker: scripts/serve.sh)"
	@echo "make test              make check, then the whole test suite (ARGS=... for pytest)"
	@echo "make check             the house rules: lint, migrations-check, typecheck, layers-check"
	@echo "make stop              stop gunicorn, the task worker and the private PostgreSQL"
	@echo "make backup [DIR=...]  dump the database and uploads to backups/<time>/"
	@echo "make restore DIR=...   restore such a backup (DATABASE_URL, MEDIA_ROOT)"
	@echo "make lint | format     ruff check and format --check | rewrite"
	@echo "make migrations-check  fail if models and migrations differ"
	@echo "make typecheck         mypy with django-stubs ([tool.mypy] in pyproject.toml)"
	@echo "make layers-check      lint-imports: the layers' import contracts"
	@echo "make bench             run bench/ingest.py, accuracy.py, pages.py"
	@echo "make load              bench/load.sh: wrk against gunicorn (ARGS=...)"
	@echo "make messages          update locale/en from the code and templates, compile it"
	@echo "make lock              re-resolve dependencies into constraints.txt"

venv:
	@scripts/venv.sh

test-packages:
	@scripts/test-packages.sh

# Addresses in pages and in the download are SITE_URL's: the server's own by default.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: venv
	$(WITH_DB) $(PY) manage.py migrate --noinput
	$(WITH_DB) $(PY) manage.py ingest samples/*.txt
	$(WITH_DB) $(PY) manage.py ingest --kommun "Stockholms stad" samples/stockholm/*.txt
	$(WITH_DB) $(PY) manage.py dump_archive
	$(WITH_DB) $(PY) manage.py collectstatic --noinput --verbosity 0
	BIND=127.0.0.1:$(PORT) $(WITH_DB) scripts/serve.sh

# The database and the uploaded files: `make backup [DIR=...]` writes
# backups/<time>/ (or DIR), `make restore DIR=backups/<time>` restores it.
backup:
	$(WITH_DB) scripts/backup.sh backup $(DIR)

restore:
	$(WITH_DB) scripts/backup.sh restore $(DIR)

# The house rules first: CI runs only `make test` (.ci/run), so it fails on
# them too. .pre-commit-config.yaml runs the same before each commit.
test: check test-packages
	$(WITH_DB) $(PY) -m pytest $(ARGS)

check: lint migrations-check typecheck layers-check

# The web server and the worker first: none should outlive the database and
# answer 500 to every request.
stop:
	@scripts/serve.sh stop
	@scripts/pg.sh stop

lint: venv
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: venv
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

migrations-check: venv
	$(WITH_DB) $(PY) manage.py makemigrations --check --dry-run

# .mypy_cache keeps a rerun to a few seconds.
typecheck: venv
	.venv/bin/mypy

layers-check: venv
	.venv/bin/lint-imports --no-cache

# The benchmarks: each prints its figures and ends with one JSON line.
# bench/extract_compare.py (the PDF libraries compared) runs on its own.
bench: venv
	$(WITH_DB) $(PY) bench/ingest.py
	$(PY) bench/accuracy.py
	$(WITH_DB) $(PY) bench/pages.py

# gunicorn under wrk on bench/search.py's generated archive (fill it first).
load: venv
	$(WITH_DB) bench/load.sh $(ARGS)

# The English catalogue: new strings appear in locale/en/LC_MESSAGES/django.po
# with an empty msgstr to fill in; the compiled .mo is committed beside it.
messages: venv test-packages
	$(PY) manage.py makemessages -l en
	msgfmt --check -o locale/en/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.po

lock:
	scripts/lock.sh
