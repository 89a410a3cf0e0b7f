"""The feed's filter form and the saved «filters» document (services.feed.form)."""

from __future__ import annotations

import datetime as dt

from services.feed.form import EMPTY_FORM, FeedForm, form_of, raw_filters, submitted_form

TODAY = dt.date(2026, 11, 27)


def test_saved_filters_come_back_as_the_form_the_sheet_shows():
    saved = {
        "from_id": "1",
        "from_name": "Москва",
        "to_name": "Казань",
        "price_min": "50000",
        "truck_types": ["2", "17"],
        "load_types": ["3"],
    }
    assert form_of(saved, today=TODAY) == FeedForm(
        {"from_id": "1", "from_name": "Москва", "to_name": "Казань", "price_min": "50000", **EMPTY_FORM}, ["2", "17"], ["3"]
    )


def test_a_form_round_trips_through_its_saved_document():
    form = FeedForm({"mode": "my", "weight_class": "1_3", "from_name": "Тверь"}, ["5"], [])
    assert form_of(raw_filters(form.form, form.truck_types, form.load_types), today=TODAY) == form


def test_keys_the_sheet_does_not_have_are_dropped():
    saved = {"weight_class": "20", "session_id": "x", "from_name": 5, "truck_types": ["2", "7"]}
    restored = form_of(saved, today=TODAY)
    assert restored is not None
    assert restored.form == {"weight_class": "20", "mode": "all"}  # a number is not what the sheet typed
    assert restored.truck_types == ["2", "7"] and restored.load_types == []


def test_filters_that_no_longer_validate_start_the_feed_clean():
    assert form_of({"start_date": "2026-11-20"}, today=TODAY) is None  # that loading date has passed
    assert form_of({"weight_class": "nine"}, today=TODAY) is None
    assert form_of({"start_date": "2026-11-30"}, today=TODAY) is not None


def test_a_submitted_sheet_keeps_its_fields_and_drops_what_the_sheet_has_not():
    taken = submitted_form(
        {
            "price_min": " 40000 ",
            "from_name": "Москва" * 30,
            "weight_class": "10",
            "truck_types": ["1", "x", "22"],
            "load_types": "3",  # not a list: no types
            "mode": "my",  # the mode is the feed's toggle, not the sheet's
            "intent": "save",
            "is_admin": "1",
            "price_max": 5,  # not text
        },
        mode="all",
    )
    assert taken == FeedForm(
        {"price_min": "40000", "from_name": ("Москва" * 30)[:100], "weight_class": "10", "mode": "all"}, ["1", "22"], []
    )


def test_an_empty_submit_is_the_empty_sheet():
    assert submitted_form({}, mode="my") == FeedForm({**EMPTY_FORM, "mode": "my"}, [], [])
