"""Saved searches against a real database: create, list, rename, delete, alerts on/off, quiet
hours; the limit of ten and Russian errors naming the field."""

from __future__ import annotations

import pytest

from services.alerts.saved_searches import MAX_PER_DRIVER, SavedSearchError, propose_name

DRIVER, OTHER = 700000101, 700000202
pytestmark = pytest.mark.both_spellings  # plain and drifted sandbox answers
KAZAN_ROUTE = {"from_id": "1", "from_name": "Москва", "to_id": "2", "to_name": "Казань", "weight_class": "20"}


async def test_create_list_rename_toggle_delete(runtime):
    searches = runtime.searches
    assert propose_name(KAZAN_ROUTE) == "Москва → Казань, 20+ т"
    created = await searches.create(DRIVER, "", KAZAN_ROUTE)  # no name given: the proposal
    assert created.name == "Москва → Казань, 20+ т" and not created.alerts_on
    assert created.filters["from_id"] == "1" and created.filters["mode"] == "all"

    renamed = await searches.rename(DRIVER, created.id, "  На Казань  ")
    assert renamed.name == "На Казань"
    on = await searches.set_alerts(DRIVER, created.id, True)
    assert on.alerts_on
    assert [s.id for s in await searches.alert_searches()] == [created.id]
    assert [v.name for v in await searches.list_for(DRIVER)] == ["На Казань"]
    assert await searches.list_for(OTHER) == []

    await searches.set_alerts(DRIVER, created.id, False)
    assert await searches.alert_searches() == []
    await searches.delete(DRIVER, created.id)
    assert await searches.list_for(DRIVER) == []


async def test_equal_filters_share_one_query_key(runtime):
    first = await runtime.searches.create(DRIVER, "Первый", {**KAZAN_ROUTE, "price_min": ""})
    second = await runtime.searches.create(
        OTHER, "Второй", {"weight_class": "20", "to_name": "Казань", "to_id": "2", "from_id": "1", "from_name": "Москва"}
    )
    third = await runtime.searches.create(OTHER, "Третий", {**KAZAN_ROUTE, "price_min": "50000"})
    rows = {row.id: row.query_key for row in await _all_rows(runtime)}
    assert rows[first.id] == rows[second.id] != rows[third.id]


async def _all_rows(runtime):
    from sqlmodel import select

    from services.alerts.saved_searches import SavedSearch
    from services.infra.db import run_db

    return await run_db(runtime.searches._engine, lambda s: list(s.exec(select(SavedSearch)).all()))


async def test_at_most_ten_per_driver(runtime):
    for n in range(MAX_PER_DRIVER):
        await runtime.searches.create(DRIVER, f"Поиск {n}", {"price_min": str(1000 + n)})
    with pytest.raises(SavedSearchError) as refused:
        await runtime.searches.create(DRIVER, "Одиннадцатый", {"price_min": "99"})
    assert refused.value.field == "search"
    assert "не больше 10" in str(refused.value)
    assert await runtime.searches.count(DRIVER) == MAX_PER_DRIVER
    # Another driver's ten are their own.
    assert (await runtime.searches.create(OTHER, "Свой", {})).name == "Свой"


async def test_validation_errors_are_russian_and_name_the_field(runtime):
    searches = runtime.searches
    with pytest.raises(SavedSearchError) as bad_price:
        await searches.create(DRIVER, "Дорогие", {"price_min": "дорого"})
    assert bad_price.value.field == "filters"
    assert str(bad_price.value).startswith("Фильтры: Цена от: введите целое число")
    assert bad_price.value.field_errors == {"price_min": "Цена от: введите целое число"}

    with pytest.raises(SavedSearchError) as long_name:
        await searches.create(DRIVER, "я" * 61, {})
    assert long_name.value.field == "name" and str(long_name.value).startswith("Название: не длиннее 60")

    await searches.create(DRIVER, "Казань", {})
    with pytest.raises(SavedSearchError) as twice:
        await searches.create(DRIVER, "казань", {})
    assert str(twice.value) == "Название: поиск с таким названием уже есть"
    with pytest.raises(SavedSearchError) as empty:
        await searches.rename(DRIVER, (await searches.list_for(DRIVER))[0].id, "   ")
    assert str(empty.value) == "Название: введите название"

    with pytest.raises(SavedSearchError) as bad_time:
        await searches.set_quiet_hours(DRIVER, "25:00", "07:00")
    assert bad_time.value.field == "quiet_start" and str(bad_time.value).startswith("Тихие часы с:")
    with pytest.raises(SavedSearchError) as half:
        await searches.set_quiet_hours(DRIVER, "22:00", "")
    assert half.value.field == "quiet_end" and "оба" in str(half.value)
    hours = await searches.set_quiet_hours(DRIVER, "22:0", "7:05")
    assert (hours.start, hours.end) == ("22:00", "07:05")
    assert await searches.quiet_hours(DRIVER) == hours
    assert not (await searches.set_quiet_hours(DRIVER, "", "")).enabled


async def test_another_drivers_search_reads_as_not_found(runtime):
    mine = await runtime.searches.create(DRIVER, "Мой", {})
    for action in (
        lambda: runtime.searches.set_alerts(OTHER, mine.id, True),
        lambda: runtime.searches.rename(OTHER, mine.id, "Чужой"),
        lambda: runtime.searches.delete(OTHER, mine.id),
        lambda: runtime.searches.get(OTHER, "1 OR 1=1"),
    ):
        with pytest.raises(SavedSearchError) as refused:
            await action()
        assert str(refused.value) == "Поиск: поиск не найден"
    assert [(v.name, v.alerts_on) for v in await runtime.searches.list_for(DRIVER)] == [("Мой", False)]
