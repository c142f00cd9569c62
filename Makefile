# The two commands the README promises: `make run` and `make test`.
# uv lives in the user cache and installs into .venv from uv.lock; its package cache
# (~/.cache/uv) and the Neo4j jars (~/.cache/tiegraph) make a second run fast.

SHELL := /bin/bash
CACHE := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/tiegraph
UV := $(CACHE)/uv-0.13/bin/uv
VENV := .venv
BIN := $(VENV)/bin
PACKAGES := tiegraph app graph cypher ingest scoring

.PHONY: install run test lint typecheck pytest clean schema

$(UV):
	python3 -m venv $(CACHE)/uv-0.13
	$(CACHE)/uv-0.13/bin/pip install --quiet "uv>=0.13,<0.14"

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --extra dev --python 3.11
	touch $@

install: $(VENV)/.installed

## Start Neo4j and Redis (when not already reachable), load the demo firm, run worker and API.
run: install
	$(BIN)/tiegraph up --demo

## ruff, and the import contract: layers import only downwards (pyproject [tool.importlinter]).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest --cov=tiegraph --cov=app --cov=graph --cov=cypher --cov=ingest --cov=scoring \
		--cov-report=term:skip-covered

## ruff, mypy and the whole suite against a real Neo4j and a real Redis.
test: lint typecheck pytest

## Rewrite schema.graphql from the code (a test fails when they differ).
schema: install
	$(BIN)/python -c "from app.graphql.schema import schema_sdl; print(schema_sdl(), end='')" > schema.graphql

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .coverage
