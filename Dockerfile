# Production image. The frontend is compiled and built once, here (`reflex export`), and served
# with the backend from one port by `python -m cargo_webapp.serve` (granian): a start takes
# seconds and needs neither bun nor node. Schema migrations run at start, under a lock.
# Every step is a step of deploy/image-steps.sh, which tests/image also runs without Docker.

FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY requirements.txt ./
COPY deploy/image-steps.sh deploy/
RUN deploy/image-steps.sh python

# --- frontend build: node for bun's installer, unzip for Reflex's checks ---
FROM base AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm unzip \
    && rm -rf /var/lib/apt/lists/*
RUN deploy/image-steps.sh bun
COPY . .
RUN deploy/image-steps.sh frontend

# --- runtime ---
FROM base
COPY --from=build /app /app
RUN deploy/image-steps.sh runtime-user
USER app
ENV APP_ENV=prod HOST=0.0.0.0 PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=4)"
CMD ["deploy/image-steps.sh", "start"]
