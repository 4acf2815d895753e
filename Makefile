# The two commands a new user needs: `make run` and `make test`. Both run `make setup` first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app engage
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: setup run test test-js lint system-packages bench clean-venv

setup: $(VENV)/.installed node_modules/.installed system-packages

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

# --include=dev: the JavaScript checks need ESLint and fake-indexeddb even where
# NODE_ENV=production would leave devDependencies out. /vendor serves none of them.
node_modules/.installed: package.json package-lock.json
	npm ci --include=dev --no-audit --no-fund --loglevel=error
	@touch $@

system-packages:
	@scripts/system-packages.sh

run: setup
	$(FLASK) db upgrade
	$(FLASK) wards import-default
	$(FLASK) status
	@echo "engage is at http://$(HOST):$(PORT)/  (Ctrl-C to stop; the e-mail worker runs alongside)"
	@$(FLASK) outbox send --loop & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(FLASK) run --host $(HOST) --port $(PORT)

test: setup lint test-js
	$(BIN)/pytest $(PYTEST_ARGS)

# The Python checks alone (seconds): ruff's lint and its formatter, settings in pyproject.toml.
# `$(BIN)/ruff format .` and `$(BIN)/ruff check --fix .` put most findings right.
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The JavaScript alone (seconds): ESLint over static/js and tests/js, then the node tests.
test-js: node_modules/.installed
	node_modules/.bin/eslint --max-warnings 0 static/js tests/js eslint.config.js
	node --test tests/js/*.test.js

# Every benchmark behind docs/benchmarks.md, one after another (over an hour, most of it
# loading a million concerns twice; PostgreSQL on 127.0.0.1 or BENCH_POSTGRES). Run it on
# an otherwise idle machine. Each script says whether its goal is met and goes on to the
# next either way; each also runs alone: see docs/benchmarks.md.
bench: setup
	@command -v wrk >/dev/null || { [ "$$(id -u)" -eq 0 ] && apt-get install -y -qq wrk >/dev/null; } || \
	  { echo "bench/capture.py needs wrk: sudo apt-get install wrk"; exit 1; }
	$(BIN)/python bench/locate.py
	$(BIN)/python bench/locate_csv.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/first_visit.py
	-$(BIN)/python bench/capture.py
	$(BIN)/python bench/capture_cpu.py
	-$(BIN)/python bench/load.py
	-$(BIN)/python bench/maps.py
	-$(BIN)/python bench/scale.py
