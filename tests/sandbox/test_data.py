"""The generated cargos look like CargoTech's: real cities and distances, kopecks, ISO dates,
valid INNs, Russian phone formats, trucks that fit the load."""

import datetime as dt
import re

from sandbox.catalog import BODY_LOADINGS, CARGO_TYPES, REEFER
from sandbox.cities import CITY_BY_ID, ROAD_FACTOR, great_circle_km
from sandbox.companies import inn_check_digit
from sandbox.testing import TEST_EPOCH

INN10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
INN12 = ((7, 2, 4, 10, 3, 5, 9, 4, 6, 8), (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8))


def _valid_inn(inn):
    if len(inn) == 10:
        return inn[9] == inn_check_digit(inn[:9], INN10)
    return len(inn) == 12 and inn[10] == inn_check_digit(inn[:10], INN12[0]) and inn[11] == inn_check_digit(inn[:11], INN12[1])


def test_ids_are_ten_digit_int64(everything):
    assert len(everything) >= 2000
    assert all(isinstance(i["id"], int) and 2**31 < i["id"] < 10**10 for i in everything)


def test_routes_are_real_cities_with_road_distances(everything):
    starts = {i["points"]["start"]["city"]["id"] for i in everything}
    assert len(starts) >= 50
    for item in everything:
        start, finish = (CITY_BY_ID[item["points"][p]["city"]["id"]] for p in ("start", "finish"))
        assert item["points"]["start"]["city"]["name"] == start.name and start != finish
        assert item["distance"] == round(great_circle_km(start, finish) * ROAD_FACTOR)


def test_prices_are_kopecks_and_consistent(everything):
    carrier_shapes = {"absent": 0, "null": 0, "set": 0}
    for item in everything:
        carrier = item.get("price_carrier")
        carrier_shapes["absent" if "price_carrier" not in item else "null" if carrier is None else "set"] += 1
        # CargoTech computes price_per_km from `price`, even when the carrier gets less.
        assert item["price_per_km"] == round(item["price"] / item["distance"])
        assert 2_000 <= item["price_per_km"] <= 15_000  # 20–150 ₽/км in kopecks
        assert item["price"] % 100 == 0 and (carrier is None or carrier <= item["price"])
    assert all(count > 50 for count in carrier_shapes.values())
    rates = sorted(i["price_per_km"] for i in everything)
    assert 4_000 <= rates[len(rates) // 2] <= 9_000  # the median is a realistic 40–90 ₽/км


def test_dates_are_iso_in_the_near_future_some_in_utc(everything):
    today = dt.datetime.fromtimestamp(TEST_EPOCH, dt.UTC)  # the sandbox is pinned there
    zulu = 0
    for item in everything:
        start, finish = item["points"]["start"], item["points"]["finish"]
        moments = [dt.datetime.fromisoformat(start[k]) for k in ("first_date", "last_date")]
        moments += [dt.datetime.fromisoformat(finish[k]) for k in ("first_date", "last_date")]
        assert moments[0] < moments[1] and moments[2] < moments[3] and moments[0] < moments[2]
        assert today - dt.timedelta(days=1) < moments[0] < today + dt.timedelta(days=11)
        zulu += start["first_date"].endswith("Z")
    assert 0.1 < zulu / len(everything) < 0.5


def test_weights_and_volumes_are_kg_and_m3_within_a_truck(everything):
    assert all(50 <= i["weight"] <= 20_000 and 1 <= i["volume"] <= 120 for i in everything)
    assert min(i["weight"] for i in everything) < 1500 and max(i["volume"] for i in everything) > 83


def test_bodies_and_loadings_suit_the_cargo_type(api, everything):
    cargo_types = {t.id: t for t in CARGO_TYPES}
    for item in everything[:80]:
        detail = api.get(f"/v1/carrier/cargos/{item['id']}").json()["data"]
        cargo_type = cargo_types[detail["cargo_type"]["id"]]
        bodies = {k["id"] for k in item["truck_types"]}
        assert bodies <= set(cargo_type.bodies)
        assert all(any(k["id"] in BODY_LOADINGS[body] for body in bodies) for k in item["load_types"])
        if cargo_type.name == "замороженная продукция":
            assert bodies == {REEFER}


def test_companies_have_valid_inns_and_russian_names(everything):
    companies = {i["company"]["id"]: i["company"] for i in everything}
    assert len(companies) >= 50
    for company in companies.values():
        assert _valid_inn(company["inn"]), company
        assert re.match(r"^(ООО|АО) «.+»$|^ИП [А-ЯЁ][а-яё]+ [А-ЯЁ]\.[А-ЯЁ]\.$", company["name"]), company["name"]
        assert (company["type"] == "individual") == company["name"].startswith("ИП ")
        assert company["security_status"] in ("verified", "checking", "not_verified")


def test_contacts_mix_phone_shapes_and_formats(everything):
    phones, shapes, types = [], set(), set()
    for item in everything:
        assert item["contacts"] and item["contacts"][0]["type"] in ("broker", "dispatcher")
        for contact in item["contacts"]:
            types.add(contact["type"])
            shapes.add("phones" if "phones" in contact else "phone")
            phones += contact.get("phones", []) + ([contact["phone"]] if "phone" in contact else [])
    assert all(re.fullmatch(r"(\+7|8)\d{10}", phone) for phone in phones)
    assert any(p.startswith("+7") for p in phones) and any(p.startswith("8") for p in phones)
    assert shapes == {"phones", "phone"} and types == {"broker", "dispatcher", "company"}
