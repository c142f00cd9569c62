# The two commands the README promises: `make run` and `make test`.
# uv lives in the user cache and installs into .venv from uv.lock; its package cache
# (~/.cache/uv) and the Neo4j jars (~/.cache/tiegraph) make a second run fast.

SHELL := /bin/bash
CACHE := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/tiegraph
UV := $(CACHE)/uv-0.13/bin/uv
VENV := .venv
BIN := $(VENV)/bin
PACKAGES := tiegraph app graph cypher ingest scoring

.PHONY: install run test lint typecheck pytest clean schema screens web node

# The explorer (web/): npm ci from the committed package-lock.json, once per lock change (the
# stamp keeps node_modules between runs, npm's own cache makes a fresh one quick), then a
# Vite build whenever a source, the schema or the lock changed. Neither is committed.
NPM_STAMP := web/node_modules/.installed
WEB_SOURCES := $(shell find web/src -path web/src/gql -prune -o -type f -print 2>/dev/null) \
	web/index.html web/graphiql.html web/vite.config.ts web/codegen.ts web/tsconfig.json \
	schema.graphql

$(UV):
	python3 -m venv $(CACHE)/uv-0.13
	$(CACHE)/uv-0.13/bin/pip install --quiet "uv>=0.13,<0.14"

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --extra dev --python 3.11
	touch $@

install: $(VENV)/.installed

node:
	@command -v node >/dev/null && node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 20 ? 1 : 0)' \
		|| { echo "The explorer needs Node.js 20 or later with npm (Debian: apt-get install nodejs npm)"; exit 1; }

$(NPM_STAMP): web/package.json web/package-lock.json | node
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

web/dist/index.html: $(NPM_STAMP) $(WEB_SOURCES)
	cd web && npm run --silent build
	touch $@

## Build the explorer into web/dist (served by `tiegraph serve` at /).
web: web/dist/index.html

## Start Neo4j and Redis (when not already reachable), load the demo firm, run worker and API.
run: install web
	$(BIN)/tiegraph up --demo

## ruff, and the import contract: layers import only downwards (pyproject [tool.importlinter]).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

## The browser tests (tests/browser) install Debian's chromium with apt-get when it is missing.
pytest: install web
	$(BIN)/pytest --cov=tiegraph --cov=app --cov=graph --cov=cypher --cov=ingest --cov=scoring \
		--cov-report=term:skip-covered

## Retake the README's screenshots (docs/screens) with the browser tests, on the demo graph.
screens: install web
	TIEGRAPH_SCREENS=docs/screens $(BIN)/pytest tests/browser -q

## ruff, mypy and the whole suite against a real Neo4j and a real Redis.
test: lint typecheck pytest

## Rewrite schema.graphql from the code (a test fails when they differ).
schema: install
	$(BIN)/python -c "from app.graphql.schema import schema_sdl; print(schema_sdl(), end='')" > schema.graphql

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .coverage web/node_modules web/dist web/src/gql
