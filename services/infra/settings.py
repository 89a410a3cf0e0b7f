"""Typed application settings, read from the environment and `.env`.

`APP_ENV=dev` (the default) fills every external system with an embedded default, so a fresh
clone runs with no accounts: the local CargoTech sandbox, SQLite, in-process cache, and
dev-only keys. `APP_ENV=prod` refuses to start until every required secret is set and
plausible: no public dev value, a bot token shaped like Telegram's, a long webhook secret,
https addresses, an alerts chat (or an explicit opt-out). One message names every problem and
echoes no value. Secrets are `SecretStr`, so they never appear in reprs, logs or tracebacks.
"""

from __future__ import annotations

import functools
import os
import re
from typing import Literal
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, MultiFernet
from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

# Dev-only values. They are public on purpose: they only ever unlock the local sandbox and
# the fake Telegram server, and prod refuses to start with any of them missing from the env.
DEV_SANDBOX_HOST = "127.0.0.1"
DEV_SANDBOX_PORT = 8077
DEV_CARGOTECH_PHONE = "+79111111111"
DEV_CARGOTECH_PASSWORD = "sandbox-password"
DEV_ENCRYPTION_KEY = "Z-r4rScnA3RWT52s2Y8J1yXVqV59pnOwGnWqmtpwksg="
DEV_BOT_TOKEN = "100000:dev-bot-token-for-the-local-fake-telegram"
DEV_WEBHOOK_SECRET = "dev-webhook-secret"
DEV_TELEGRAM_PORT = 8081
DEV_DISPATCHER_CHAT_ID = -1000000000001
DEV_ADMIN_ID = 700000001  # the driver the dev sign-in signs in (services/identity/sign_in.py)

PROD_CARGOTECH_URL = "https://api.cargotech.pro"

# Variables prod cannot run without, by field name (the env var is the upper-cased name).
PROD_REQUIRED = (
    "cargotech_phone",
    "cargotech_password",
    "token_encryption_keys",
    "telegram_bot_token",
    "telegram_webhook_secret",
    "dispatcher_chat_id",
    "public_url",
)


# Telegram's bot tokens: the bot's numeric id, a colon, 35 url-safe characters.
BOT_TOKEN_RE = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{35}")
# Telegram accepts 1-256 of these for secret_token; 32 is our floor against guessing.
WEBHOOK_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{32,256}")


class SettingsError(RuntimeError):
    """The configuration cannot be used; the message names every offending variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False)

    app_env: Literal["dev", "prod"] = "dev"

    # CargoTech. An empty base URL means "the embedded sandbox" in dev, production in prod.
    cargotech_base_url: str = ""
    cargotech_phone: SecretStr | None = None
    cargotech_password: SecretStr | None = None
    # Comma-separated Fernet keys: the first encrypts, all decrypt (MultiFernet rotation).
    token_encryption_keys: SecretStr | None = None
    cargotech_timeout_s: float = Field(default=10.0, gt=0)
    cargotech_rate_limit_per_min: int = Field(default=600, gt=0)
    # Misses a driver can vary at will (autocomplete, unknown cargo ids, new filters), per driver.
    driver_lookups_per_min: int = Field(default=30, gt=0)
    # The share of the account's minute all such lookups together may take; the rest is the feed's.
    lookup_share: float = Field(default=0.5, gt=0, lt=1)
    # The share of the account's minute loads back (suggestions under every detail) may take.
    return_loads_share: float = Field(default=0.2, gt=0, lt=1)
    # A driver causing more than this share of the account's minute is refused until it passes.
    driver_share: float = Field(default=0.2, gt=0, le=1)
    cargotech_login_interval_s: float = Field(default=60.0, ge=0)
    cargotech_probe_interval_s: float = Field(default=300.0, gt=0)
    breaker_failure_threshold: int = Field(default=5, gt=0)
    breaker_reset_s: float = Field(default=30.0, gt=0)
    list_cache_fresh_s: float = Field(default=60.0, gt=0)
    stale_max_s: float = Field(default=24 * 3600.0, gt=0)

    # Telegram.
    telegram_bot_token: SecretStr | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_api_base_url: str | None = None  # a fake Bot API server in dev and tests
    telegram_bot_username: str = "cargotech_dev_bot"  # replaced by getMe's answer once the bot starts
    fake_telegram_port: int = DEV_TELEGRAM_PORT
    # Where Telegram should post updates. Set here only when the app registers its own webhook
    # (dev, tests); production registers it with `python -m services.bot.setup`.
    bot_webhook_url: str = ""
    public_url: str = ""  # the Mini App's HTTPS address, e.g. https://driver.example.ru
    outbox_max_attempts: int = Field(default=8, gt=0)
    outbox_max_backoff_s: float = Field(default=60.0, gt=0)
    dispatcher_chat_id: int | None = None
    admin_chat_id: int | None = None
    # Prod without ADMIN_CHAT_ID must say so on purpose: alerts then only reach the log.
    admin_alerts_log_only: bool = False
    admin_telegram_ids: str = ""

    # Our own infrastructure.
    redis_url: str | None = None
    database_url: str = "sqlite:///.data/cargo_webapp.db"
    # Backend worker processes per instance when Redis is set (one without Redis: each worker
    # would hold its own copy of every driver's state). About one per core was measured best.
    web_workers: int = Field(default_factory=lambda: max(1, min(os.cpu_count() or 1, 4)), gt=0, le=16)
    sandbox_port: int = DEV_SANDBOX_PORT
    # Names this process on the admin page and in the shared figures (default: host:pid).
    instance_name: str = ""
    # Diagnostics (services/infra/memory_probe.py): tracemalloc dumps every N s; 0 = off.
    memory_dump_every_s: float = Field(default=0.0, ge=0)
    memory_dump_dir: str = ".data/memory"

    @property
    def is_prod(self) -> bool:
        return self.app_env == "prod"

    @property
    def embedded_sandbox_url(self) -> str:
        return f"http://{DEV_SANDBOX_HOST}:{self.sandbox_port}"

    @property
    def embedded_telegram_url(self) -> str:
        return f"http://{DEV_SANDBOX_HOST}:{self.fake_telegram_port}"

    @property
    def uses_embedded_telegram(self) -> bool:
        return not self.is_prod and self.telegram_api_base_url == self.embedded_telegram_url

    @property
    def uses_embedded_sandbox(self) -> bool:
        """True in dev unless CARGOTECH_BASE_URL points at another server."""
        return not self.is_prod and self.cargotech_base_url == self.embedded_sandbox_url

    @property
    def admin_ids(self) -> frozenset[int]:
        return parse_ids(self.admin_telegram_ids)

    def encryption_keys(self) -> list[str]:
        assert self.token_encryption_keys is not None, "validated by load_settings"
        return _split_keys(self.token_encryption_keys.get_secret_value())

    def fernet(self) -> MultiFernet:
        """The token cipher: the first key encrypts, every listed key decrypts."""
        return MultiFernet([Fernet(key) for key in self.encryption_keys()])


def parse_ids(raw: str) -> frozenset[int]:
    """Comma-separated numeric Telegram ids; ValueError names nothing secret."""
    return frozenset(int(part) for part in raw.replace(" ", "").split(",") if part)


def _split_keys(raw: str) -> list[str]:
    return [key.strip() for key in raw.split(",") if key.strip()]


def _is_blank(value: object) -> bool:
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    return value is None or (isinstance(value, str) and not value.strip())


def _apply_dev_defaults(settings: Settings) -> Settings:
    defaults = {
        "cargotech_base_url": settings.embedded_sandbox_url,
        "cargotech_phone": SecretStr(DEV_CARGOTECH_PHONE),
        "cargotech_password": SecretStr(DEV_CARGOTECH_PASSWORD),
        "token_encryption_keys": SecretStr(DEV_ENCRYPTION_KEY),
        "telegram_bot_token": SecretStr(DEV_BOT_TOKEN),
        "telegram_webhook_secret": SecretStr(DEV_WEBHOOK_SECRET),
        "dispatcher_chat_id": DEV_DISPATCHER_CHAT_ID,
        "telegram_api_base_url": settings.embedded_telegram_url,
        "public_url": "http://localhost:3000",
        "bot_webhook_url": "http://127.0.0.1:8000/telegram/webhook",
        "admin_telegram_ids": str(DEV_ADMIN_ID),  # the dev sign-in's driver sees the admin pages
    }
    updates = {name: value for name, value in defaults.items() if _is_blank(getattr(settings, name))}
    return settings.model_copy(update=updates)


def _missing(settings: Settings) -> list[str]:
    return [name.upper() for name in PROD_REQUIRED if _is_blank(getattr(settings, name))]


def _invalid(settings: Settings) -> list[str]:
    invalid = []
    if settings.token_encryption_keys is not None:
        keys = _split_keys(settings.token_encryption_keys.get_secret_value())
        for index, key in enumerate(keys, start=1):
            try:
                Fernet(key)
            except ValueError:
                # Never echo the key itself, only its position in the list.
                invalid.append(f"TOKEN_ENCRYPTION_KEYS (key #{index} is not a Fernet key: 32 url-safe base64-encoded bytes)")
    try:
        parse_ids(settings.admin_telegram_ids)
    except ValueError:
        invalid.append("ADMIN_TELEGRAM_IDS (must be comma-separated numeric Telegram ids)")
    return invalid


def _secret(value: SecretStr | None) -> str:
    return "" if value is None else value.get_secret_value().strip()


def _digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


def _is_https(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme == "https" and bool(parts.hostname)


def _unsafe_in_prod(settings: Settings) -> list[str]:
    """What prod must not run with: public dev values and weak or plain-http ones. Each entry
    names the variable and the rule, never the value."""
    problems = []
    dev_values = {
        "CARGOTECH_PASSWORD": (settings.cargotech_password, DEV_CARGOTECH_PASSWORD),
        "TELEGRAM_BOT_TOKEN": (settings.telegram_bot_token, DEV_BOT_TOKEN),
        "TELEGRAM_WEBHOOK_SECRET": (settings.telegram_webhook_secret, DEV_WEBHOOK_SECRET),
    }
    for name, (value, dev) in dev_values.items():
        if value is not None and _secret(value) == dev:
            problems.append(f"{name} (the public dev value)")
    if _digits(_secret(settings.cargotech_phone)) == _digits(DEV_CARGOTECH_PHONE):  # however it is written
        problems.append("CARGOTECH_PHONE (the public dev value)")
    if settings.dispatcher_chat_id == DEV_DISPATCHER_CHAT_ID:
        problems.append("DISPATCHER_CHAT_ID (the fake Telegram's dev chat)")
    try:
        if DEV_ADMIN_ID in settings.admin_ids:
            problems.append("ADMIN_TELEGRAM_IDS (lists the dev sign-in's user id)")
    except ValueError:
        pass  # named by _invalid
    keys = _split_keys(_secret(settings.token_encryption_keys))
    if DEV_ENCRYPTION_KEY in keys:
        problems.append(f"TOKEN_ENCRYPTION_KEYS (key #{keys.index(DEV_ENCRYPTION_KEY) + 1} is the public dev key)")
    token = _secret(settings.telegram_bot_token)
    if token and token != DEV_BOT_TOKEN and not BOT_TOKEN_RE.fullmatch(token):
        problems.append("TELEGRAM_BOT_TOKEN (not shaped like a Telegram token: <digits>:<35 characters>)")
    secret = _secret(settings.telegram_webhook_secret)
    if secret and secret != DEV_WEBHOOK_SECRET and not WEBHOOK_SECRET_RE.fullmatch(secret):
        problems.append("TELEGRAM_WEBHOOK_SECRET (needs at least 32 characters of A-Z, a-z, 0-9, _ and -)")
    addresses = (
        ("PUBLIC_URL", settings.public_url),
        ("CARGOTECH_BASE_URL", settings.cargotech_base_url),
        ("TELEGRAM_API_BASE_URL", settings.telegram_api_base_url or ""),
    )
    for name, url in addresses:
        if url.strip() and not _is_https(url):
            problems.append(f"{name} (must be an https:// address)")
    if settings.admin_chat_id is None and not settings.admin_alerts_log_only:
        problems.append(
            "ADMIN_CHAT_ID (required: where admin alerts go; set ADMIN_ALERTS_LOG_ONLY=true to keep them in the log only)"
        )
    return problems


def _describe(error: ValidationError) -> str:
    """Pydantic's errors without the offending input (it may be a secret)."""
    fields = []
    for item in error.errors(include_input=False, include_url=False):
        name = "_".join(str(part) for part in item["loc"]).upper() or "settings"
        fields.append(f"{name} ({item['msg'].rstrip('.')})")
    return "; ".join(fields)


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings; raise SettingsError naming every problem at once."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]  # pydantic validates each override
    except ValidationError as exc:
        raise SettingsError(f"Cannot start: invalid: {_describe(exc)}.") from None
    if not settings.is_prod:
        settings = _apply_dev_defaults(settings)
    elif not settings.cargotech_base_url:
        settings = settings.model_copy(update={"cargotech_base_url": PROD_CARGOTECH_URL})
    problems = []
    if missing := _missing(settings):
        problems.append("missing required variables: " + ", ".join(missing))
    invalid = _invalid(settings) + (_unsafe_in_prod(settings) if settings.is_prod else [])
    if invalid:
        problems.append("invalid: " + "; ".join(invalid))
    if problems:
        raise SettingsError(f"Cannot start with APP_ENV={settings.app_env}: " + "; ".join(problems) + ".")
    return settings


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings, loaded once."""
    return load_settings()


def reset_settings_cache() -> None:
    """Forget the loaded settings (tests change the environment between cases)."""
    get_settings.cache_clear()


if __name__ == "__main__":
    # `python -m services.infra.settings`: validate an environment (a prod one, before deploying).
    import sys

    try:
        loaded = load_settings()
    except SettingsError as exc:
        sys.exit(str(exc))
    print(f"Settings OK for APP_ENV={loaded.app_env}.")
