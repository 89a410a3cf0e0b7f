"""Two instances of two workers each on one Redis: /metrics and the admin page add up all four
processes, whichever worker of whichever instance answers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.reflex_socket import ROOT_STATE
from tests.multiprocess.conftest import FEED, Cluster, Driver
from tests.support.waiting import wait_until

ADMIN_ID = 630000099
ADMIN = f"{ROOT_STATE}.cargo_webapp___state___admin_state____admin_state"


def scrape(url: str) -> dict[str, float]:
    """The deployment's upstream and cache totals as one scrape (a new connection each) shows them."""
    body = httpx.get(f"{url}/metrics", timeout=10).text
    out = {"list_requests": 0.0, "all_requests": 0.0, "list_lookups": 0.0, "whole": 0.0}
    for family in text_string_to_metric_families(body):
        for s in family.samples:
            if s.name == "cargotech_upstream_requests_total":
                out["all_requests"] += s.value
                out["list_requests"] += s.value if s.labels["endpoint"] == "list" else 0
            elif (
                s.name == "cargo_cache_lookups_total" and s.labels["kind"] == "list" and s.labels["outcome"] in ("hits", "misses")
            ):
                out["list_lookups"] += s.value
            elif s.name == "app_figures_deployment_wide":
                out["whole"] = s.value
    return out


@pytest.mark.parametrize("cluster", [{"GRANIAN_WORKERS": "2", "ADMIN_TELEGRAM_IDS": str(ADMIN_ID)}], indirect=True)
def test_metrics_and_admin_figures_add_up_over_two_instances_of_two_workers(cluster: Cluster):
    apps = [cluster.a, cluster.b]
    with ThreadPoolExecutor(4) as pool:
        drivers = list(pool.map(lambda i: Driver(apps[i % 2], 630000001 + i), range(8)))

    def price_query(pair: tuple[int, Driver]) -> dict:  # a query nobody else asked: one CargoTech call
        index, driver = pair
        driver.send(FEED, "submit_filters", {"fields": {"__reflex_form_data__": [["price_min", str(4000 + index)]]}})
        return driver.feed_result()

    try:
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(price_query, enumerate(drivers)))
    finally:
        for driver in drivers:
            driver.close()
    assert [r["error_rx_state_"] for r in results] == [""] * 8
    # Every list call the sandbox received was made by one of the four workers.
    expected = cluster.sandbox.stats()["list"]
    assert expected >= 8

    # Each worker sends its counts within a second; then every scrape shows the same totals.
    wait_until(
        lambda: all(scrape(app.url)["list_requests"] == expected for app in apps),
        30,
        "both instances' /metrics count every list call",
    )
    scrapes = [scrape(app.url) for app in apps for _ in range(6)]
    assert {s["list_requests"] for s in scrapes} == {expected}
    assert len({s["all_requests"] for s in scrapes}) == 1
    lookups = {s["list_lookups"] for s in scrapes}
    assert len(lookups) == 1 and lookups.pop() >= 16  # 8 first pages at sign-in, 8 price queries
    assert {s["whole"] for s in scrapes} == {1.0}

    admin = Driver(cluster.b, ADMIN_ID, "Админ")
    try:
        admin.send(ADMIN, "load", path="/admin")
        seen: dict = {}

        def loaded(delta: dict) -> bool:
            seen.update(delta.get(ADMIN, {}))
            return bool(seen.get("served_by_rx_state_"))

        admin.socket.wait_for(loaded, timeout=30)
    finally:
        admin.close()
    assert seen["scope_rx_state_"] == "все процессы развёртывания (4 за последнюю минуту)"
    name, _, pid = seen["served_by_rx_state_"].rpartition(":")
    assert name and pid.isdigit()
    chart = seen["chart_rx_state_"]
    assert sum(minute["requests"] for minute in chart) == scrapes[0]["all_requests"]
    list_row = next(row for row in seen["cache_rx_state_"] if row["kind"] == "списки")
    assert int(list_row["hits"]) + int(list_row["misses"]) >= 16
