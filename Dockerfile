# Production image. The frontend is compiled and built once, here (`reflex export`), and served
# with the backend from one port by `python -m cargo_webapp.serve` (granian): a start takes
# seconds and needs neither bun nor node. Schema migrations run at start, under a lock.

FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

# --- frontend build: bun from the npm registry (Reflex would download it from the internet) ---
FROM base AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm unzip \
    && rm -rf /var/lib/apt/lists/*
RUN npm install --prefix /opt/tools --no-audit --no-fund bun@1.4.5
ENV PATH=/opt/tools/node_modules/.bin:$PATH REFLEX_USE_SYSTEM_BUN=1
COPY . .
# Dev defaults at build time: no secret is needed (or baked in) to compile the pages.
RUN APP_ENV=dev reflex export --frontend-only --no-zip --env prod \
    && rm -rf .web/node_modules frontend.zip .data

# --- runtime ---
FROM base
COPY --from=build /app /app
# The app writes only its data dir, Reflex's state files (.states without Redis), the upload
# dir it creates at start, and .web; the code stays root's. Owning /app itself (not its
# files) lets Reflex create anything else it needs next to them.
RUN useradd --system --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /app/.data /app/.states /app/uploaded_files \
    && chown app /app && chown -R app /app/.data /app/.states /app/uploaded_files /app/.web
USER app
ENV APP_ENV=prod HOST=0.0.0.0 PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=4)"
CMD ["python", "-m", "cargo_webapp.serve"]
