# Kanal: `make run` to try it, `make test` to check it. Both set up .venv on their own.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
PIP_FLAGS ?= --quiet --disable-pip-version-check

.PHONY: run serve setup install test lint format bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "Installing Kanal and its dependencies into $(VENV) ..."
	$(BIN)/pip install $(PIP_FLAGS) -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

setup: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py ensure_admin

run: setup serve

serve: install
	@echo "Kanal is starting on http://127.0.0.1:$(PORT)/  (admin: /admin/, API: /api/v2/pages/)"
	KANAL_PORT=$(PORT) $(BIN)/honcho start -f Procfile -p $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install lint
	DJANGO_SETTINGS_MODULE=cms.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/pytest tests/bench -p no:cacheprovider -s -o addopts="" $(BENCH_ARGS)

# Kanal's Swedish catalogue: extract the English msgids (needs GNU gettext's xgettext), then
# compile the committed .mo in pure Python (polib), so the bytes do not depend on the tool.
messages: install
	$(BIN)/python manage.py makemessages -l sv --add-location=file --ignore='tests/*' \
		--ignore='cms/demo/*' --ignore='static/*' --ignore='media/*' --ignore='kanal.egg-info/*'
	$(BIN)/python -m cms.catalogue

clean:
	rm -rf $(VENV) static .pytest_cache .ruff_cache
