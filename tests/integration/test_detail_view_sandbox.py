"""The detail screen's view model built from real sandbox details, fetched through the runtime.

The sandbox mixes the API's two contact shapes ({phone} and {phones: [...]}) and both number spellings
(8XXXXXXXXXX and +7XXXXXXXXXX), as docs/cargotech-api.md says the real API does.
"""

from __future__ import annotations

import asyncio
import re
import typing

import pytest

from services.feed.detail_view import CONTACT_ORDER, DetailView, contacts_view, detail_view
from services.feed.filters import base_query

pytestmark = pytest.mark.both_spellings  # plain and drifted sandbox answers
TEL = re.compile(r"^tel:\+7\d{10}$")
SHOWN = re.compile(r"^\+7 \d{3} \d{3}-\d{2}-\d{2}$")
PAGES = 1  # 20 cargos (the seeded first page) meet every shape and spelling; more would wait on the rate budget


async def real_details(runtime, sandbox) -> list:
    sandbox.set_clock(0, frozen=True)
    details = []
    for page in range(PAGES):
        listed = (await runtime.cargos.list_page(base_query(offset=page * 20))).value
        assert listed.data, "the sandbox should list cargos"
        served = await asyncio.gather(*(runtime.cargos.detail(item.id) for item in listed.data))
        details += [one.value for one in served]
    return details


async def test_contacts_of_real_details_are_callable(runtime, sandbox):
    details = await real_details(runtime, sandbox)
    raw_phones = [phone for cargo in details for contact in cargo.contacts for phone in contact.phones]
    # The sample really holds both spellings, and contacts with several numbers.
    assert any(p.startswith("8") for p in raw_phones) and any(p.startswith("+7") for p in raw_phones)
    assert any(len(contact.phones) > 1 for cargo in details for contact in cargo.contacts)
    # ...and cargos whose company contact comes after a dispatcher, so the ordering really moves it.
    assert any([c.type for c in cargo.contacts] == ["dispatcher", "company"] for cargo in details)

    for cargo in details:
        rows = contacts_view(cargo.contacts)
        assert rows, f"cargo {cargo.id} has no contact to call"
        # Every sandbox number is a valid Russian one: none may be lost (a number listed under two
        # contacts is shown once), each becomes a +7 tel: link.
        distinct = {re.sub(r"\D", "", p)[-10:] for contact in cargo.contacts for p in contact.phones}
        assert len(rows) == len(distinct)
        for row in rows:
            assert TEL.match(row["href"]), row
            assert SHOWN.match(row["phone"]), row
            assert row["href"] == "tel:" + row["phone"].replace(" ", "").replace("-", "")
            assert row["name"] and row["role"]
        # Broker and company first, as docs/cargotech-api.md asks.
        ranks = [CONTACT_ORDER.get(contact.type or "", 9) for contact in cargo.contacts]
        roles = {"Экспедитор": 0, "Компания": 1}
        shown = [roles.get(row["role"], 9) for row in rows]
        assert shown == sorted(shown) and shown[0] == min(ranks)
        if any(contact.type == "company" for contact in cargo.contacts) and cargo.contacts[0].type != "broker":
            assert rows[0]["role"] == "Компания"


async def test_detail_view_of_real_details(runtime, sandbox):
    details = await real_details(runtime, sandbox)
    assert any(cargo.points.start.first_date.endswith("Z") for cargo in details)  # both date forms met
    assert any(cargo.extra.custom_cargo_type for cargo in details)  # both cargo type sources met
    for cargo in details:
        view = detail_view(cargo)
        assert view["id"] == cargo.id
        for side, city in (("from", view["from_city"]), ("to", view["to_city"])):
            address = view[f"{side}_address"]
            assert address.startswith(f"г. {city}, ") and len(address) > len(city) + 6, address
        assert view["route"] == f"{view['from_city']} → {view['to_city']}"
        assert view["loading"] and view["unloading"] and view["dates"]
        assert view["cargo_type"] and view["load_types"] and view["body"]
        assert view["price"].endswith("₽")
        assert re.fullmatch(r".+, ИНН \d{10}(\d{2})?", view["shipper"]), view["shipper"]
        assert re.fullmatch(r".+, ИНН \d{10}(\d{2})?", view["company"]), view["company"]
        assert view["note"] == (cargo.extra.note or "")
        assert view["cargo_type"] == (cargo.extra.custom_cargo_type or cargo.cargo_type.name)
        types = typing.get_type_hints(DetailView)  # exactly the view model's keys, each of its type
        assert set(view) == set(types) and all(isinstance(view[k], t) for k, t in types.items())


async def test_real_details_show_moscow_time_and_the_rate_of_the_shown_price(runtime, sandbox):
    import datetime as dt
    from zoneinfo import ZoneInfo

    details = await real_details(runtime, sandbox)
    carrier_priced = [cargo for cargo in details if cargo.price_carrier is not None]
    assert carrier_priced and any(cargo.points.start.first_date.endswith("Z") for cargo in details)
    for cargo in details:
        view = detail_view(cargo)
        # The sandbox sets its windows in Moscow time and sends some in UTC («Z»): either way the
        # driver reads the Moscow time it meant.
        start = dt.datetime.fromisoformat(cargo.points.start.first_date).astimezone(ZoneInfo("Europe/Moscow"))
        assert view["loading"].startswith(f"{start.day}\u00a0"), view["loading"]
        assert f", {start:%H:%M}" in view["loading"], (cargo.points.start.first_date, view["loading"])
        # ₽/км of the price shown, not CargoTech's figure of `price`.
        per_km = round(cargo.shown_price / cargo.distance) / 100
        shown = float(view["price_per_km"].split("\u00a0")[0].replace(",", "."))
        assert abs(shown - per_km) <= 0.5, (cargo.id, view["price"], view["distance"], view["price_per_km"])
