"""The filter sheet arrives as one submitted form (its [name, value] entries, as the browser
sends them): a bad field comes back as a Russian error naming it, a good sheet becomes the
feed's query and the driver's saved filters, and «Сохранить поиск» keeps it without applying."""

from __future__ import annotations

from cargo_webapp.state.feed_state import FeedState
from cargo_webapp.state.saved_searches_state import SavedSearchesState
from services.infra.runtime import get_runtime
from tests.integration.state_harness import run_handler, signed_in_tree


def submitted(*entries: tuple[str, str]) -> dict:
    return {"fields": {"__reflex_form_data__": [list(entry) for entry in entries]}}


async def test_a_bad_field_is_named_and_the_sheet_stays_open_with_what_was_typed(wired):
    root = await signed_in_tree(driver_id=700001501)
    await run_handler(root, FeedState, "submit_filters", submitted(("price_min", "сорок"), ("intent", "apply")))
    feed = await root.get_state(FeedState)
    assert feed.errors["price_min"].startswith("Цена от:")
    assert feed.filters_open and feed.form["price_min"] == "сорок"
    assert await get_runtime().drivers.feed_filters(700001501) is None  # nothing applied


async def test_one_submit_applies_the_whole_sheet(wired):
    runtime, requests = wired
    root = await signed_in_tree(driver_id=700001502)
    await run_handler(
        root,
        FeedState,
        "submit_filters",
        submitted(
            ("intent", "apply"),
            ("weight_class", "10_15"),
            ("price_min", "40000"),
            ("truck_types", "1"),
            ("truck_types", "2"),
            ("load_types", "3"),
        ),
    )
    feed = await root.get_state(FeedState)
    assert feed.errors == {} and not feed.filters_open
    assert feed.cards and all(card["price"] for card in feed.cards)
    saved = await runtime.drivers.feed_filters(700001502)
    assert saved is not None
    assert (saved["price_min"], saved["weight_class"], saved["truck_types"], saved["load_types"]) == (
        "40000",
        "10_15",
        ["1", "2"],
        ["3"],
    )
    assert any(request.url.params.get("filter[price]") == "4000000," for request in requests)  # kopecks


async def test_save_takes_the_sheet_as_typed_and_the_save_form_proposes_it_without_applying(wired):
    runtime, _ = wired
    root = await signed_in_tree(driver_id=700001503)
    await run_handler(root, FeedState, "submit_filters", submitted(("intent", "save"), ("price_min", "40000")))
    assert (await root.get_state(FeedState)).form["price_min"] == "40000"
    await run_handler(root, SavedSearchesState, "open_save", {})  # the page presses the hidden opener
    saving = await root.get_state(SavedSearchesState)
    assert saving.save_open and saving.save_name == "Все направления, от 40\u00a0000 ₽"
    assert await runtime.drivers.feed_filters(700001503) is None  # saving is not applying
