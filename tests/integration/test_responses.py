"""Drivers' responses through the runtime's ResponseService, on SQLite and on a real PostgreSQL.

One response per driver and cargo (a repeat or a concurrent double tap returns the existing one), phones
stored as +7XXXXXXXXXX, bad input refused with a Russian message, and each driver sees only their own.
"""

from __future__ import annotations

import asyncio
import re

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from services.dispatch.responses import DriverResponse, ResponseError, normalise_phone
from services.infra.tables import engine_for
from services.vocabulary import ResponseStatus

DRIVER_A = 700000101
DRIVER_B = 700000202
# Telegram ids no longer fit in 32 bits: many accounts have ids above 2^31.
BIG_DRIVER = 7_123_456_789
CARGO = "2648937594"
CYRILLIC = re.compile(r"[а-яА-ЯёЁ]")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, make_runtime):
    """(runtime, database url) on a fresh database of each kind."""
    if request.param == "sqlite":
        runtime = make_runtime()
    else:
        url = request.getfixturevalue("postgres_url")
        with engine_for(url).begin() as connection:  # the cluster is shared by the session: start clean
            connection.execute(text("DELETE FROM driver_response"))
            connection.execute(text("DELETE FROM outbox_message"))
        runtime = make_runtime(database_url=url)
    return runtime, runtime.settings.database_url


def rows(url: str, **where) -> list[DriverResponse]:
    with Session(engine_for(url)) as session:
        statement = select(DriverResponse)
        for name, value in where.items():
            statement = statement.where(getattr(DriverResponse, name) == value)
        return list(session.exec(statement.order_by(DriverResponse.id)).all())


async def respond(runtime, driver_id=DRIVER_A, cargo_id=CARGO, phone="+7 916 123-45-67", **extra):
    values = {"driver_name": "Иван Петров", "username": "ivan", "route": "Москва → Казань", "price": "85 000 ₽"}
    values.update(extra)
    return await runtime.responses.respond(driver_id=driver_id, cargo_id=cargo_id, phone=phone, **values)


async def test_created_once_per_driver_and_cargo(backend):
    runtime, url = backend
    first, created = await respond(runtime)
    assert created is True
    assert (first.cargo_id, first.status) == (CARGO, ResponseStatus.QUEUED)
    assert (first.route, first.price) == ("Москва → Казань", "85 000 ₽")

    # A second tap, even with other details, returns the stored response untouched.
    again, created_again = await respond(runtime, phone="89990000000", route="Другой маршрут", price="1 ₽")
    assert created_again is False
    assert again == first
    stored = rows(url)
    assert len(stored) == 1
    assert (stored[0].driver_id, stored[0].phone, stored[0].route) == (DRIVER_A, "+79161234567", "Москва → Казань")
    # The response and exactly one announcement were committed together.
    announced = await runtime.outbox.messages(stored[0].id)
    assert [(m.kind, m.chat_id, m.status) for m in announced] == [("dispatcher", runtime.settings.dispatcher_chat_id, "pending")]
    assert "+79161234567" in announced[0].payload and "Принять" in announced[0].payload

    # The same cargo for another driver, and another cargo for the same driver, are new responses.
    assert (await respond(runtime, driver_id=DRIVER_B))[1] is True
    assert (await respond(runtime, cargo_id="2648937589"))[1] is True
    assert len(rows(url)) == 3


async def test_concurrent_taps_make_one_row_and_one_message(backend):
    runtime, url = backend
    results = await asyncio.gather(*(respond(runtime) for _ in range(20)))
    assert sorted(created for _, created in results) == [False] * 19 + [True]
    assert len({view for view, _ in results}) == 1
    stored = rows(url, driver_id=DRIVER_A, cargo_id=CARGO)
    assert len(stored) == 1
    assert len(await runtime.outbox.messages(stored[0].id)) == 1
    assert (await runtime.outbox.counts())["pending"] == 1


async def test_large_telegram_ids_are_stored(backend):
    runtime, url = backend
    view, created = await respond(runtime, driver_id=BIG_DRIVER)
    assert created
    assert [row.driver_id for row in rows(url)] == [BIG_DRIVER]
    assert list(await runtime.responses.status_of(BIG_DRIVER, [CARGO])) == [CARGO]
    assert await runtime.responses.list_for(BIG_DRIVER) == [view]


@pytest.mark.parametrize(
    "spelling",
    [
        "8 916 123-45-67",
        "+7 (916) 123-45-67",
        "916 123 45 67",
        "89161234567",
        "79161234567",
        "+7-916-123-45-67",
        " 8(916)1234567 ",
    ],
)
async def test_phone_spellings_are_stored_normalised(make_runtime, spelling):
    runtime = make_runtime()
    await respond(runtime, phone=spelling)
    assert [row.phone for row in rows(runtime.settings.database_url)] == ["+79161234567"]


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "123",
        "8 916 123-45",
        "+1 212 555 0100",
        "+7 916 123 45 678",
        "8 916 123 45 67 89",
        "телефон",
        "+44 20 7946 0958",
        "+7９１６１２３４５６７",  # full-width digits are not a phone number a dispatcher can dial
    ],
)
async def test_bad_phone_is_refused_in_russian(backend, bad):
    runtime, url = backend
    with pytest.raises(ResponseError) as caught:
        await respond(runtime, phone=bad)
    assert caught.value.field == "phone"
    assert CYRILLIC.search(str(caught.value)) and "+7" in str(caught.value)
    assert rows(url) == []


@pytest.mark.parametrize("bad", ["", "abc", "12a", "../1", "1 2", "-1", "1.5", "123\n", "１２３", "٣٤٥"])
async def test_bad_cargo_id_is_refused(backend, bad):
    runtime, url = backend
    with pytest.raises(ResponseError) as caught:
        await respond(runtime, cargo_id=bad)
    assert caught.value.field == "cargo_id"
    assert str(caught.value) == "Неверный номер груза"
    assert rows(url) == []


async def test_trailing_newline_does_not_open_a_second_response(make_runtime):
    runtime = make_runtime()
    await respond(runtime)
    with pytest.raises(ResponseError):
        await respond(runtime, cargo_id=CARGO + "\n")
    assert len(rows(runtime.settings.database_url)) == 1


async def test_each_driver_sees_only_their_own(backend):
    runtime, url = backend
    for cargo in ("101", "102", "103"):
        await respond(runtime, driver_id=DRIVER_A, cargo_id=cargo, route=f"A {cargo}")
    for cargo in ("102", "104"):
        await respond(runtime, driver_id=DRIVER_B, cargo_id=cargo, route=f"B {cargo}")

    statuses = await runtime.responses.status_of(DRIVER_A, ["101", "102", "104", "105"])
    assert sorted(statuses) == ["101", "102"]
    assert statuses["102"].route == "A 102"  # A's response, not B's to the same cargo
    assert await runtime.responses.status_of(DRIVER_B, ["101", "103"]) == {}
    assert await runtime.responses.status_of(DRIVER_A, []) == {}

    mine = await runtime.responses.list_for(DRIVER_A)
    assert [(v.cargo_id, v.route) for v in mine] == [("103", "A 103"), ("102", "A 102"), ("101", "A 101")]
    assert [v.cargo_id for v in await runtime.responses.list_for(DRIVER_B)] == ["104", "102"]
    assert [v.cargo_id for v in await runtime.responses.list_for(DRIVER_A, limit=2)] == ["103", "102"]
    assert await runtime.responses.list_for(999) == []


async def test_statuses_are_read_as_stored_and_unknown_ones_pass_through(backend):
    runtime, url = backend
    await respond(runtime, cargo_id="201")
    await respond(runtime, cargo_id="202")
    with engine_for(url).begin() as connection:
        connection.execute(text("UPDATE driver_response SET status = 'accepted' WHERE cargo_id = '201'"))
        connection.execute(text("UPDATE driver_response SET status = 'on_hold' WHERE cargo_id = '202'"))
    statuses = await runtime.responses.status_of(DRIVER_A, ["201", "202"])
    assert statuses["201"].status == ResponseStatus.ACCEPTED
    assert statuses["202"].status == "on_hold"  # a newer release's status: the UI shows it as is


async def test_long_texts_are_cut_to_the_column_sizes(backend):
    runtime, url = backend
    view, _ = await respond(runtime, route="М" * 500, price="9" * 80, driver_name="И" * 300)
    assert view.route == "М" * 200 and view.price == "9" * 50
    (row,) = rows(url)
    assert (len(row.route), len(row.price), len(row.driver_name)) == (200, 50, 200)


def test_normalise_phone_directly():
    assert normalise_phone("8 (495) 123-45-67") == "+74951234567"
    assert normalise_phone("+7 999 000-00-00") == "+79990000000"
    with pytest.raises(ResponseError):
        normalise_phone("+8 1234")


async def test_completing_a_response_never_accepted_changes_nothing(backend):
    runtime, url = backend
    seen: list[str] = []

    async def listener(driver_id: int, cargo_id: str, status: str) -> None:
        seen.append(status)

    runtime.responses.listeners.append(listener)
    await respond(runtime)
    [row] = rows(url)
    assert row.id is not None
    early = await runtime.responses.decide(row.id, "complete", by_name="Анна")  # still queued
    assert (early.changed, early.message) == (False, "Уже отправляется")
    await runtime.responses.mark_announced(row.id, 555)
    decision = await runtime.responses.decide(row.id, "complete", by_name="Анна")  # sent, not accepted

    assert (decision.changed, decision.message) == (False, "Уже отправлен")
    [after] = rows(url)
    assert (after.status, after.decided_by, after.decided_at) == (ResponseStatus.SENT, "", None)
    assert [m.kind for m in await runtime.outbox.messages(row.id)] == ["dispatcher"]  # nothing told the driver
    assert seen == [ResponseStatus.SENT]

    assert (await runtime.responses.decide(row.id, "accept", by_name="Анна")).changed
    done = await runtime.responses.decide(row.id, "complete", by_name="Анна")
    assert (done.changed, done.message) == (True, "Выполнен")
    assert seen == [ResponseStatus.SENT, ResponseStatus.ACCEPTED, ResponseStatus.COMPLETED]
    assert [m.kind for m in await runtime.outbox.messages(row.id)] == ["dispatcher", "driver", "driver"]
