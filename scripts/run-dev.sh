#!/usr/bin/env bash
# `make run`: the app on embedded defaults at http://localhost:3000, with hot reload. The app
# itself starts the CargoTech sandbox and the fake Telegram Bot API in dev (unless
# CARGOTECH_BASE_URL / TELEGRAM_API_BASE_URL point elsewhere); play the dispatcher at
# http://127.0.0.1:8081/. Plain `reflex run` in the activated venv does the same.
set -euo pipefail
cd "$(dirname "$0")/.."
# The project's own venv and bun (see Makefile), also when the script is run directly.
export PATH="$PWD/.venv/bin:$PWD/.tools/node_modules/.bin:$PATH" REFLEX_USE_SYSTEM_BUN=1

# Bring the database to the newest migration first (Reflex checks the schema before the app
# starts, and a fresh clone has no database yet).
reflex db migrate
exec reflex run "$@"
