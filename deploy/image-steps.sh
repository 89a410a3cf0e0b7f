#!/usr/bin/env bash
# The production image's build and start steps, in one place: the Dockerfile runs each step,
# and tests/image runs the very same steps in a clean directory on a machine with no Docker.
# Run from the application folder. Paths come from the environment, with the image's values
# as defaults.
#   deploy/image-steps.sh python        a fresh venv with the runtime requirements
#   deploy/image-steps.sh bun           bun from the npm registry (Reflex would download it)
#   deploy/image-steps.sh frontend      compile and build the pages once
#   deploy/image-steps.sh runtime-user  the unprivileged user and the folders it may write
#   deploy/image-steps.sh start         serve the build and the backend on one port
set -euo pipefail
PYTHON=${PYTHON:-python3}
VENV=${VENV:-/opt/venv}
TOOLS=${TOOLS:-/opt/tools}
APP_USER=${APP_USER:-app}
BUN_VERSION=1.4.5

case "${1:-}" in
  python)
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install --no-cache-dir --disable-pip-version-check -r requirements.txt
    ;;
  bun)
    npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "bun@$BUN_VERSION"
    ;;
  frontend)
    # Dev defaults at build time: no secret is needed (or baked in) to compile the pages.
    PATH="$TOOLS/node_modules/.bin:$VENV/bin:$PATH" REFLEX_USE_SYSTEM_BUN=1 APP_ENV=dev \
      "$VENV/bin/python" -m reflex export --frontend-only --no-zip --env prod
    rm -rf .web/node_modules frontend.zip .data
    ;;
  runtime-user)
    # The app writes only its data dir, Reflex's state files (.states without Redis), the
    # upload dir Reflex creates at start, and .web; the code stays root's. Owning the app
    # folder itself (not its files) lets Reflex create anything else it needs next to them.
    id -u "$APP_USER" >/dev/null 2>&1 || useradd --system --home-dir "$PWD" --shell /usr/sbin/nologin "$APP_USER"
    mkdir -p .data .states uploaded_files
    chown "$APP_USER" . && chown -R "$APP_USER" .data .states uploaded_files .web
    ;;
  start)
    exec "$VENV/bin/python" -m cargo_webapp.serve
    ;;
  *)
    echo "usage: deploy/image-steps.sh python|bun|frontend|runtime-user|start" >&2
    exit 2
    ;;
esac
