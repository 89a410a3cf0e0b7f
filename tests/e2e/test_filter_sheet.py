"""The filter sheet in Chromium: ticking body types and typing ranges sends nothing; «Показать
грузы» sends the whole sheet as one event, and the feed then shows CargoTech's first page for
exactly that query."""

from __future__ import annotations

import json

import httpx
from playwright.sync_api import Browser, expect

from tests.e2e.telegram import launch_url, serve_telegram_script

DRIVER = {"id": 747401, "first_name": "Олег", "last_name": "Фильтров", "language_code": "ru"}
FEED_EVENT = "feed_state____feed_state."


def _upstream_ids(sandbox_url: str, params: dict) -> list[str]:
    with httpx.Client(base_url=sandbox_url, timeout=10) as http:
        login = http.post("/v1/auth/login", json={"phone": "+79111111111", "password": "sandbox-password"})
        token = login.json()["data"]["token"]
        body = http.get("/v2/cargos/views", params=params, headers={"Authorization": f"Bearer {token}"}).json()
    return [str(item["id"]) for item in body["data"]]


def _feed_events(frames: list[str]) -> list[dict]:
    """The FeedState events among socket.io frames the page sent: `42/_event,["event", {...}]`."""
    found = []
    for frame in frames:
        if FEED_EVENT not in frame or "[" not in frame:
            continue
        kind, body = json.loads(frame[frame.index("[") :])[:2]
        if kind == "event":
            found.append({"name": body["name"].rsplit(".", 1)[-1], "payload": body["payload"]})
    return found


def test_the_whole_sheet_goes_in_one_event_and_the_feed_is_that_query(browser: Browser, app_server, sandbox_url: str):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU", is_mobile=True, has_touch=True)
    serve_telegram_script(context)
    page = context.new_page()
    sent: list[str] = []
    page.on("websocket", lambda socket: socket.on("framesent", lambda payload: sent.append(str(payload))))
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(launch_url(app_server.url, user=DRIVER))
    cards = page.get_by_test_id("cargo-card")
    expect(cards.first).to_be_visible(timeout=30_000)
    for _ in range(100):  # the app's start is over once Telegram's CloudStorage has answered
        if any(event["name"] == "restore_from_cloud" for event in _feed_events(sent)):
            break
        page.wait_for_timeout(100)

    page.get_by_test_id("filters-toggle").click()
    trucks = page.locator("input[name=truck_types]")
    expect(trucks.first).to_be_attached(timeout=15_000)
    ids = [trucks.nth(n).get_attribute("value") for n in range(2)]
    editing = len(sent)
    for n in range(2):
        trucks.nth(n).locator("xpath=..").click()  # the chip is the checkbox's label
        expect(trucks.nth(n)).to_be_checked()
    page.locator("input[name=price_min]").fill("30000")
    page.locator("input[name=distance_max]").fill("3000")
    page.wait_for_timeout(500)
    assert _feed_events(sent[editing:]) == []  # editing the sheet costs the server nothing

    applying = len(sent)
    page.get_by_role("button", name="Показать грузы").click()
    expected = _upstream_ids(
        sandbox_url,
        {
            "include": "contacts",
            "limit": "20",
            "offset": "0",
            "filter[mode]": "all",
            "filter[user_id]": "0",
            "filter[truck_types]": ",".join(ids),
            "filter[distance]": ",3000",
            "filter[price]": "3000000,",  # kopecks
        },
    )
    assert expected, "the sandbox has no cargo for this query: pick wider ranges"
    expect(cards.first).to_have_attribute("data-cargo-id", expected[0], timeout=30_000)
    assert cards.evaluate_all("cards => cards.map(c => c.dataset.cargoId)")[: len(expected)] == expected

    [submit] = [event for event in _feed_events(sent[applying:]) if event["name"] == "submit_filters"]
    entries = submit["payload"]["fields"]["__reflex_form_data__"]
    assert ["price_min", "30000"] in entries and ["distance_max", "3000"] in entries
    assert [value for name, value in entries if name == "truck_types"] == ids
    assert [event["name"] for event in _feed_events(sent[applying:])] == ["submit_filters"]
    assert not errors, errors
    context.close()
