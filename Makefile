# The advisor's commands. `make` alone lists them.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
PYTHON ?= python3.11
VENV := $(ROOT)/.venv
PY := $(VENV)/bin/python
# Inside the venv, so deleting .venv also forgets that it was installed.
STAMP := $(VENV)/.advisor-installed
TOOLS := $(ROOT)/.tools
BUN := $(TOOLS)/bin/bun
BUN_VERSION := 1.4.5
# axe-core, the accessibility rules the browser tests inject into pages; from the npm registry.
AXE_VERSION := 4.14.1
AXE := $(TOOLS)/axe/node_modules/axe-core/axe.min.js
AXE_STAMP := $(TOOLS)/axe/.installed-$(AXE_VERSION)
# Debian's chromium drives the browser tests and the page-load benchmark (with the playwright
# Python package); playwright's own browser download would reach outside the registries.
CHROMIUM := /usr/bin/chromium
# Debian's PostgreSQL server for the database tests, which run a throwaway cluster of their own
# (tests/utils/pg_cluster.py), never the system's. Any major version will do: make expands the pattern
# to the installed initdb; with none installed it stays a pattern naming no file, and the rule
# below installs the server.
POSTGRES := /usr/lib/postgresql/*/bin/initdb
# Debian's Redis server for the scale-out test, which runs a throwaway server of its own
# (tests/utils/redis_server.py) on a free port of 127.0.0.1, never the system's.
REDIS := /usr/bin/redis-server
# wrk drives the API benchmark from another core (a Python client would starve the server).
WRK := /usr/bin/wrk
PORT ?= 3000
# Loopback only: a laptop's `make run` is not offered to its network. HOST=0.0.0.0 listens on
# every interface (a server behind a reverse proxy, a container).
HOST ?= 127.0.0.1
PYTEST_ARGS ?=
# Every recipe that runs Reflex, the tests or the benchmarks starts from the same environment.
WITH_ENV := cd $(ROOT) && export ADVISOR_ROOT=$(ROOT) && . $(ROOT)/scripts/env.sh &&

.PHONY: help install run test test-fast bench purge lint format clean distclean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  make %-10s %s\n", $$1, $$2}' \
		$(MAKEFILE_LIST)
	@echo "  (make run PORT=8080 serves on another port, HOST=0.0.0.0 on every interface;" \
		"default $(HOST):$(PORT))"

install: $(STAMP) $(BUN) ## Create .venv, install the project and bun (only what is missing)

$(PY):
	$(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV) with $(PYTHON)" \
		"(on Debian: apt-get install -y python3-venv)" >&2; exit 1; }

$(STAMP): $(ROOT)/pyproject.toml | $(PY)
	cd $(ROOT) && $(PY) -m pip install --disable-pip-version-check -q -e '.[test]'
	touch $@

# bun comes from the npm registry; Reflex's own installer downloads a script from elsewhere.
# Its postinstall must run (it puts the real binary in place): --allow-scripts=bun keeps npm 11
# from warning about it, and never prompts.
$(BUN):
	npm install -g --prefix $(TOOLS) --allow-scripts=bun --no-fund --no-audit \
		bun@$(BUN_VERSION) </dev/null
	$(BUN) --version >/dev/null
	touch -h $@

run: install ## Check the content, migrate the database, serve the app on HOST:PORT (default 127.0.0.1:3000)
	cd $(ROOT) && $(PY) -m advisor.content
	cd $(ROOT) && $(PY) -m advisor.db migrate
	$(WITH_ENV) exec reflex run --env prod --single-port --backend-host $(HOST) \
		--frontend-port $(PORT) --backend-port $(PORT)

test: install $(CHROMIUM) $(AXE_STAMP) $(POSTGRES) $(REDIS) ## Run the test suite, browser tests included
	$(WITH_ENV) $(PY) -m pytest $(PYTEST_ARGS)

# What test-fast leaves out: the markers of pyproject.toml (tests/conftest.py adds server,
# postgres and redis to every test using a fixture that starts one).
FAST := not e2e and not server and not postgres and not redis and not slow

test-fast: install ## Run the tests that need no browser, server or database server (seconds)
	$(WITH_ENV) $(PY) -m pytest -m "$(FAST)" $(PYTEST_ARGS)

# The fonts give screenshots readable text.
$(CHROMIUM):
	@echo "Installing Debian's chromium for the browser tests and the page-load benchmark"
	export DEBIAN_FRONTEND=noninteractive && apt-get update -q && \
		apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core </dev/null

# The package also creates Debian's default cluster (main, port 5432) and starts it where
# services may start: the tests never use it.
$(POSTGRES):
	@echo "Installing Debian's postgresql for the database tests"
	export DEBIAN_FRONTEND=noninteractive && apt-get update -q && \
		apt-get install -y -q --no-install-recommends postgresql </dev/null

# The package also enables Debian's own server (port 6379) where services may start: the tests
# never use it.
$(REDIS):
	@echo "Installing Debian's redis-server for the scale-out test"
	export DEBIAN_FRONTEND=noninteractive && apt-get update -q && \
		apt-get install -y -q --no-install-recommends redis-server </dev/null

# The stamp names the version, so changing AXE_VERSION installs the new one.
$(AXE_STAMP):
	npm install --prefix $(TOOLS)/axe --no-save --no-fund --no-audit \
		axe-core@$(AXE_VERSION) </dev/null
	test -s $(AXE)
	rm -f $(TOOLS)/axe/.installed-*
	touch $@

bench: install $(CHROMIUM) $(POSTGRES) $(WRK) ## Run the benchmarks (python -m bench): engine, pages, API, sessions, saves
	$(WITH_ENV) $(PY) -m bench

$(WRK):
	@echo "Installing Debian's wrk for the API benchmark"
	export DEBIAN_FRONTEND=noninteractive && apt-get update -q && \
		apt-get install -y -q --no-install-recommends wrk </dev/null

purge: install ## Delete saved assessments older than ADVISOR_RETENTION_DAYS (default 365) and plans past ADVISOR_PLAN_DAYS (default 30)
	cd $(ROOT) && $(PY) -m advisor.db purge

lint: install ## Check lint and formatting with ruff
	cd $(ROOT) && $(PY) -m ruff check . && $(PY) -m ruff format --check .

format: install ## Fix what ruff can fix and format the code
	cd $(ROOT) && $(PY) -m ruff check --fix . && $(PY) -m ruff format .

clean: ## Remove build output and caches (keeps .venv and .tools)
	cd $(ROOT) && rm -rf .web .states .test-server .pytest_cache .hypothesis .ruff_cache build *.egg-info
	cd $(ROOT) && find . -path ./.venv -prune -o -path ./.tools -prune -o \
		-name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## Also remove .venv and .tools (the next make install starts from scratch)
	rm -rf $(VENV) $(TOOLS)
