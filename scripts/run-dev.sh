#!/usr/bin/env bash
# Start the app on embedded defaults: the CargoTech sandbox and the fake Telegram Bot API
# (unless CARGOTECH_BASE_URL / TELEGRAM_API_BASE_URL point elsewhere), then `reflex run` at
# http://localhost:3000. Play the dispatcher at http://127.0.0.1:8081/.
set -euo pipefail
cd "$(dirname "$0")/.."
# The project's own venv and bun (see Makefile), also when the script is run directly.
export PATH="$PWD/.venv/bin:$PWD/.tools/node_modules/.bin:$PATH" REFLEX_USE_SYSTEM_BUN=1

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# start_stub NAME PORT READY_PATH COMMAND...: start a local stand-in unless one already answers.
start_stub() {
  local name=$1 port=$2 ready=$3
  shift 3
  [[ -n $port ]] || return 0
  if curl -fsS "http://127.0.0.1:${port}${ready}" >/dev/null 2>&1; then
    echo "${name} already answers on port ${port}; reusing it."
    return 0
  fi
  "$@" --host 127.0.0.1 --port "$port" &
  pids+=($!)
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:${port}${ready}" >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "${name} on http://127.0.0.1:${port}"
}

start_stub "CargoTech sandbox" "$(python -m services.settings embedded-sandbox-port)" /__control/stats \
  python -m sandbox
start_stub "Fake Telegram (the dispatcher chat is at /)" "$(python -m services.settings embedded-telegram-port)" \
  /__control/webhook python -m sandbox.telegram --dispatcher-chat -1000000000001 --dispatcher-user 900000001

# Bring the database to the newest migration first (Reflex checks the schema before the app
# starts, and a fresh clone has no database yet).
reflex db migrate
reflex run "$@"
