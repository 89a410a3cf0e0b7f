#!/usr/bin/env bash
# The whole suite, one pytest process per layer, then one line per layer. Browser layers run in
# their own processes: Playwright's sync API and pytest-asyncio's loops must not share one.
# Extra arguments go to every pytest run (e.g. `scripts/test.sh -x`).
set -uo pipefail
cd "$(dirname "$0")/.."
# The project's own venv and bun (see Makefile), also when the script is run directly.
export PATH="$PWD/.venv/bin:$PWD/.tools/node_modules/.bin:$PATH" REFLEX_USE_SYSTEM_BUN=1

reports=test-artifacts/junit
rm -rf "$reports" && mkdir -p "$reports"

# layer NAME TIMEOUT_S PATH...: run one layer; its JUnit report feeds the summary.
layer() {
  local name=$1 limit=$2
  shift 2
  echo "=== ${name}"
  timeout "$limit" python -m pytest "$@" --junitxml="$reports/$name.xml" -o junit_suite_name="$name" "${extra[@]}"
  echo "$?" > "$reports/$name.rc"
}

extra=("$@")
layer lint 600 tests/lint
layer unit 600 tests/unit
layer primitives 600 tests/primitives
layer sandbox 900 tests/sandbox tests/sandbox_telegram
layer integration 1500 tests/integration
layer multiprocess 900 tests/multiprocess
layer e2e 1200 tests/e2e
layer devmode 900 tests/devmode
layer image 1200 tests/image

python -m tests.support.layer_summary "$reports" lint unit primitives sandbox integration multiprocess e2e devmode image
