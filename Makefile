# Two commands, both idempotent and offline-safe (PyPI, npm and Debian packages only):
#   make run   – set up and start the app on embedded defaults (CargoTech sandbox, SQLite)
#   make test  – set up and run the whole suite
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := .tools
BUN_VERSION := 1.4.5
# Telegram's telegram-web-app.js, shipped by @twa-dev/sdk: browser tests serve it to the app.
TWA_SDK_VERSION := 8.0.2
# axe-core: the accessibility audit the browser tests inject into each page.
AXE_CORE_VERSION := 4.11.0
TOOLS_STAMP := $(TOOLS)/.installed-bun-$(BUN_VERSION)-twa-$(TWA_SDK_VERSION)-axe-$(AXE_CORE_VERSION)

# Reflex would download bun from the internet; use the npm registry's build instead.
export PATH := $(CURDIR)/$(TOOLS)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1

.PHONY: run test setup system-deps sandbox

run: setup
	scripts/run-dev.sh

test: setup system-deps
	scripts/test.sh

setup: $(VENV)/.installed $(TOOLS_STAMP)

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	touch $@

$(TOOLS_STAMP):
	npm install --prefix $(TOOLS) --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION) @twa-dev/sdk@$(TWA_SDK_VERSION) axe-core@$(AXE_CORE_VERSION)
	$(TOOLS)/node_modules/.bin/bun --version
	touch $@

# Debian's chromium, redis-server and postgresql for the test suite (installed when missing).
system-deps:
	scripts/ensure-system-deps.sh

# The CargoTech sandbox alone, for poking at the API with curl.
sandbox: setup
	$(PY) -m sandbox --host 127.0.0.1 --port 8077
