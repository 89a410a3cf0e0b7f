"""Values as a driver reads them, in Chromium through Telegram's real telegram-web-app.js: Moscow
time for UTC dates and a window with equal ends once, ₽/км of the price shown (and the sort by it),
kilograms under a tonne, «запрос ставки», contacts without a phone, a long note collapsed, the
weight chips with m³, and city autocomplete that takes «е» for «ё».

Unusual values are staged on fresh reposts in the sandbox (`/__control/cargo/<id>/fields`), so
no cache of the app has seen them before."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.e2e.telegram import launch_url, serve_telegram_script

DRIVER = {"id": 515151, "first_name": "Олег", "last_name": "Миронов", "username": "oleg_ref", "language_code": "ru"}
NB = "\u00a0"
CARD = "cargo-card"
BASE_QUERY = {"include": "contacts", "limit": "30", "offset": "0", "filter[mode]": "all", "filter[user_id]": "0"}
LONG_NOTE = ("Погрузка с торца, ручная выгрузка, пропуск на территорию оформляется заранее. " * 40).strip()


def _upstream(sandbox_url: str, params: dict) -> list[dict]:
    with httpx.Client(base_url=sandbox_url, timeout=10) as http:
        token = http.post("/v1/auth/login", json={"phone": "+79111111111", "password": "sandbox-password"}).json()["data"][
            "token"
        ]
        body = http.get("/v2/cargos/views", params=params, headers={"Authorization": f"Bearer {token}"}).json()
    return body["data"]


def _control(sandbox_url: str, path: str, body: dict | None = None) -> dict:
    answer = httpx.post(f"{sandbox_url}/__control{path}", json=body or {}, timeout=10)
    answer.raise_for_status()
    return answer.json()


def _staged(sandbox_url: str, index: int, fields: dict) -> tuple[str, str]:
    """(id, removal path) of a fresh repost of the index-th listed cargo, serving `fields`."""
    original = _upstream(sandbox_url, BASE_QUERY)[index]["id"]
    repost = str(_control(sandbox_url, f"/cargo/{original}/duplicate")["id"])
    _control(sandbox_url, f"/cargo/{repost}/fields", fields)
    return repost, f"/cargo/{repost}/remove"


def _open(browser: Browser, url: str) -> tuple[Page, list[str]]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU", is_mobile=True)
    serve_telegram_script(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    return page, errors


def _row(page: Page, label: str):
    return page.locator(".detail-row").filter(has=page.locator("dt", has_text=re.compile(f"^{label}$"))).locator("dd")


def test_detail_shows_each_value_as_a_driver_reads_it(browser: Browser, app_url: str, sandbox_url: str):
    cargo_id, remove = _staged(
        sandbox_url,
        21,
        {
            # 74 800 ₽ to the carrier for 1 538 km: 49 ₽/км (CargoTech's 52 is of the shipper's 80 000 ₽).
            "price": 8_000_000,
            "price_carrier": 7_480_000,
            "price_per_km": 5_201,
            "distance": 1_538,
            "weight": 500,
            "points": {
                "start": {"first_date": "2026-12-03T04:30:00.000000Z", "last_date": "2026-12-03T07:30:00+03:00"},
                "finish": {"first_date": "2026-12-05T10:00:00+05:00", "last_date": "2026-12-05T10:00:00+05:00"},
            },
            "contacts": [
                {"type": "company", "name": "ООО «Волга-Транзит»", "phone": "84957654321"},
                {"type": "broker", "name": "Ольга Смирнова", "email": "olga@volga-tranzit.ru"},
                {"type": "dispatcher", "name": "Пётр Иванов", "phones": []},
            ],
            "extra": {"note": LONG_NOTE},
        },
    )
    try:
        page, errors = _open(browser, launch_url(app_url, user=DRIVER, start_param=f"cargo_{cargo_id}"))
        expect(page).to_have_url(f"{app_url}/cargo/{cargo_id}", timeout=30_000)
        price = page.locator(".card-price").first
        expect(price).to_have_text(f"74{NB}800{NB}₽ 49{NB}₽/км", timeout=30_000)
        expect(page.locator(".chip").filter(has_text="кг")).to_have_text(f"500{NB}кг")
        # 04:30 UTC is 07:30 in Moscow, the same moment as the window's end: shown once.
        expect(_row(page, "Дата загрузки")).to_have_text(f"3{NB}дек, 07:30")
        # An offset other than Moscow's: that place's own clock, once.
        expect(_row(page, "Дата выгрузки")).to_have_text(f"5{NB}дек, 10:00")

        contacts = page.get_by_test_id("contact")
        expect(contacts).to_have_count(3)
        olga = contacts.filter(has_text="Ольга Смирнова")
        expect(olga).to_contain_text("Экспедитор")
        expect(olga).to_contain_text("olga@volga-tranzit.ru")
        assert olga.get_attribute("href") == "mailto:olga@volga-tranzit.ru"
        petr = contacts.filter(has_text="Пётр Иванов")
        expect(petr).to_contain_text("Диспетчер")
        expect(petr).to_contain_text("телефон не указан")
        assert contacts.filter(has_text="Волга-Транзит").get_attribute("href") == "tel:+74957654321"

        # The long note starts collapsed, so «Откликнуться» stays near; the toggle shows all of it.
        note, toggle, respond = page.get_by_test_id("extranote"), page.get_by_test_id("note-toggle"), page.locator("#respond-btn")
        expect(toggle).to_have_text("Показать полностью")
        assert "mono" not in note.evaluate("n => getComputedStyle(n).fontFamily").lower()
        collapsed_height, collapsed_respond = note.bounding_box()["height"], respond.bounding_box()["y"]
        assert collapsed_height < 200, collapsed_height
        toggle.click()
        expect(toggle).to_have_text("Свернуть")
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(note).not_to_have_class(re.compile("collapsed"))
        full_height = note.bounding_box()["height"]
        assert full_height > 1000 and respond.bounding_box()["y"] - collapsed_respond > 800, full_height
        toggle.click()
        expect(toggle).to_have_text("Показать полностью")
        expect(note).to_have_class(re.compile("collapsed"))
        assert not errors
        page.context.close()
    finally:
        _control(sandbox_url, remove)


def test_a_price_of_zero_asks_for_a_bid_and_half_a_kilo_is_not_zero_tonnes(browser: Browser, app_url: str, sandbox_url: str):
    cargo_id, remove = _staged(
        sandbox_url, 23, {"price": 0, "price_carrier": None, "price_per_km": 0, "weight": 0.5, "volume": 0.01}
    )
    try:
        page, errors = _open(browser, launch_url(app_url, user=DRIVER, start_param=f"cargo_{cargo_id}"))
        expect(page).to_have_url(f"{app_url}/cargo/{cargo_id}", timeout=30_000)
        expect(page.locator(".card-price").first).to_have_text("запрос ставки", timeout=30_000)
        expect(page.locator(".chip").filter(has_text="кг")).to_have_text(f"0,5{NB}кг")
        expect(page.locator(".chip").filter(has_text=re.compile(r"\d\sт$"))).to_have_count(0)
        expect(page.locator(".chip").filter(has_text="м³")).to_have_text(f"0,01{NB}м³")
        assert not errors
        page.context.close()
    finally:
        _control(sandbox_url, remove)


def _number(text: str) -> float:
    return float(re.sub(r"[^\d,]", "", text).replace(",", "."))


def _per_km_figures(page: Page) -> list[tuple[str, float, float | None, float | None]]:
    """(id, price ₽, km, ₽/км shown) of every card with a price."""
    rows = page.get_by_test_id(CARD).evaluate_all("""cards => cards.map(c => [
        c.dataset.cargoId, c.querySelector('.card-price').textContent,
        [...c.querySelectorAll('.card-meta span')].map(s => s.textContent).join(' ')])""")
    figures = []
    for cargo_id, price, meta in rows:
        if "₽" not in price:
            continue
        km = re.search(r"([\d\s\u00a0]+)\u00a0км(?!/)", meta)
        rate = re.search(r"([\d,]+)\u00a0₽/км", meta)
        figures.append((cargo_id, _number(price), _number(km.group(1)) if km else None, _number(rate.group(1)) if rate else None))
    return figures


SORTED_BY_RATE = """() => {
  const rates = [...document.querySelectorAll('[data-testid=cargo-card] .card-meta')]
    .map(m => (m.textContent.match(/([\\d,]+)\\u00a0₽\\/км/) || [])[1])
    .filter(Boolean).map(r => parseFloat(r.replace(',', '.')));
  return rates.length > 0 && rates.every((r, i) => i === 0 || rates[i - 1] >= r)
    && rates[0] > rates[rates.length - 1];
}"""


def test_feed_rate_is_of_the_shown_price_and_sorts_by_it(browser: Browser, app_url: str):
    page, errors = _open(browser, launch_url(app_url, user=DRIVER))
    expect(page.get_by_test_id(CARD).first).to_be_visible(timeout=30_000)
    figures = _per_km_figures(page)
    assert len(figures) >= 15
    for cargo_id, price, km, rate in figures:
        assert km and rate is not None, (cargo_id, price, km, rate)
        assert abs(rate - price / km) <= 0.5, (cargo_id, price, km, rate)

    page.get_by_label("Сортировка среди загруженных").select_option("price_per_km")
    page.wait_for_function(SORTED_BY_RATE, timeout=30_000)  # the server has sorted the loaded cards
    rates = [rate for _, _, _, rate in _per_km_figures(page)]
    assert rates == sorted(rates, reverse=True), rates
    assert not errors
    page.context.close()


FIRST_IDS = """expected => JSON.stringify([...document.querySelectorAll('[data-testid=cargo-card]')]
  .map(c => c.dataset.cargoId).slice(0, expected.length)) === JSON.stringify(expected)"""


def test_weight_chips_offer_every_production_preset_with_m3(browser: Browser, app_url: str, sandbox_url: str):
    page, errors = _open(browser, launch_url(app_url, user=DRIVER))
    chips = page.get_by_test_id("weight-chip")
    expect(chips.first).to_be_visible(timeout=30_000)
    labels = [re.sub(r"\s+", " ", text) for text in chips.all_inner_texts()]
    assert labels == [
        "Любой",
        "1,5 т · 9 м³",
        "1–3 т · 16 м³",
        "3–5 т · 36 м³",
        "7,5 т · 45 м³",
        "5–10 т · 54 м³",
        "10–15 т · 65 м³",
        "15–20 т · 83 м³",
        "20+ т · 120 м³",
        "Свой",
    ]
    try:
        for label, wv in (("7,5 т", "7.5-45"), ("1,5 т", "1.5-9")):
            chips.filter(has_text=label).click()
            expect(chips.filter(has_text=label)).to_have_class(re.compile("active"))
            expected = [str(item["id"]) for item in _upstream(sandbox_url, {**BASE_QUERY, "limit": "20", "filter[wv]": wv})]
            page.wait_for_function(FIRST_IDS, arg=expected, timeout=30_000)
    finally:
        chips.filter(has_text="Любой").click()  # this driver's saved filters back to none
        expect(chips.filter(has_text="Любой")).to_have_class(re.compile("active"))
    assert not errors
    page.context.close()


def test_city_autocomplete_takes_e_for_yo(browser: Browser, app_url: str):
    page, errors = _open(browser, launch_url(app_url, user=DRIVER))
    expect(page.get_by_test_id(CARD).first).to_be_visible(timeout=30_000)
    page.get_by_test_id("filters-toggle").click()
    page.get_by_label("Откуда").fill("королев")
    suggestions = page.get_by_test_id("from-suggestions")
    expect(suggestions.get_by_role("button")).to_have_text(["Королёв, Московская обл."], timeout=30_000)
    suggestions.get_by_role("button").click()
    expect(page.get_by_label("Откуда")).to_have_value("Королёв, Московская обл.")
    assert not errors
    page.context.close()
