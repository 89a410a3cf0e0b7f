"""The deploy files, checked without a Docker engine (there is none here): the compose file
parses and describes the topology the multi-process test proves, the proxy sends traffic to
exactly the app services, and the image builds the frontend once and starts without a build."""

from __future__ import annotations

import re

import yaml

from services.infra.settings import PROD_REQUIRED
from tests.support.processes import ROOT

COMPOSE = yaml.safe_load((ROOT / "deploy/docker-compose.yml").read_text())
CADDYFILE = (ROOT / "deploy/Caddyfile").read_text()
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def _apps() -> dict[str, dict]:
    return {name: spec for name, spec in COMPOSE["services"].items() if name.startswith("app-")}


def test_two_app_instances_share_one_redis_and_one_postgresql():
    apps = _apps()
    assert len(apps) == 2
    for spec in apps.values():
        env = spec["environment"]
        assert env["APP_ENV"] == "prod"
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert env["DATABASE_URL"].startswith("postgresql+psycopg2://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert spec["depends_on"] == {"redis": {"condition": "service_healthy"}, "postgres": {"condition": "service_healthy"}}
        assert spec["build"]["dockerfile"] == "Dockerfile" and spec["env_file"] == ".env"
    assert len({repr(spec) for spec in apps.values()}) == 1  # one definition, two instances
    for backing in ("redis", "postgres"):
        assert "healthcheck" in COMPOSE["services"][backing]
    assert set(COMPOSE["volumes"]) >= {"postgres-data", "caddy-data", "redis-data"}
    assert "--appendonly" in (redis := COMPOSE["services"]["redis"]["command"])
    assert redis[redis.index("--appendonly") + 1] == "yes"  # a restart keeps sessions and tab state


def test_the_tls_proxy_balances_exactly_the_app_instances_with_sticky_sessions():
    proxy = COMPOSE["services"]["proxy"]
    assert "443:443" in proxy["ports"] and "./Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    upstreams = re.search(r"reverse_proxy ([^{]+)\{", CADDYFILE).group(1).split()
    assert upstreams == [f"{name}:8000" for name in sorted(_apps())]
    assert re.search(r"lb_policy cookie", CADDYFILE)
    assert "health_uri /health/live" in CADDYFILE  # an upstream outage must not take the app away


def test_the_image_runs_the_checked_steps_and_builds_the_frontend_once():
    # Every build step of the image is a step of deploy/image-steps.sh, which tests/image runs
    # for real; a command typed into the Dockerfile itself would go unchecked.
    steps = re.findall(r"^RUN deploy/image-steps\.sh (\S+)$", DOCKERFILE, flags=re.MULTILINE)
    assert steps == ["python", "bun", "frontend", "runtime-user"]
    others = [line for line in DOCKERFILE.splitlines() if line.startswith("RUN") and "image-steps.sh" not in line]
    assert len(others) == 1 and others[0].startswith("RUN apt-get update")  # the build stage's node
    assert re.findall(r"^CMD .*$", DOCKERFILE, flags=re.MULTILINE) == ['CMD ["deploy/image-steps.sh", "start"]']
    script = (ROOT / "deploy/image-steps.sh").read_text()
    assert "reflex export --frontend-only" in script and "cargo_webapp.serve" in script
    assert "reflex run" not in script


def test_every_production_secret_is_listed_in_the_env_example():
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))
    assert {name.upper() for name in PROD_REQUIRED} | {"ADMIN_CHAT_ID", "ADMIN_ALERTS_LOG_ONLY"} <= listed


def test_readiness_and_metrics_are_not_reachable_through_the_proxy():
    blocked = re.search(r"@internal path ([^\n]+)\n\s*respond @internal 404", CADDYFILE)
    assert blocked and {"/metrics", "/health/ready"} <= set(blocked.group(1).split())
    # Nothing but the proxy is published: the apps, Redis and PostgreSQL sit on the compose network.
    published = {name for name, spec in COMPOSE["services"].items() if spec.get("ports")}
    assert published == {"proxy"}


def test_the_proxy_sends_hsts_and_the_apps_own_content_policy():
    from cargo_webapp.security_headers import STATIC_POLICY

    assert re.search(r'Strict-Transport-Security "max-age=31536000; includeSubDomains"', CADDYFILE)
    policy = re.search(r'Content-Security-Policy "([^"]+)"', CADDYFILE).group(1)
    directives = [part.strip() for part in policy.split(";")]
    assert directives[:-1] == STATIC_POLICY
    assert directives[-1] == "connect-src 'self' wss://{$PUBLIC_HOST}"
