"""Alert message text and buttons: escaped values, deep link, digest, «Отключить» data."""

from __future__ import annotations

from services.alerts.messages import (
    DIGEST_LIST_MAX,
    digest_buttons,
    digest_text,
    off_data,
    parse_off,
    single_buttons,
    single_text,
)
from services.alerts.saved_searches import propose_name, summary_of

CARD = {
    "id": "2200000123",
    "route": "Москва → Казань",
    "weight": "20 т",
    "price": "85 000 ₽",
    "price_per_km": "104 ₽/км",
    "dates": "2 дек",
    "distance": "818 км",
}


def test_single_alert_shows_route_weight_price_and_rate_with_a_deep_link():
    text = single_text("Казань <срочно>", CARD)
    assert text.splitlines() == [
        "🔔 Новый груз по поиску «Казань &lt;срочно&gt;»",
        "<b>Москва → Казань</b>",
        "20 т · 85 000 ₽ · 104 ₽/км",
        "2 дек · 818 км",
    ]
    buttons = single_buttons("cargo_bot", 7, "2200000123")
    assert buttons == [
        [{"text": "Открыть груз", "url": "https://t.me/cargo_bot?startapp=cargo_2200000123"}],
        [{"text": "Отключить", "data": "alert_off:7"}],
    ]


def test_digest_lists_cargos_and_cuts_long_lists():
    entries = [("Казань", {**CARD, "id": str(n)}) for n in range(DIGEST_LIST_MAX + 3)]
    text = digest_text(entries, "cargo_bot")
    assert text.startswith(f"🔔 Новые грузы: {DIGEST_LIST_MAX + 3}\nПо поиску «Казань»")
    assert text.count("•") == DIGEST_LIST_MAX and text.endswith("…и ещё 3")
    assert 'href="https://t.me/cargo_bot?startapp=cargo_0"' in text
    held = digest_text(entries[:2], "cargo_bot", held=True)
    assert held.startswith("🌙 Пока были тихие часы, пришли новые грузы: 2")
    assert [b["text"] for row in digest_buttons("cargo_bot", [(1, "Казань"), (2, "Уфа")]) for b in row] == [
        "Открыть грузы",
        "Отключить «Казань»",
        "Отключить «Уфа»",
    ]


def test_switch_off_callback_data_round_trips_and_refuses_junk():
    assert parse_off(off_data(42)) == 42
    for junk in ("alert_off:", "alert_off:-1", "alert_off:1;drop", "resp:1:accept", "", "alert_off:" + "9" * 30):
        assert parse_off(junk) is None


def test_proposed_names():
    assert propose_name({"from_name": "Москва", "to_name": "Казань", "weight_class": "15_20"}) == "Москва → Казань, 15–20 т"
    assert propose_name({"to_name": "Казань"}) == "Откуда угодно → Казань"
    assert propose_name({"from_name": "Уфа", "price_min": "50000", "mode": "my"}) == "Уфа → куда угодно, от 50\u00a0000 ₽, свои"
    assert summary_of({}) == "Все направления"
    assert len(propose_name({"from_name": "Я" * 100})) == 60
