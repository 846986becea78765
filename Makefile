# Two commands on a fresh machine: `make run` serves the demo, `make test` runs the whole quality gate.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8050
# Test processes (pytest-xdist): each has its own PostgreSQL cluster and live servers; a file stays in one.
TEST_WORKERS ?= 2
APT_PACKAGES := postgresql redis-server chromium fonts-dejavu-core poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint system-deps bench constraints clean help

help:
	@echo "make run    - set up .venv, migrate the SQLite database in ./instance, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   - install what the tests need (PostgreSQL, Chromium) and run ruff + the whole pytest suite"
	@echo "make bench  - run the benchmarks in bench/"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The stamps reinstall when pyproject.toml or the constraints change; constraints.txt pins what was tested.
# The .mo catalogues are compiled here (git ignores them); a .po newer than its .mo is compiled in
# memory by the app, so a translator's edit shows without reinstalling.
$(VENV)/.installed-app: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e .
	$(BIN)/python -m i18n.catalogue compile
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-app
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

# The background worker (large uploads) runs beside the server and stops with it.
run: $(VENV)/.installed-app
	$(BIN)/sharing init
	$(BIN)/sharing prune
	$(BIN)/sharing demo
	$(BIN)/sharing worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/sharing serve --host $(HOST) --port $(PORT)

# Debian packages the tests need: a PostgreSQL server and a Redis server (tests start their own, on
# loopback), Chromium, the report's font (DejaVu Sans, also needed in production for PDF reports) and
# poppler's pdftotext.
system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing="$$missing postgresql"; \
	[ -x /usr/bin/redis-server ] || missing="$$missing redis-server"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: system-deps lint
	$(BIN)/python -m pytest -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile --durations=30

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_pages.py

# Refresh constraints.txt from the current venv after changing dependencies in pyproject.toml.
constraints: $(VENV)/.installed-dev
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt

clean:
	rm -rf $(VENV) instance test-artifacts
	find i18n/locales -name '*.mo' -delete
