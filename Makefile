# Two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export AFTERSALES_PORT := $(PORT)

.PHONY: run test lint format messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

## make run: install, migrate, load the demo data, start web + worker + beat + the sandbox marketplace.
# Plain http://127.0.0.1 with debug off, so the product's own error pages show (README: Configuration).
# The other local commands need the switch too: without it the settings ask for a production key.
run test messages bench: export AFTERSALES_LOCAL_HTTP = 1
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	@echo ""
	@echo "  Aftersales is starting at http://127.0.0.1:$(PORT)"
	@echo "  Log in with one of the demo logins above (password: aftersales-demo)."
	@echo "  Health: http://127.0.0.1:$(PORT)/healthz   API docs: http://127.0.0.1:$(PORT)/api/docs/"
	@echo "  Sandbox marketplace (new orders, returns, buyer emails every minute): http://127.0.0.1:$${AFTERSALES_SANDBOX_PORT:-8765}/_sandbox/state"
	@echo ""
	@# bin/supervise.py is honcho; no shell in between, so SIGTERM to make reaches it (see its docstring).
	$(BIN)/python bin/supervise.py

## make test: lint, then the whole suite (PostgreSQL/Redis/Chromium tests run where they exist).
test: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make messages: refresh and compile the zh-Hans catalogue (needs gettext for makemessages).
messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages --locale zh_Hans --ignore '.venv/*' --ignore 'var/*'
	$(BIN)/python manage.py compilemessages --locale zh_Hans --ignore '.venv/*'

bench: $(VENV)/.installed
	@for b in bench/*.py; do $(BIN)/python $$b; done

clean:
	rm -rf var .pytest_cache .ruff_cache
