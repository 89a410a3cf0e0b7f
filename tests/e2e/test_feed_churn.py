"""The feed in a browser while the exchange moves under it, at the rate seen on the real exchange
(about 2 % of 1500 cargos replaced every 30 s: thirty new at the head, thirty withdrawn) or faster.
Scrolling keeps one list: no duplicates, no gaps, the exchange's order, and no stall. New cargos at
the head wait behind the «N новых грузов» pill, and a card withdrawn meanwhile says «снят».

Each test uses a driver and a query of its own (the shared cache cannot answer from another
test's pages), moves the sandbox's frozen clock by hand, and puts the clock and every withdrawn
cargo back afterwards."""

from __future__ import annotations

import random
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from sandbox.testing import TEST_EPOCH
from services.feed.filters import build_query, validate_filters
from services.feed.head import new_cargos_label
from tests.e2e.telegram import launch_url, serve_telegram_script

pytestmark = pytest.mark.moves_exchange  # moves the sandbox's clock: runs after the other browser tests

SLOT_S = 12  # the sandbox publishes one cargo every 12 s
ARRIVALS_PER_STEP = 30  # 30 s of the real exchange: 2 % of 1500 replaced
WITHDRAWN_PER_STEP = 30


class Exchange:
    """The sandbox's exchange, moved by the test: its clock and withdrawals."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=10)
        login = self.http.post("/v1/auth/login", json={"phone": "+79111111111", "password": "sandbox-password"})
        self.token = login.json()["data"]["token"]
        self.removed: list[str] = []
        self.offset_s = 0

    def ids(self, price_min: str, depth: int) -> list[str]:
        """The query's list as it is now, newest first."""
        filters = validate_filters({"mode": "all", "weight_class": "any", "price_min": price_min})
        found: list[str] = []
        for offset in range(0, depth, 100):
            query = build_query(filters, offset=offset, limit=100)
            answer = self.http.get("/v2/cargos/views", params=query, headers={"Authorization": f"Bearer {self.token}"})
            found += [str(item["id"]) for item in answer.json()["data"]]
        return found

    def advance(self, seconds: int) -> None:
        self.offset_s += seconds
        self.http.post("/__control/clock", json={"at": TEST_EPOCH + self.offset_s, "frozen": True}).raise_for_status()

    def withdraw(self, cargo_id: str) -> None:
        if self.http.post(f"/__control/cargo/{cargo_id}/remove").status_code == 200:
            self.removed.append(cargo_id)

    def put_back(self) -> None:
        for cargo_id in self.removed:
            self.http.post(f"/__control/cargo/{cargo_id}/restore")
        self.http.post("/__control/clock", json={"at": TEST_EPOCH, "frozen": True}).raise_for_status()
        self.http.close()


@pytest.fixture
def exchange(sandbox_url: str) -> Iterator[Exchange]:
    moved = Exchange(sandbox_url)
    try:
        yield moved
    finally:
        moved.put_back()


def _open_own_query(page: Page, app_url: str, driver_id: int, price_min: str) -> None:
    serve_telegram_script(page.context)
    page.goto(launch_url(app_url, user={"id": driver_id, "first_name": "Тест", "language_code": "ru"}))
    expect(page.get_by_test_id("cargo-card").first).to_be_visible(timeout=30_000)
    page.get_by_test_id("filters-toggle").click()
    page.locator("input[name=price_min]").fill(price_min)
    page.wait_for_timeout(600)  # the field is debounced
    page.get_by_role("button", name="Показать грузы").click()


def _shown(page: Page) -> list[str]:
    return page.eval_on_selector_all("[data-testid=cargo-card]", "els => els.map(e => e.dataset.cargoId)")


def test_scrolling_while_the_exchange_churns_keeps_one_list(page: Page, app_url: str, exchange: Exchange):
    price_min = "1001"
    rng = random.Random(1414)
    _open_own_query(page, app_url, 5140001, price_min)
    cards = page.get_by_test_id("cargo-card")
    reference = exchange.ids(price_min, 600)  # the exchange when the first page was fetched
    expect(cards).to_have_count(20, timeout=30_000)
    assert _shown(page) == reference[:20]

    counts = [20]
    for _ in range(8):
        # Between two scrolls: thirty new cargos at the head, thirty withdrawn anywhere in the
        # top of the list (above and below the driver's position).
        exchange.advance(ARRIVALS_PER_STEP * SLOT_S)
        for cargo_id in rng.sample(exchange.ids(price_min, 300), WITHDRAWN_PER_STEP):
            exchange.withdraw(cargo_id)
        cards.last.scroll_into_view_if_needed()  # the infinite scroll, not a tap
        expect(cards).not_to_have_count(counts[-1], timeout=30_000)
        expect(page.locator("#load-more")).to_be_enabled(timeout=30_000)  # the page has landed
        counts.append(cards.count())
        assert counts[-1] > counts[-2], f"the feed stalled at {counts}"

    # The infinite scroll keeps pressing while «Показать ещё» stays in view: go to the top and let
    # a press in flight land, so the list and the counter are read at rest.
    page.evaluate("window.scrollTo(0, 0)")
    expect(page.locator("#load-more")).to_be_enabled(timeout=30_000)
    page.wait_for_timeout(1000)
    expect(page.locator("#load-more")).to_be_enabled(timeout=30_000)
    shown = _shown(page)
    assert len(shown) == len(set(shown)), "a cargo shown twice"
    final = exchange.ids(price_min, 1200)
    position = {cargo_id: n for n, cargo_id in enumerate(final)}
    still_listed = [i for i in shown if i in position]
    assert still_listed == sorted(still_listed, key=position.__getitem__), "the exchange's order broken"
    deepest = max(reference.index(i) for i in shown if i in reference)
    missing = [i for i in reference[: deepest + 1] if i not in shown and i in position]
    assert missing == [], "cargos listed the whole time were skipped"
    # The counter agrees with the cards on the page (a press may still land meanwhile: both move).
    page.wait_for_function(
        r"""() => new RegExp('(^|\\D)' + document.querySelectorAll('[data-testid=cargo-card]').length + ' из ')
                 .test(document.querySelector('[data-testid=feed-counter]').textContent)""",
        timeout=30_000,
    )


def test_new_cargos_wait_behind_the_pill_and_withdrawn_ones_say_so(page: Page, app_url: str, exchange: Exchange):
    price_min = "1002"
    _open_own_query(page, app_url, 5140002, price_min)
    cards = page.get_by_test_id("cargo-card")
    expect(cards).to_have_count(20, timeout=30_000)
    page.get_by_role("button", name="Показать ещё").click()
    expect(cards.nth(39)).to_be_attached(timeout=30_000)
    cards.nth(30).scroll_into_view_if_needed()
    before = _shown(page)

    exchange.advance(3 * SLOT_S)  # a few new cargos at the head
    victim = before[4]
    exchange.withdraw(victim)
    head = exchange.ids(price_min, 20)
    arrived = head[: head.index(before[0])]
    assert arrived

    # The screen looks at its query's head again once the cached first page is a window old
    # (the page's own timer; nothing is tapped until the pill).
    pill = page.get_by_test_id("new-pill")
    expect(pill).to_be_visible(timeout=120_000)
    expect(pill).to_have_text(f"↑ {new_cargos_label(len(arrived))}")
    assert _shown(page)[: len(before)] == before, "the list moved under the driver's thumb"
    gone = page.locator(f"[data-cargo-id='{victim}']")
    expect(gone).to_contain_text("снят")
    expect(gone).to_have_class("cargo-card gone")
    box = pill.bounding_box()
    assert box is not None and box["height"] >= 44

    pill.click()
    expect(pill).to_have_count(0)
    expect(cards).to_have_count(len(before) + len(arrived), timeout=10_000)
    assert _shown(page) == arrived + before
    page.wait_for_function("window.scrollY === 0", timeout=10_000)
