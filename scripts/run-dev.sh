#!/usr/bin/env bash
# Start the app on embedded defaults: the CargoTech sandbox (unless CARGOTECH_BASE_URL points
# elsewhere) and `reflex run` at http://localhost:3000.
set -euo pipefail
cd "$(dirname "$0")/.."
# The project's own venv and bun (see Makefile), also when the script is run directly.
export PATH="$PWD/.venv/bin:$PWD/.tools/node_modules/.bin:$PATH" REFLEX_USE_SYSTEM_BUN=1

sandbox_port=$(python -m services.settings embedded-sandbox-port)
if [[ -n $sandbox_port ]]; then
  if curl -fsS "http://127.0.0.1:${sandbox_port}/__control/stats" >/dev/null 2>&1; then
    echo "CargoTech sandbox already answers on port ${sandbox_port}; reusing it."
  else
    python -m sandbox --host 127.0.0.1 --port "$sandbox_port" &
    sandbox_pid=$!
    trap 'kill "$sandbox_pid" 2>/dev/null || true' EXIT
    for _ in $(seq 1 100); do
      curl -fsS "http://127.0.0.1:${sandbox_port}/__control/stats" >/dev/null 2>&1 && break
      sleep 0.1
    done
    echo "CargoTech sandbox on http://127.0.0.1:${sandbox_port}"
  fi
fi

reflex run "$@"
