# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app assess
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install migrate banks demo serve clean

$(BIN)/flask: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(BIN)/flask

install: $(BIN)/flask

migrate: install
	$(FLASK) db upgrade

banks: migrate
	$(FLASK) banks import

demo: migrate
	$(FLASK) demo

run: banks demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) .pytest_cache

# Autosave throughput under gunicorn vs a bare ORM upsert (SQLite; PostgreSQL when reachable).
# Options: make bench BENCH_ARGS="--seconds 20 --backend sqlite" (see --help).
.PHONY: bench
bench:
	@test -x $(BIN)/python || $(MAKE) install
	$(BIN)/python bench/autosave.py $(BENCH_ARGS)
