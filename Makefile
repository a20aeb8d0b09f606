# lianzhao — two commands: `make demo` and `make test`. Everything else is a helper they call.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
LZ     := $(VENV)/bin/lianzhao
TIMED  := scripts/timed.sh

.PHONY: demo test test-start venv migrate browser-deps test-sqlite test-install test-postgres test-install-postgres lint bench messages vendor-js clean

$(VENV)/.installed: pyproject.toml
	@$(TIMED) install sh -c 'test -x $(PY) || $(PYTHON) -m venv $(VENV); \
	  $(PY) -m pip install --quiet --upgrade pip && $(PY) -m pip install --quiet -e ".[test]"'
	touch $@

venv: $(VENV)/.installed

migrate: venv
	$(LZ) migrate --no-input

## make demo: install, migrate, load the Jimo demo and serve it on $(HOST):$(PORT)
demo: migrate
	@scripts/ensure_system_deps.sh demo
	$(LZ) demo load
	@echo ""
	@echo "链招 lianzhao: http://$(HOST):$(PORT)/   demo accounts above, password: lianzhao-demo"
	$(LZ) serve --host $(HOST) --port $(PORT)

## make test: install what the tests need (Chromium, PostgreSQL) and run the whole suite; prints the
## time of each step and the total (keep it under 8 minutes on a 2-core machine). The SQLite suite and
## the production install + PostgreSQL suite run side by side, one per core; each lane's output is
## printed whole when it ends (--output-sync), so the log reads as if they had run one after the other.
test: test-start venv browser-deps lint
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-install-postgres
	@$(TIMED) summary

test-install-postgres: venv
	@$(MAKE) --no-print-directory test-install
	@$(MAKE) --no-print-directory test-postgres

test-start:
	@$(TIMED) start

browser-deps:
	@$(TIMED) system-packages scripts/ensure_system_deps.sh test

lint: venv
	@$(TIMED) import-layers $(VENV)/bin/lint-imports
	@$(TIMED) ruff $(VENV)/bin/ruff check .

# --durations: the slowest tests of every run are in the log, so a slow newcomer shows at once.
test-sqlite: venv
	@$(TIMED) sqlite $(PY) -m pytest -q --durations=10

# The README's production path: a clean venv with `pip install .` (no extras) migrates, loads the demo,
# serves, and answers every page and download (tests/install; skipped in the other runs).
test-install: venv
	@$(TIMED) production-install $(PY) -m pytest -q -m install tests/install

# Every database test again on a throwaway PostgreSQL server (browser and maths tests excluded: they do
# not depend on the database engine; the real-server test builds its own SQLite installation).
test-postgres: venv
	@$(TIMED) postgresql scripts/with_postgres.sh $(PY) -m pytest -q --durations=10 -m "not browser and not server" \
	  --ignore=tests/econ --ignore=tests/demo/test_pack_data.py

## make bench: every benchmark, each printing its table (not part of make test; ~35 minutes)
bench: venv
	$(PY) bench/io_bench.py
	$(PY) bench/gaps_bench.py
	$(PY) bench/pipeline_bench.py
	$(PY) bench/load_bench.py
	$(PY) bench/import_bench.py
	$(PY) bench/pdf_bench.py

## make messages: collect the UI strings into the English catalogue and compile it (needs GNU gettext);
## translate the new entries of src/lianzhao/locale/en/LC_MESSAGES/django.po, run it again, commit both files
messages: venv
	cd src/lianzhao && ../../$(LZ) makemessages -l en --ignore='static/vendor/*'
	cd src/lianzhao && ../../$(LZ) compilemessages -l en -l zh_Hans

vendor-js:
	scripts/vendor_js.sh

clean:
	rm -rf $(VENV) var build *.egg-info
