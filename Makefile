# The two commands a new user needs: `make run` and `make test`. Both run `make setup` first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app engage
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: setup run test system-packages bench clean-venv

setup: $(VENV)/.installed node_modules/.installed system-packages

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
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

test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

bench: setup
	$(BIN)/python bench/locate.py
