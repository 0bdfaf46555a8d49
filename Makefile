# Two commands: `make run` (set up and start Laurel) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export LAUREL_DATA_DIR ?= $(CURDIR)/data

.PHONY: run test install interop lint bench clean messages catalogs

$(BIN)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# XStatic-Bootstrap ships only an sdist whose setup imports pkg_resources: build it
	# with the venv's own setuptools (pinned below 81, which removed pkg_resources).
	$(BIN)/pip install -q "setuptools<81" wheel
	$(BIN)/pip install -q --no-build-isolation -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

install: $(BIN)/.installed

interop/node_modules/.installed: interop/package.json interop/package-lock.json
	cd interop && npm ci --no-audit --no-fund --loglevel=error
	touch $@

interop: interop/node_modules/.installed

run: install
	$(BIN)/laurel run

PYTEST_ARGS ?=
test: install interop
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy laurel/vc laurel/design

# Translations (laurel/locale/README.md): extract the marked strings into the .po files
# (GNU gettext's xgettext), then, once translated, compile the committed .mo files (babel).
messages: install
	$(BIN)/python -c "from laurel.ops import data_dir; data_dir.prepare()"
	cd laurel && ../$(BIN)/laurel makemessages -l fr -l es -l ar -e html,txt,py --no-obsolete
	$(BIN)/python -m laurel.ops.catalogs

catalogs: install
	$(BIN)/pybabel compile -d laurel/locale -D django --statistics

bench: install
	$(BIN)/python bench/vc.py
	$(BIN)/python bench/api.py --database both

clean:
	rm -rf $(VENV) interop/node_modules
