# Daily commands. `make run` serves the archive; `make test` runs the whole suite.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
PORT ?= 8000
POSTGRES_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: run serve install install-test sample migrate test test-sqlite test-postgres browser-deps axe lint format bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

migrate: install
	$(PY) manage.py migrate --noinput

# Load the sample archive from fixtures/ (idempotent) and build the search index.
sample: migrate
	$(PY) manage.py load_sample

run: sample
	@echo "Parley is serving on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production-style server: gunicorn + whitenoise, DJANGO_DEBUG=0 (see README, "Production").
# Needs DJANGO_SECRET_KEY; plain HTTP on 127.0.0.1 unless DJANGO_SECURE_SSL_REDIRECT=1 (behind TLS).
WORKERS ?= 3
serve: sample
	@test -n "$$DJANGO_SECRET_KEY" || { echo "make serve: set DJANGO_SECRET_KEY (e.g. export DJANGO_SECRET_KEY=\$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))'))"; exit 2; }
	DJANGO_DEBUG=0 $(PY) manage.py collectstatic --noinput --verbosity 0
	DJANGO_DEBUG=0 DJANGO_SECURE_SSL_REDIRECT=$${DJANGO_SECURE_SSL_REDIRECT:-0} \
		$(VENV)/bin/gunicorn archive.wsgi --bind 127.0.0.1:$(PORT) --workers $(WORKERS) \
		--access-logfile - --graceful-timeout 10

# Debian's chromium for the browser tests (Playwright's own browser download does not work here),
# and the Noto CJK fonts, so that the screenshots show Chinese and Japanese text, not boxes.
BROWSER_PACKAGES = chromium fonts-noto-cjk
browser-deps:
	@if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's $(BROWSER_PACKAGES) for the browser tests..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null) \
			|| echo "Could not install $(BROWSER_PACKAGES): browser tests may be skipped."; \
	else echo "chromium is not installed and cannot be installed here: browser tests will be skipped."; fi

# axe-core, the accessibility checker the browser tests run inside every page, from the npm
# registry at the version tests/browser/package-lock.json pins (with its checksum). Node.js and
# npm come from Debian when they are missing and this runs as root.
AXE = tests/browser/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@if ! command -v npm >/dev/null 2>&1 && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's npm for axe-core..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null) \
			|| echo "Could not install npm."; \
	fi
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm is not installed: the axe-core browser tests will be skipped."; fi

test: install-test browser-deps axe test-sqlite test-postgres

test-sqlite: install-test
	@echo "== Test suite on SQLite + Whoosh =="
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

# The same suite on PostgreSQL (the database search engine); skipped, not failed, without a server.
test-postgres: install-test
	@if $(PY) -c "import psycopg,sys; psycopg.connect('$(POSTGRES_TEST_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== Test suite on PostgreSQL ($(POSTGRES_TEST_URL)) =="; \
		DATABASE_URL=$(POSTGRES_TEST_URL) $(PY) -m pytest -n 2 $(PYTEST_ARGS); \
	else \
		echo "SKIPPED: no PostgreSQL answers at $(POSTGRES_TEST_URL); the PostgreSQL run of the suite was skipped."; \
	fi

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The search benchmark at 10,000 turns (benchmarks/RESULTS.md); its Datasette and FTS5 reference
# lines need the `bench` extra (sqlite-utils, Datasette).
$(VENV)/.installed-bench: $(VENV)/.installed-test pyproject.toml
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $@

bench: $(VENV)/.installed-bench
	$(PY) benchmarks/bench.py --turns 10000

clean:
	rm -rf var test-artifacts .pytest_cache tests/browser/node_modules
