"""Settings: embedded defaults in dev, a clear refusal in prod, secrets never echoed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from services.infra.settings import (
    DEV_ADMIN_ID,
    DEV_BOT_TOKEN,
    DEV_CARGOTECH_PASSWORD,
    DEV_CARGOTECH_PHONE,
    DEV_DISPATCHER_CHAT_ID,
    DEV_ENCRYPTION_KEY,
    DEV_WEBHOOK_SECRET,
    PROD_REQUIRED,
    SettingsError,
    load_settings,
)

ROOT = Path(__file__).resolve().parents[2]
ALL_VARS = [name.upper() for name in PROD_REQUIRED] + [
    "APP_ENV",
    "CARGOTECH_BASE_URL",
    "REDIS_URL",
    "TELEGRAM_API_BASE_URL",
    "BOT_WEBHOOK_URL",
    "ADMIN_CHAT_ID",
    "ADMIN_ALERTS_LOG_ONLY",
    "ADMIN_TELEGRAM_IDS",
]
PROD_TOKEN = "7000000001:AAH-prod-bot-token-secret-35-chars_"
PROD_HOOK_SECRET = "prod-webhook-secret-0123456789abcdef"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ALL_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout


def prod_env(monkeypatch, **extra):
    values = {
        "APP_ENV": "prod",
        "CARGOTECH_PHONE": "+7 999 000 11 22",
        "CARGOTECH_PASSWORD": "pa55-word-secret",
        "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "TELEGRAM_BOT_TOKEN": PROD_TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": PROD_HOOK_SECRET,
        "DISPATCHER_CHAT_ID": "-100123",
        "ADMIN_CHAT_ID": "-100456",
        "PUBLIC_URL": "https://driver.example.ru",
    }
    values.update(extra)
    for name, value in values.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


def test_dev_fills_every_external_system_with_an_embedded_default():
    settings = load_settings()
    assert settings.app_env == "dev"
    assert settings.uses_embedded_sandbox
    assert settings.cargotech_base_url == "http://127.0.0.1:8077"
    for name in PROD_REQUIRED:
        assert getattr(settings, name), name
    settings.fernet().decrypt(settings.fernet().encrypt(b"x"))  # the dev key is a real key
    assert settings.redis_url is None and settings.database_url.startswith("sqlite")


def test_dev_respects_an_explicit_cargotech_url(monkeypatch):
    monkeypatch.setenv("CARGOTECH_BASE_URL", "http://127.0.0.1:9999")
    settings = load_settings()
    assert not settings.uses_embedded_sandbox
    assert settings.cargotech_base_url == "http://127.0.0.1:9999"


def test_prod_names_every_missing_variable_in_one_message(monkeypatch):
    monkeypatch.setenv("APP_ENV", "prod")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    for name in PROD_REQUIRED:
        assert name.upper() in message


def test_prod_names_only_what_is_missing(monkeypatch):
    prod_env(monkeypatch, TELEGRAM_BOT_TOKEN=None, TELEGRAM_WEBHOOK_SECRET="  ")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert "TELEGRAM_BOT_TOKEN" in message and "TELEGRAM_WEBHOOK_SECRET" in message
    assert "CARGOTECH_PHONE" not in message
    assert "pa55-word-secret" not in message


def test_prod_with_everything_set_targets_the_real_api(monkeypatch):
    prod_env(monkeypatch)
    settings = load_settings()
    assert settings.cargotech_base_url == "https://api.cargotech.pro"
    assert not settings.uses_embedded_sandbox


def test_bad_fernet_key_is_named_by_position_never_echoed(monkeypatch):
    good = Fernet.generate_key().decode()
    prod_env(monkeypatch, TOKEN_ENCRYPTION_KEYS=f"{good},not-a-key-secretish")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "TOKEN_ENCRYPTION_KEYS" in str(caught.value) and "#2" in str(caught.value)
    assert "not-a-key-secretish" not in str(caught.value)


def test_multiple_keys_first_encrypts_all_decrypt(monkeypatch):
    old, new = Fernet.generate_key(), Fernet.generate_key()
    prod_env(monkeypatch, TOKEN_ENCRYPTION_KEYS=f"{new.decode()},{old.decode()}")
    cipher = load_settings().fernet()
    assert cipher.decrypt(Fernet(old).encrypt(b"legacy")) == b"legacy"
    assert Fernet(new).decrypt(cipher.encrypt(b"fresh")) == b"fresh"


def test_secrets_never_appear_in_repr(monkeypatch):
    prod_env(monkeypatch)
    text = repr(load_settings()) + str(load_settings())
    for secret in ("pa55-word-secret", PROD_TOKEN, PROD_HOOK_SECRET):
        assert secret not in text


def test_admin_ids_must_be_numeric(monkeypatch):
    prod_env(monkeypatch, ADMIN_TELEGRAM_IDS="12, abc")
    with pytest.raises(SettingsError, match="ADMIN_TELEGRAM_IDS"):
        load_settings()
    monkeypatch.setenv("ADMIN_TELEGRAM_IDS", "12, 34")
    assert load_settings().admin_ids == {12, 34}


def test_the_app_refuses_to_start_in_prod_without_secrets(tmp_path):
    """The real entry point (`reflex run --env prod`) stops with one line naming the variables."""
    env = {k: v for k, v in os.environ.items() if k not in ALL_VARS}
    env.update(APP_ENV="prod", CARGOTECH_PASSWORD="pa55-word-secret")
    result = subprocess.run(
        [sys.executable, "-m", "reflex", "run", "--env", "prod", "--backend-only"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "missing required variables: CARGOTECH_PHONE, TOKEN_ENCRYPTION_KEYS" in result.stderr
    assert "Traceback" not in result.stderr
    assert "pa55-word-secret" not in result.stdout + result.stderr


def refusal(monkeypatch, **env) -> str:
    prod_env(monkeypatch, **env)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    return str(caught.value)


def test_a_valid_prod_token_and_secret_are_accepted_as_they_are(monkeypatch):
    assert len(PROD_TOKEN.split(":")[1]) == 35 and len(PROD_HOOK_SECRET) >= 32
    prod_env(monkeypatch)
    settings = load_settings()
    assert settings.telegram_bot_token.get_secret_value() == PROD_TOKEN
    assert settings.admin_chat_id == -100456


@pytest.mark.parametrize(
    ("name", "dev_value"),
    [
        ("CARGOTECH_PHONE", DEV_CARGOTECH_PHONE),
        ("CARGOTECH_PASSWORD", DEV_CARGOTECH_PASSWORD),
        ("TELEGRAM_BOT_TOKEN", DEV_BOT_TOKEN),
        ("TELEGRAM_WEBHOOK_SECRET", DEV_WEBHOOK_SECRET),
    ],
)
def test_prod_refuses_each_public_dev_value(monkeypatch, name, dev_value):
    message = refusal(monkeypatch, **{name: dev_value})
    assert f"{name} (the public dev value)" in message
    assert dev_value not in message


def test_prod_refuses_the_dev_phone_however_it_is_written(monkeypatch):
    assert "CARGOTECH_PHONE (the public dev value)" in refusal(monkeypatch, CARGOTECH_PHONE="+7 (911) 111-11-11")


def test_prod_refuses_the_fake_telegrams_dispatcher_chat(monkeypatch):
    message = refusal(monkeypatch, DISPATCHER_CHAT_ID=str(DEV_DISPATCHER_CHAT_ID))
    assert "DISPATCHER_CHAT_ID (the fake Telegram's dev chat)" in message


def test_prod_refuses_the_dev_sign_ins_user_as_an_admin(monkeypatch):
    message = refusal(monkeypatch, ADMIN_TELEGRAM_IDS=f"12345, {DEV_ADMIN_ID}")
    assert "ADMIN_TELEGRAM_IDS (lists the dev sign-in's user id)" in message


def test_prod_refuses_the_dev_fernet_key_even_beside_a_real_one(monkeypatch):
    message = refusal(monkeypatch, TOKEN_ENCRYPTION_KEYS=f"{Fernet.generate_key().decode()},{DEV_ENCRYPTION_KEY}")
    assert "TOKEN_ENCRYPTION_KEYS (key #2 is the public dev key)" in message
    assert DEV_ENCRYPTION_KEY not in message


@pytest.mark.parametrize("token", ["x", "42:short", "abc:" + "A" * 35, "42:" + "A" * 34, "42:" + "A" * 35 + "!"])
def test_prod_refuses_a_bot_token_not_shaped_like_telegrams(monkeypatch, token):
    message = refusal(monkeypatch, TELEGRAM_BOT_TOKEN=token)
    assert "TELEGRAM_BOT_TOKEN (not shaped like a Telegram token" in message
    assert len(token) < 4 or token not in message


@pytest.mark.parametrize("secret", ["a", "x" * 31, "has spaces but is long enough, really"])
def test_prod_refuses_a_short_or_odd_webhook_secret(monkeypatch, secret):
    message = refusal(monkeypatch, TELEGRAM_WEBHOOK_SECRET=secret)
    assert "TELEGRAM_WEBHOOK_SECRET (needs at least 32 characters" in message
    assert len(secret) < 4 or secret not in message  # one letter is in any sentence


@pytest.mark.parametrize("name", ["PUBLIC_URL", "CARGOTECH_BASE_URL", "TELEGRAM_API_BASE_URL"])
@pytest.mark.parametrize("url", ["http://driver.example.ru", "driver.example.ru", "https://"])
def test_prod_refuses_an_address_that_is_not_https(monkeypatch, name, url):
    assert f"{name} (must be an https:// address)" in refusal(monkeypatch, **{name: url})


def test_prod_requires_an_admin_chat_or_an_explicit_opt_out(monkeypatch):
    assert "ADMIN_CHAT_ID (required" in refusal(monkeypatch, ADMIN_CHAT_ID=None)
    monkeypatch.setenv("ADMIN_ALERTS_LOG_ONLY", "true")
    settings = load_settings()
    assert settings.admin_chat_id is None and settings.admin_alerts_log_only


def test_the_opt_out_is_logged_at_every_start(monkeypatch, caplog, tmp_path):
    from services.infra.runtime import build_runtime

    prod_env(monkeypatch, ADMIN_CHAT_ID=None, ADMIN_ALERTS_LOG_ONLY="1", DATABASE_URL=f"sqlite:///{tmp_path / 'app.db'}")
    settings = load_settings()
    for _ in range(2):
        build_runtime(settings)
    warnings = [r for r in caplog.records if "ADMIN_CHAT_ID is not set" in r.getMessage()]
    assert len(warnings) == 2 and all(r.levelname == "WARNING" for r in warnings)


def test_one_message_names_every_problem_and_echoes_no_value(monkeypatch):
    message = refusal(
        monkeypatch,
        TELEGRAM_BOT_TOKEN="x",
        TELEGRAM_WEBHOOK_SECRET="a",
        PUBLIC_URL="http://driver.example.ru",
        CARGOTECH_PASSWORD=DEV_CARGOTECH_PASSWORD,
        TOKEN_ENCRYPTION_KEYS=DEV_ENCRYPTION_KEY,
        ADMIN_CHAT_ID=None,
        CARGOTECH_PHONE=None,
    )
    assert message.count("\n") == 0
    for name in (
        "CARGOTECH_PHONE",
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_WEBHOOK_SECRET",
        "PUBLIC_URL",
        "CARGOTECH_PASSWORD",
        "TOKEN_ENCRYPTION_KEYS",
        "ADMIN_CHAT_ID",
    ):
        assert name in message, name
    for value in (DEV_CARGOTECH_PASSWORD, DEV_ENCRYPTION_KEY, "driver.example.ru"):
        assert value not in message


def test_dev_still_runs_on_the_public_dev_values():
    settings = load_settings()
    assert settings.telegram_bot_token.get_secret_value() == DEV_BOT_TOKEN
    assert settings.cargotech_base_url.startswith("http://127.0.0.1")


def test_an_app_env_typo_is_one_clean_line_without_the_value(monkeypatch):
    monkeypatch.setenv("APP_ENV", "prdo")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith("Cannot start: invalid: APP_ENV (") and "\n" not in message
    assert "prdo" not in message


def test_an_app_env_typo_stops_the_real_entry_point_without_a_traceback():
    env = {k: v for k, v in os.environ.items() if k not in ALL_VARS}
    env.update(APP_ENV="production")
    result = subprocess.run(
        [sys.executable, "-m", "services.infra.settings"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "APP_ENV" in result.stderr and "Traceback" not in result.stderr
