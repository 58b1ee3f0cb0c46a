# Vetted: `make run` to try it, `make test` to check it.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := DEBUG=1

.PHONY: run install migrate seed test test-fast test-e2e screenshots test-deps lint format serve bench bench-scale clean

run: install migrate seed
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

install: $(VENV)/.installed node_modules/.package-lock.json

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

# axe-core and the Nu Html Checker for the accessibility and HTML checks (package.json),
# from the npm registry into node_modules/; npm rewrites node_modules/.package-lock.json
# on every install, so this reruns only when package.json or its lock file changed.
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --ignore-scripts --no-audit --no-fund; \
	else echo "npm not found: \`make test\` installs it (scripts/install_test_deps.sh)"; fi

migrate: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

seed: install
	$(DEV_ENV) $(BIN)/python manage.py seed_demo

# The suite runs in parallel, TEST_WORKERS processes (pytest-xdist; `auto`: one per
# core), each with a test database of its own. `make test` first installs the programs
# the browser, Varnish and HTML tests drive (scripts/install_test_deps.sh), or stops
# naming the command to run: it never passes with those tests skipped.
# `--dist worksteal`: a worker that runs out takes tests from the other's queue, so neither
# waits at the end; the order does not matter, since every test starts from the migrated
# database (tests/postgresql/base.py puts it back after tests that commit).
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -p no:cacheprovider -n $(TEST_WORKERS) --dist worksteal

# The whole suite, browser tests included.
test: install test-deps
	$(PYTEST)

# Everything except the browser tests and the few marked slow (see pyproject.toml).
test-fast: install
	$(PYTEST) -m "not e2e and not slow"

test-e2e: install test-deps
	$(PYTEST) -m e2e

# The browser tests, saving what they look at to test-artifacts/screenshots/ (desktop and
# phone widths) for a person to review.
screenshots: install test-deps
	VETTED_SCREENSHOTS=1 $(PYTEST) -m e2e

test-deps:
	scripts/install_test_deps.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Production-style server: gunicorn + WhiteNoise (set DEBUG=0, SECRET_KEY, SITE_URL,
# ALLOWED_HOSTS, DATABASE_URL ...). It refuses to start without a public SITE_URL.
serve: install
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/gunicorn config.wsgi --bind 0.0.0.0:8000 --workers 3

bench: install
	$(BIN)/python scripts/benchmark.py

# Publisher scale (PostgreSQL): seeds <db>_scale up to ARTICLES, then times the pages.
ARTICLES ?= 10000
bench-scale: install
	$(BIN)/python scripts/bench_scale.py --articles $(ARTICLES)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts node_modules
