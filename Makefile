# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
DEMO_FAMILIES ?= 60
DEMO_MUNICIPALITIES ?= 2
OIDC_PORT ?= 9400

.PHONY: oidc-mock

.PHONY: run test install install-test lint format bench clean

run: install
	$(BIN)/velferdslab db upgrade
	$(BIN)/velferdslab demo --if-empty --families $(DEMO_FAMILIES) --municipalities $(DEMO_MUNICIPALITIES)
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl-C stops)"
	$(BIN)/velferdslab serve --host $(HOST) --port $(PORT)

test: install-test
	scripts/test.sh

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml velferdslab/translations/*/LC_MESSAGES/messages.po
	scripts/system-deps.sh run
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	VENV=$(VENV) scripts/translations.sh compile
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	scripts/system-deps.sh test
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# A local OpenID provider to try sign-in with (docs/sso.md): `make oidc-mock OIDC_PORT=9400`.
oidc-mock: install-test
	$(BIN)/oidc-provider-mock --host 127.0.0.1 --port $(OIDC_PORT)

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-test
	scripts/bench.sh

clean:
	rm -rf $(VENV) instance test-artifacts .pytest_cache .mypy_cache .ruff_cache
