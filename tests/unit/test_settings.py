"""Settings: embedded defaults in dev, a clear refusal in prod, secrets never echoed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from services.settings import PROD_REQUIRED, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]
ALL_VARS = [name.upper() for name in PROD_REQUIRED] + [
    "APP_ENV", "CARGOTECH_BASE_URL", "REDIS_URL", "TELEGRAM_API_BASE_URL", "BOT_WEBHOOK_URL",
]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ALL_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout


def prod_env(monkeypatch, **extra):
    values = {
        "APP_ENV": "prod",
        "CARGOTECH_PHONE": "+7 911 111 11 11",
        "CARGOTECH_PASSWORD": "pa55-word-secret",
        "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "TELEGRAM_BOT_TOKEN": "42:prod-token-secret",
        "TELEGRAM_WEBHOOK_SECRET": "hook-secret",
        "DISPATCHER_CHAT_ID": "-100123",
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
    for secret in ("pa55-word-secret", "42:prod-token-secret", "hook-secret"):
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
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "missing required variables: CARGOTECH_PHONE, TOKEN_ENCRYPTION_KEYS" in result.stderr
    assert "Traceback" not in result.stderr
    assert "pa55-word-secret" not in result.stdout + result.stderr
