# Production image: one port (frontend + backend via granian), frontend built at image build.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    REFLEX_USE_SYSTEM_BUN=1 PATH=/app/.tools/node_modules/.bin:$PATH

RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm curl unzip \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt \
    && npm install --prefix .tools --no-audit --no-fund bun@1.4.5

COPY . .
# Compile and build the frontend once, here, with dev defaults (no secrets at build time).
RUN APP_ENV=dev reflex export --frontend-only --no-zip --env prod && rm -rf frontend.zip

ENV APP_ENV=prod PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD curl -fsS http://127.0.0.1:${PORT}/ping || exit 1
CMD ["sh", "-c", "reflex run --env prod --single-port --frontend-port ${PORT} --backend-port ${PORT}"]
