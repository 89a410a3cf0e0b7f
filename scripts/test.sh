#!/usr/bin/env bash
# The whole suite. Browser tests run in their own pytest process: Playwright's sync API and
# pytest-asyncio's loops must not share one (see shared/notes/reflex-on-this-machine.md).
set -uo pipefail
cd "$(dirname "$0")/.."
# The project's own venv and bun (see Makefile), also when the script is run directly.
export PATH="$PWD/.venv/bin:$PWD/.tools/node_modules/.bin:$PATH" REFLEX_USE_SYSTEM_BUN=1

status=0
timeout 1500 python -m pytest tests --ignore=tests/e2e "$@" || status=$?
timeout 900 python -m pytest tests/e2e "$@" || status=$?
exit $status
