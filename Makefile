# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app assess
HOST ?= 127.0.0.1
PORT ?= 5000

CONTEXTS := contexts/build/contexts.json
INTEROP := interop/node_modules/.package-lock.json
VENDOR := static/vendor/chart.umd.js

.PHONY: run test lint install migrate banks demo serve clean contexts interop vendor constraints

$(BIN)/flask: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test]"
	touch $(BIN)/flask

# constraints.txt: the exact release of every runtime dependency (the closure of pyproject.toml's
# `dependencies`), for `pip install -c constraints.txt .` in deployments and `make install`.
# `make constraints` re-resolves it from the index with pip-compile (pip-tools, in its own venv
# under .venv/tools), taking the newest releases the ranges allow; run `make test` on the result.
TOOLS := $(VENV)/tools
constraints:
	test -x $(TOOLS)/bin/pip-compile || \
		{ $(PYTHON) -m venv $(TOOLS) && $(TOOLS)/bin/pip install --quiet pip-tools; }
	CUSTOM_COMPILE_COMMAND="make constraints" $(TOOLS)/bin/pip-compile --quiet --upgrade \
		--strip-extras --no-emit-index-url --no-emit-find-links --no-emit-trusted-host \
		--output-file constraints.txt pyproject.toml
	{ echo "# Exact runtime dependency versions for deployments: pip install -c constraints.txt ."; \
	  echo "# Refresh with \`make constraints\` (newest releases pyproject.toml's ranges allow),"; \
	  echo "# then \`make test\` and commit it. Not edited by hand."; cat constraints.txt; \
	} > constraints.txt.new && mv constraints.txt.new constraints.txt

# JSON-LD contexts for signing and verifying credentials, from the npm registry (needs Node.js).
$(CONTEXTS): contexts/package.json contexts/package-lock.json contexts/export.mjs
	npm ci --prefix contexts --no-audit --no-fund --loglevel=error
	node contexts/export.mjs

contexts: $(CONTEXTS)

# Digital Bazaar's verifier, used by the interoperability tests.
$(INTEROP): interop/package.json interop/package-lock.json
	npm ci --prefix interop --no-audit --no-fund --loglevel=error

interop: $(INTEROP)

# Front-end libraries served from /static/vendor/ (Chart.js for the admin overview charts,
# zxcvbn for the live password strength hint), from the npm registry (needs Node.js); only
# the files the pages load are copied out.
$(VENDOR): frontend/package.json frontend/package-lock.json
	npm ci --prefix frontend --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp frontend/node_modules/chart.js/dist/chart.umd.js $(VENDOR)
	cp frontend/node_modules/chart.js/LICENSE.md static/vendor/chart.js.LICENSE.md
	cp frontend/node_modules/zxcvbn/dist/zxcvbn.js static/vendor/zxcvbn.js
	cp frontend/node_modules/zxcvbn/LICENSE.txt static/vendor/zxcvbn.LICENSE.txt

vendor: $(VENDOR)

install: $(BIN)/flask $(CONTEXTS) $(VENDOR)

migrate: install
	$(FLASK) db upgrade

banks: migrate
	$(FLASK) banks import

demo: migrate
	$(FLASK) demo

# `make run HOST=0.0.0.0 PORT=5101`. The app hears HOST and PORT too (ASSESS_HOST, ASSESS_PORT):
# unless PUBLIC_URL is set, certificate ids and share links are built on http://HOST:PORT.
# A job worker runs beside the development server (certificates, the minute's sweep). Ctrl-C
# reaches both; the worker is sent TERM as well when the server stops, since a background
# process ignores Ctrl-C until the worker has started (TERM after Ctrl-C is harmless).
run: export ASSESS_HOST := $(HOST)
run: export ASSESS_PORT := $(PORT)
run: banks demo
	@echo "Serving on http://$(HOST):$(PORT)/ with a job worker beside it (Ctrl-C stops both)"
	@$(FLASK) jobs worker --workers 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker; exit 130' INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT); status=$$?; \
	kill $$worker 2>/dev/null; wait $$worker 2>/dev/null; exit $$status

# The gates that keep the house in shape: ruff (pyflakes, pycodestyle, import order) on
# everything, mypy on the pure packages (assess/core, assess/items).
lint: install
	$(BIN)/ruff check .
	$(BIN)/python -m mypy

test: install interop lint
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) .pytest_cache contexts/node_modules contexts/build interop/node_modules \
		frontend/node_modules static/vendor

# Autosave throughput under gunicorn vs two bare baselines, an ORM upsert and a raw-driver
# upsert (the floor), in alternating rounds, then autosave's p99 at 64 connections (SQLite;
# PostgreSQL when reachable, in a database of the run's own). Options: make bench
# BENCH_ARGS="--seconds 20 --backend sqlite --pg-database mine" (see --help).
.PHONY: bench
bench:
	@test -x $(BIN)/python || $(MAKE) install
	$(BIN)/python bench/autosave.py $(BENCH_ARGS)

# Grading under concurrency, end to end over HTTP: 30 applicants submit the general screening,
# 16 graders and 2 leads grade it at once through gunicorn (4 workers) on PostgreSQL
# (database assess_load, recreated); exits non-zero when an invariant fails (stuck attempts,
# duplicate score events or certificates, 5xx). Options: make load-grading
# LOAD_ARGS="--ref HEAD" (the committed code) or "--database-url sqlite:////tmp/load.sqlite3".
.PHONY: load-grading
load-grading:
	@test -x $(BIN)/python || $(MAKE) install
	$(BIN)/python bench/grading_load.py $(LOAD_ARGS)

# Item analysis: the pure statistics over 1,000,000 generated responses beside a plain
# facility-and-SD pass, then the service and the admin page over a generated 10,000-attempt
# screening (SQLite; PostgreSQL too when reachable). Options: make bench-analysis
# ANALYSIS_ARGS="--attempts 2000 --backend sqlite" (see --help).
.PHONY: bench-analysis
bench-analysis:
	@test -x $(BIN)/python || $(MAKE) install
	$(BIN)/python bench/item_analysis.py $(ANALYSIS_ARGS)

# Banks at scale: `banks validate`, a first `banks import` and an unchanged re-import of a
# generated 10,000-item bank (SQLite; PostgreSQL too when reachable, database
# assess_bench_banks, created and dropped). Options: make bench-banks
# BANKS_ARGS="--items 2000 --backend sqlite --pg-database my_bench" (see --help).
.PHONY: bench-banks
bench-banks:
	@test -x $(BIN)/python || $(MAKE) install
	$(BIN)/python bench/bank_scale.py $(BANKS_ARGS)

# The grading queue at 1,000, 10,000 and 100,000 open tasks: claiming a task and the graders'
# queue page (SQLite; PostgreSQL too when reachable, database assess_bench_queue, recreated and
# dropped). Options: make bench-queue QUEUE_ARGS="--plans --backend sqlite" (see --help).
.PHONY: bench-queue
bench-queue:
	@test -x $(BIN)/python || $(MAKE) install
	$(BIN)/python bench/grading_queue.py $(QUEUE_ARGS)

# Where one worker's time goes, autosave beside the raw upsert (py-spy; installed on first use).
# Options: make bench-profile PROFILE_ARGS="--backend postgresql --seconds 20" (see --help).
.PHONY: bench-profile
bench-profile:
	@test -x $(BIN)/py-spy || $(BIN)/pip install --quiet -c constraints.txt -e ".[profile]"
	$(BIN)/python bench/profile_autosave.py $(PROFILE_ARGS)

# Load, soak and faults (not part of `make test`): 300 applicants, 16 graders, 2 leads and a
# platform (Locust, as a library) for 10 minutes against gunicorn on a private PostgreSQL
# cluster (initdb in a temp folder), then kill -9 of workers and servers, a PostgreSQL restart,
# the deadline race, a full and a read-only SQLite, the job worker killed mid-job. Ends with
# "N acknowledged answers lost, N attempts unscored, N server errors"; exits 1 unless all 0.
# `make soak-short` is the CI version (about 3 minutes). Options: make soak SOAK_ARGS="--help".
.PHONY: soak soak-short
soak:
	@test -x $(BIN)/python || $(MAKE) install
	@test -x $(BIN)/locust || $(BIN)/pip install --quiet -c constraints.txt -e ".[soak]"
	$(BIN)/python bench/soak/run.py $(SOAK_ARGS)

soak-short:
	@$(MAKE) --no-print-directory soak SOAK_ARGS="--short $(SOAK_ARGS)"
