"""«Сохранить поиск» in the filter sheet → «Мои поиски»: the saved search is listed, its alerts
switch off and on, quiet hours save, and «Показать грузы» applies it to the feed."""

from __future__ import annotations

import sqlite3

from playwright.sync_api import Browser, expect

from services.alerts.saved_searches import SavedSearchService
from services.infra.tables import engine_for
from tests.e2e.conftest import AppServer
from tests.e2e.reflex_socket import ROOT_STATE, ReflexSocket
from tests.e2e.telegram import launch_url, serve_telegram_script
from tests.e2e.test_saved_searches_screenshots import _in_thread

DRIVER = {"id": 636363, "first_name": "Ольга", "last_name": "Водитель", "language_code": "ru"}


def _rows(db_path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute(sql, args).fetchall()


def test_save_list_toggle_and_apply(browser: Browser, app_server: AppServer):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU", is_mobile=True, has_touch=True)
    serve_telegram_script(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(launch_url(app_server.url, user=DRIVER))
    expect(page.get_by_test_id("cargo-card").first).to_be_visible(timeout=30_000)

    page.get_by_test_id("filters-toggle").click()
    page.locator("input[name=price_min]").fill("40000")
    page.wait_for_timeout(600)  # the field is debounced
    page.get_by_test_id("save-search").click()
    name = page.get_by_test_id("save-name")
    expect(name).to_have_value("Все направления, от 40\u00a0000 ₽")  # proposed from the filters
    name.fill("Дорогие рейсы")
    page.get_by_test_id("save-confirm").click()
    expect(page.get_by_test_id("save-message")).to_contain_text("Поиск «Дорогие рейсы» сохранён")
    [(stored_name, alerts_on, filters)] = _rows(
        app_server.db_path, "select name, alerts_on, filters_json from saved_search where driver_id = ?", DRIVER["id"]
    )
    assert stored_name == "Дорогие рейсы" and alerts_on == 1 and '"price_min": "40000"' in filters

    # Saving the same name again is refused with a Russian message naming the field.
    page.get_by_test_id("save-search").click()
    page.get_by_test_id("save-name").fill("дорогие рейсы")
    page.get_by_test_id("save-confirm").click()
    expect(page.get_by_test_id("save-error")).to_have_text("Название: поиск с таким названием уже есть")

    page.get_by_role("link", name="Мои поиски").first.click()
    expect(page).to_have_url(f"{app_server.url}/searches")
    item = page.get_by_test_id("saved-search")
    expect(item).to_have_count(1, timeout=15_000)
    expect(item).to_contain_text("Дорогие рейсы")
    expect(item).to_contain_text("Все направления, от 40\u00a0000 ₽")
    expect(page.get_by_test_id("searches-counter")).to_have_text("1 из 10")
    state = page.get_by_test_id("alert-state")
    expect(state).to_have_text("Новые грузы приходят в бот")
    switch = page.get_by_test_id("alert-switch")
    box = switch.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44
    switch.click()
    expect(state).to_have_text("Уведомления выключены")
    assert _rows(app_server.db_path, "select alerts_on from saved_search where driver_id = ?", DRIVER["id"]) == [(0,)]
    switch.click()
    expect(state).to_have_text("Новые грузы приходят в бот")

    page.get_by_label("Тихие часы с").fill("22:00")
    page.get_by_label("Тихие часы до").fill("07:00")
    page.get_by_test_id("quiet-save").click()
    expect(page.get_by_role("status").filter(has_text="Тихие часы: 22:00–07:00")).to_be_visible()
    assert _rows(app_server.db_path, "select quiet_start, quiet_end from alert_settings where driver_id = ?", DRIVER["id"]) == [
        ("22:00", "07:00")
    ]

    page.get_by_test_id("apply-search").click()
    expect(page).to_have_url(f"{app_server.url}/")
    expect(page.get_by_test_id("cargo-card").first).to_be_visible(timeout=30_000)
    if not page.get_by_test_id("filters-panel").is_visible():  # the sheet may still be open from before
        page.get_by_test_id("filters-toggle").click()
    expect(page.locator("input[name=price_min]")).to_have_value("40000")

    # Delete it (this also stops the app's poller asking CargoTech about it for later tests).
    page.get_by_role("link", name="Мои поиски").first.click()
    expect(page.get_by_test_id("saved-search")).to_have_count(1, timeout=15_000)
    page.wait_for_timeout(1100)  # past the one-second event limiter after the page's own loads
    page.get_by_test_id("delete-search").click()
    try:
        expect(page.get_by_test_id("saved-search")).to_have_count(0)
    except AssertionError:
        page.screenshot(path="test-artifacts/saved-search-delete-failed.png")
        raise
    expect(page.get_by_test_id("searches-counter")).to_have_text("0 из 10")
    assert _rows(app_server.db_path, "select id from saved_search where driver_id = ?", DRIVER["id"]) == []
    context.close()
    assert not errors, errors


def test_events_from_a_socket_that_never_signed_in_change_nothing(app_server: AppServer):
    """Handlers authorise from the server-side session: a raw socket naming someone's search id
    can neither switch its alerts, delete it, nor save a search."""
    victim = 646464
    service = SavedSearchService(engine_for(f"sqlite:///{app_server.db_path}"))
    created: list = []

    async def create() -> None:
        created.append(await service.create(victim, "Чужой поиск", {"price_min": "123"}))

    _in_thread(create)
    search_id = str(created[0].id)
    # Other tests share this app's database: count what exists now, not an absolute number.
    searches_before = _rows(app_server.db_path, "select count(*) from saved_search")
    state = f"{ROOT_STATE}.cargo_webapp___state___saved_searches_state____saved_searches_state"
    socket = ReflexSocket(app_server.url, pathname="/searches")
    try:
        for name, payload in (
            ("toggle_alerts", {"search_id": search_id}),
            ("delete", {"search_id": search_id}),
            ("apply", {"search_id": search_id}),
            ("save", {}),
            ("save_quiet_hours", {"form": {"quiet_start": "01:00", "quiet_end": "02:00"}}),
        ):
            deltas = socket.event(f"{state}.{name}", payload, wait_s=1.0)
            assert not any(d.get(state, {}).get("searches_rx_state_") for d in deltas)
    finally:
        socket.close()
    assert _rows(app_server.db_path, "select name, alerts_on from saved_search where id = ?", int(search_id)) == [
        ("Чужой поиск", 0)
    ]
    assert _rows(app_server.db_path, "select count(*) from saved_search") == searches_before
    assert _rows(app_server.db_path, "select count(*) from alert_settings where quiet_start = '01:00'") == [(0,)]

    async def remove() -> None:
        await service.delete(victim, int(search_id))

    _in_thread(remove)
