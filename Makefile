# The README's two commands: `make run` and `make test`. Everything else is a helper of those.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
PY := .venv/bin/python
export UV_PYTHON := $(shell command -v $(PYTHON))
export UV_LINK_MODE := copy

.PHONY: run test env assets lint bench clean

run:
	@start=$$(date +%s.%N); \
	$(MAKE) --no-print-directory env assets && \
	HARESIGN_SETUP_STARTED=$$start $(PY) scripts/run_portal.py

test: env assets
	$(PY) -m pytest
	HARESIGN_TEST_DB=postgresql $(PY) -m pytest

# Bytecode compiled once here: these machines set PYTHONDONTWRITEBYTECODE, so without it every
# `flask` command and gunicorn worker would compile every module afresh.
env: $(UV)
	@$(UV) sync --frozen --quiet --compile-bytecode
	@$(PY) -m compileall -q portal wsgi.py >/dev/null

$(UV):
	@$(PYTHON) -m venv .tools
	@.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

assets: env
	@$(PY) scripts/build_assets.py

lint: env
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

bench: env
	$(PY) scripts/bench_ingest.py
	$(PY) scripts/bench_mcp.py
	$(PY) scripts/bench_startup.py

clean:
	rm -rf .venv .tools instance node_modules portal/static/vendor
