"""The admin console: admins only (page and events), token actions, no secret on the wire."""

from __future__ import annotations

import json
import sqlite3

import httpx
from cryptography.fernet import Fernet
from playwright.sync_api import Browser, expect

from services.identity.telegram_auth import sign_init_data
from services.infra.settings import DEV_BOT_TOKEN, DEV_ENCRYPTION_KEY
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.reflex_socket import ROOT_STATE, ReflexSocket
from tests.e2e.telegram import DRIVER, launch_url, serve_telegram_script
from tests.e2e.test_driver_journey import Recorder
from tests.e2e.test_screenshots import TARGET as SCREENSHOTS

ADMIN = {"id": ADMIN_ID, "first_name": "Мария", "last_name": "Админ", "language_code": "ru"}
SESSION = f"{ROOT_STATE}.cargo_webapp___state___session_state____session_state"
ADMIN_STATE = f"{ROOT_STATE}.cargo_webapp___state___admin_state____admin_state"


def _logins(sandbox_url: str) -> int:
    return httpx.get(f"{sandbox_url}/__control/stats", timeout=10).json()["login"]


def _audit_events(db_path) -> list[str]:
    return [row[0] for row in sqlite3.connect(db_path).execute("select event from cargotech_token_audit")]


def test_a_driver_gets_403_on_the_admin_page(browser: Browser, app_url: str):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    serve_telegram_script(context)
    page = context.new_page()
    page.goto(launch_url(app_url, user=DRIVER, path="/admin"))
    expect(page.get_by_test_id("forbidden")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("token-state")).to_have_count(0)
    context.close()


def _signed_in_socket(app_url: str, user: dict) -> ReflexSocket:
    socket = ReflexSocket(app_url, "/admin")
    init_data = sign_init_data({"user": json.dumps(user, ensure_ascii=False)}, DEV_BOT_TOKEN)
    deltas = socket.event(f"{SESSION}.exchange", {"init_data": init_data})
    assert any(d.get(SESSION, {}).get("signed_in_rx_state_") is True for d in deltas), deltas
    return socket


def test_the_same_socket_calls_work_for_an_admin(app_server):
    socket = _signed_in_socket(app_server.url, ADMIN)
    try:
        deltas = socket.event(f"{ADMIN_STATE}.load")
        admin = {k: v for d in deltas for k, v in d.get(ADMIN_STATE, {}).items()}
        assert admin["allowed_rx_state_"] is True and admin["token_rx_state_"]["key_id"]
    finally:
        socket.close()


def test_admin_events_called_directly_by_a_driver_are_refused(app_server, sandbox_url: str):
    socket = _signed_in_socket(app_server.url, DRIVER)
    try:
        logins, audit = _logins(sandbox_url), _audit_events(app_server.db_path)
        for handler, payload in (
            ("force_login", {}),
            ("rotate_key", {}),
            ("verify_now", {}),
            ("retry_dead", {"message_id": "1"}),
            ("load", {}),
        ):
            deltas = socket.event(f"{ADMIN_STATE}.{handler}", payload)
            admin_deltas = [d[ADMIN_STATE] for d in deltas if ADMIN_STATE in d]
            assert all(d.get("allowed_rx_state_") in (False, None) for d in admin_deltas), admin_deltas
            # The token panel may be sent reset to its blank shape, never with a value in it.
            assert not any(any((d.get("token_rx_state_") or {}).values()) for d in admin_deltas)
        assert _logins(sandbox_url) == logins
        assert _audit_events(app_server.db_path) == audit  # nothing happened, so nothing to record
    finally:
        socket.close()


def test_admin_sees_the_token_and_forces_a_login_without_the_secret_on_the_wire(browser: Browser, app_server, sandbox_url: str):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    serve_telegram_script(context)
    page = context.new_page()
    recorder = Recorder(page)
    page.goto(launch_url(app_server.url, user=ADMIN))  # browse first: the charts get something to show
    expect(page.get_by_test_id("cargo-card").first).to_be_visible(timeout=30_000)
    page.get_by_test_id("weight-chip").filter(has_text="5–10 т").click()
    expect(page.get_by_test_id("cargo-card").first).to_be_visible()
    page.goto(launch_url(app_server.url, user=ADMIN, path="/admin"))
    expect(page.get_by_test_id("token-state")).to_be_visible(timeout=30_000)
    before = _logins(sandbox_url)
    page.get_by_test_id("force-login").click()
    expect(page.get_by_role("status")).to_contain_text("Получен новый токен", timeout=15_000)
    assert _logins(sandbox_url) == before + 1
    audit = page.get_by_test_id("audit")
    expect(audit).to_contain_text("админ: вход заново")
    expect(audit).to_contain_text("успешно")
    for code in ("admin_", "force_login", "revoked", "refresh", "login", "ok"):  # words, not code names
        assert code not in audit.inner_text()
    page.get_by_test_id("force-login").click()  # again at once: refused, nothing minted
    expect(page.get_by_role("status")).to_contain_text("не чаще раза в 30 секунд")
    assert _logins(sandbox_url) == before + 1
    # The journal and the cache table fit their cards at 390 px.
    overflowing = page.locator(".admin-table").evaluate_all(
        "tables => tables.filter(t => t.getBoundingClientRect().right"
        " > t.closest('section').getBoundingClientRect().right).map(t => t.querySelector('th').innerText)"
    )
    assert overflowing == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "admin-token.png", full_page=True)

    row = sqlite3.connect(app_server.db_path).execute("select ciphertext from cargotech_token order by id desc").fetchone()
    token = Fernet(DEV_ENCRYPTION_KEY).decrypt(row[0].encode()).decode()
    assert recorder.find(token.split("|")[0])  # the numeric id is shown...
    assert not recorder.find(token.split("|", 1)[1])  # ...the secret never
    context.close()
