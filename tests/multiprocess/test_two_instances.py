"""Two app instances sharing Redis and PostgreSQL behave as one app: one CargoTech
login after a revocation, one 600/min budget, live status across instances, and no outbox
message lost when an instance dies mid-delivery."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import create_engine, text

from services.feed.loading import NEW_FILTERS_FAILED
from tests.multiprocess.conftest import DETAIL, DISPATCHER, DISPATCHERS, FEED, RESPONSES, Cluster, Driver
from tests.support.waiting import wait_until


def _drivers(cluster: Cluster, count: int, first_id: int) -> list[Driver]:
    """`count` drivers, alternately on A and B (each its own driver: the 10 events/s limit is per driver)."""
    apps = [cluster.a, cluster.b]
    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(lambda i: Driver(apps[i % 2], first_id + i), range(count)))


def _price_query(driver: Driver, price_min: int) -> dict:
    """A feed query nobody else asked for, so it cannot be served from the shared cache."""
    driver.send(FEED, "submit_filters", {"fields": {"__reflex_form_data__": [["price_min", str(price_min)]]}})
    return driver.feed_result()


def test_revoked_token_is_replaced_by_one_login_across_both_instances(cluster: Cluster):
    drivers = _drivers(cluster, 12, first_id=610000001)
    try:
        warm = _price_query(drivers[0], 1000)  # a token exists before the revocation
        assert warm["cards_rx_state_"] and not warm["error_rx_state_"]
        cluster.sandbox.revoke_tokens()
        logins_before = cluster.sandbox.stats()["logins_ok"]
        with ThreadPoolExecutor(len(drivers)) as pool:
            results = list(pool.map(lambda pair: _price_query(pair[1], 2000 + pair[0]), enumerate(drivers)))
    finally:
        for driver in drivers:
            driver.close()
    assert [r["error_rx_state_"] for r in results] == [""] * len(drivers)
    assert all(r["cards_rx_state_"] for r in results)
    assert cluster.sandbox.stats()["logins_ok"] - logins_before == 1


@pytest.mark.parametrize("cluster", [{"CARGOTECH_RATE_LIMIT_PER_MIN": "60"}], indirect=True)
def test_both_instances_share_one_cargotech_budget(cluster: Cluster):
    # The sandbox enforces the same 60/min the instances are given (600 in production: the same
    # bucket, scaled down so that a burst can overrun it in seconds). Per-instance buckets would
    # let through 2 × 30 at once and the sandbox would answer 429.
    cluster.sandbox.set_rate_limit(60)
    drivers = _drivers(cluster, 40, first_id=620000001)
    before = cluster.sandbox.stats()
    started = time.monotonic()
    try:
        with ThreadPoolExecutor(len(drivers)) as pool:
            results = list(pool.map(lambda pair: _price_query(pair[1], 5000 + 10 * pair[0]), enumerate(drivers)))
    finally:
        for driver in drivers:
            driver.close()
    elapsed = time.monotonic() - started
    after = cluster.sandbox.stats()
    data_calls = sum(after[k] - before[k] for k in ("list", "detail", "points", "me", "truck_types", "load_types") if k in after)
    assert after["rate_limited"] == before["rate_limited"], "the sandbox had to refuse calls: budget overrun"
    # Burst 30, then (60 − 30)/60 per second, shared by both instances.
    assert data_calls <= 30 + 0.5 * elapsed + 1
    served = [r for r in results if r["cards_rx_state_"]]
    refused = [r for r in results if r["error_rx_state_"]]
    assert len(served) + len(refused) == len(drivers)
    assert served and refused  # the budget ran out part-way, and drivers were told so
    # Each driver's query was a filter change, so the notice says that the new filters failed.
    assert {r["error_rx_state_"] for r in refused} == {
        f"{NEW_FILTERS_FAILED}: Слишком много запросов к CargoTech — попробуйте через минуту."
    }


def _respond(driver: Driver, cargo_id: str, phone: str) -> dict:
    path = f"/cargo/{cargo_id}"
    driver.send(DETAIL, "load", path=path)
    driver.socket.wait_for(lambda d: d.get(DETAIL, {}).get("loading_rx_state_") is False)
    driver.send(DETAIL, "set_phone", {"phone": phone}, path=path)
    driver.send(DETAIL, "respond", path=path)
    return driver.socket.wait_for(lambda d: d.get(DETAIL, {}).get("status_rx_state_", "") != "")[DETAIL]


def _some_cargo_id(cluster: Cluster, offset: int) -> str:
    token = cluster.sandbox.login()
    listed = httpx.get(
        f"{cluster.sandbox.url}/v2/cargos/views",
        params={"limit": 1, "offset": offset},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    return str(listed["data"][0]["id"])


def test_a_response_made_through_a_shows_its_status_on_b(cluster: Cluster):
    cargo_id = _some_cargo_id(cluster, 11)  # on the first feed page, which both tabs have loaded
    on_a = Driver(cluster.a, 630000001, name="Пётр")
    try:
        assert _respond(on_a, cargo_id, "+7 921 000-11-22")["status_rx_state_"] in ("Отправляется", "Отправлен")
    finally:
        on_a.close()
    # One live session per driver: the driver opens the app again on a second device, whose tab
    # instance B holds (this sign-in ends the first device's session).
    on_b = Driver(cluster.b, 630000001, name="Пётр")
    try:
        on_b.send(RESPONSES, "load", path="/responses")  # B reads what A wrote
        listed = on_b.socket.wait_for(lambda d: d.get(RESPONSES, {}).get("loaded_rx_state_") is True)
        assert [item["cargo_id"] for item in listed[RESPONSES]["items_rx_state_"]] == [cargo_id]

        [message] = wait_until(
            lambda: [m for m in cluster.telegram.chat(DISPATCHERS)["messages"] if cargo_id in m["text"]],
            what="dispatcher message",
        )
        accept = message["buttons"][0][0]["callback_data"]
        report = cluster.telegram.press_button(DISPATCHERS, message["message_id"], accept, from_user=DISPATCHER)
        assert report["status"] == 200

        # The webhook went to A, which decided; B holds this tab's websocket and pushes the change.
        def accepted(delta: dict) -> bool:
            items = delta.get(RESPONSES, {}).get("items_rx_state_", [])
            cards = delta.get(FEED, {}).get("cards_rx_state_", [])
            return any(i["cargo_id"] == cargo_id and i["status"] == "Принят" for i in items) and any(
                c["id"] == cargo_id and c["status"] == "Принят" for c in cards
            )

        assert on_b.socket.wait_for(accepted, timeout=30)
    finally:
        on_b.close()


def _outbox(database_url: str) -> list[tuple]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text("SELECT id, status, attempts FROM outbox_message ORDER BY id")))
    finally:
        engine.dispose()


def test_killing_an_instance_mid_delivery_loses_nothing(cluster: Cluster):
    cargo_id = _some_cargo_id(cluster, 21)
    cluster.b.stop()  # A alone takes the message, so it is A that dies holding it
    cluster.telegram.fault(kind="hang", method="sendMessage", count=1)
    driver = Driver(cluster.a, 640000001, name="Иван")
    try:
        _respond(driver, cargo_id, "+7 921 000-33-44")
        wait_until(lambda: [row for row in _outbox(cluster.database_url) if row[1] == "sending"], what="A claims the message")
    finally:
        driver.close()
    time.sleep(0.5)  # the request is on the wire, hanging in "Telegram"
    cluster.a.kill()
    assert [row[1] for row in _outbox(cluster.database_url)] == ["sending"]

    cluster.b.start()  # B takes the message over when A's lease runs out
    [message] = wait_until(
        lambda: [m for m in cluster.telegram.chat(DISPATCHERS)["messages"] if cargo_id in m["text"]],
        timeout_s=90,
        what="delivery by B",
    )
    assert "+79210003344" in message["text"]
    wait_until(lambda: [row[1] for row in _outbox(cluster.database_url)] == ["sent"], what="marked sent")
    time.sleep(2)  # nothing else trickles in
    assert len([m for m in cluster.telegram.chat(DISPATCHERS)["messages"] if cargo_id in m["text"]]) == 1
