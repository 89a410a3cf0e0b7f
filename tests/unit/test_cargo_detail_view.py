"""The cargo detail screen's view model: display strings and callable contacts.

Built from CargoDetail models shaped like docs/cargotech-api.md's "Cargo detail" answer; the integration
suite checks the same functions against the sandbox's details.
"""

from __future__ import annotations

import copy
import typing

import pytest

from services.cargotech.models import CargoDetail, Contact
from services.feed.detail_view import DetailView, contacts_view, detail_view, phone_display, tel

NBSP = "\u00a0"

# A detail as the real API answers it (`{"data": {...}}`'s inside), with a field we do not know.
DETAIL = {
    "id": 2648937594,
    "weight": 1050,
    "volume": 7.5,
    "distance": 271,
    "price": 1_360_000,
    "price_carrier": 1_280_000,
    "price_per_km": 5018,  # CargoTech's, from `price`: the card computes its own from the price it shows
    "points": {
        "start": {
            "type": 1,
            "position": 1,
            "first_date": "2026-12-01T12:00:00+03:00",
            "last_date": "2026-12-02T19:00:00+03:00",
            "city": {"id": 1021, "name": "Барнаул"},
            "address": "г. Барнаул, ул. Промышленная, д. 123",
        },
        "finish": {
            "type": 2,
            "position": 2,
            "first_date": "2026-12-02T09:00:00.000000Z",
            "last_date": None,
            "city": {"id": 1031, "name": "Новокузнецк"},
            "address": "г. Новокузнецк, склад № 9, ул. Складская, д. 50",
        },
    },
    "load_types": [{"id": 3, "name": "задняя", "short_name": "зад"}, {"id": 2, "name": "боковая", "short_name": "бок"}],
    "truck_types": [
        {"id": 1, "name": "тент", "short_name": "тент"},
        {"id": 3, "name": "изотермический", "short_name": "изотерм"},
    ],
    "company": {"id": 81052, "inn": 3650642057, "name": "ООО «Грузологистик»", "type": "legal", "security_status": "verified"},
    "contacts": [
        {"type": "dispatcher", "name": "Ольга Диспетчер", "phone": "+7 (903) 111-22-33"},
        {"type": "company", "name": "ООО «Грузологистик»", "phone": "8 (495) 765-43-21"},
        {"id": 17, "type": "broker", "name": "Кирилл Рябов", "phones": ["89229856538", "+79908823814"]},
    ],
    "extra": {
        "note": "догруз, ручная выгрузка, оплата на карту",
        "note_valid": True,
        "url": "https://cargotech.pro/cargos/2648937594",
        "external_inn": None,
        "custom_cargo_type": None,
        "partial_load": True,
        "krugoreis": False,
        "something_new": 1,
    },
    "shipper": {"id": 91197, "inn": "6605042769", "name": "ООО «Альфахолод»", "type": "legal", "security_status": "verified"},
    "cargo_type": {"id": 8, "name": "ТНП"},
    "created_by_new_api_version": {"x": 1},
}


def detail(**changes) -> CargoDetail:
    data = copy.deepcopy(DETAIL)
    data.update(changes)
    return CargoDetail.model_validate(data)


def contacts(*raw: dict) -> list[Contact]:
    return [Contact.model_validate(item) for item in raw]


# ---- tel() and phone_display() ------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "89161234567",
        "8 916 123-45-67",
        "8 (916) 123-45-67",
        "8-916-123-45-67",
        "+79161234567",
        "+7 916 123 45 67",
        "+7 (916) 123-45-67",
        "79161234567",
        "9161234567",
        "916 123 45 67",
        " +7 916 1234567 ",
    ],
)
def test_russian_mobile_spellings_become_one_tel_number(raw):
    assert tel(raw) == "+79161234567"


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("84957654321", "+74957654321"),
        ("8 (812) 555-01-02", "+78125550102"),
        ("+7 495 765-43-21", "+74957654321"),
        # Ten national digits without 8 or +7: a Moscow or Petersburg landline is as Russian as a mobile.
        ("(495) 765-43-21", "+74957654321"),
        ("812 555 01 02", "+78125550102"),
        ("800 100-00-00", "+78001000000"),
    ],
)
def test_russian_landlines_become_plus_seven(raw, number):
    assert tel(raw) == number


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("+375 29 123-45-67", "+375291234567"),  # Belarus
        ("+998 90 123 45 67", "+998901234567"),  # Uzbekistan
    ],
)
def test_foreign_numbers_keep_their_country_code(raw, number):
    assert tel(raw) == number


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "   ",
        "—",
        "не указан",
        "123",
        "8 916 123",
        "+7 916 123 45",  # too short
        "00000000000",
        "0 495 123 45 67",  # no country code starts with 0
        "+7 8 916 123-45-67",
        "7916123456",  # +7 numbers have exactly 11 digits; 10 digits starting 7 is no number
        "8 916 123 45 67, 8 495 765 43 21",  # two numbers run together: no single number to dial
        "1234567890123456",  # longer than E.164 allows
    ],
)
def test_junk_is_no_tel_number(junk):
    assert tel(junk) is None


def test_phone_display():
    assert phone_display("+79161234567") == "+7 916 123-45-67"
    assert phone_display("+74957654321") == "+7 495 765-43-21"
    assert phone_display("+375291234567") == "+375291234567"  # foreign numbers as they are


# ---- contacts_view() ----------------------------------------------------------------------------


def test_broker_and_company_come_first_with_every_phone():
    rows = contacts_view(detail().contacts)
    assert rows == [
        {"name": "Кирилл Рябов", "role": "Экспедитор", "phone": "+7 922 985-65-38", "email": "", "href": "tel:+79229856538"},
        {"name": "Кирилл Рябов", "role": "Экспедитор", "phone": "+7 990 882-38-14", "email": "", "href": "tel:+79908823814"},
        {"name": "ООО «Грузологистик»", "role": "Компания", "phone": "+7 495 765-43-21", "email": "", "href": "tel:+74957654321"},
        {"name": "Ольга Диспетчер", "role": "Диспетчер", "phone": "+7 903 111-22-33", "email": "", "href": "tel:+79031112233"},
    ]


def test_other_contacts_keep_their_order_after_broker_and_company():
    rows = contacts_view(
        contacts(
            {"type": "shipper", "name": "Склад", "phone": "89000000001"},
            {"type": None, "name": None, "phone": "89000000002"},
            {"type": "company", "name": "Компания", "phone": "89000000003"},
            {"type": "dispatcher", "name": "Дисп", "phone": "89000000004"},
            {"type": "broker", "name": "Брокер", "phone": "89000000005"},
            {"type": "unknown-new-type", "name": "Кто-то", "phone": "89000000006"},
        )
    )
    assert [row["href"][-1] for row in rows] == ["5", "3", "1", "2", "4", "6"]
    assert [row["role"] for row in rows] == ["Экспедитор", "Компания", "Грузоотправитель", "", "Диспетчер", ""]
    assert rows[3]["name"] == ""  # no name: an empty string, never "None"


def test_both_phone_shapes():
    single = contacts({"type": "broker", "name": "А", "phone": "89161234567"})
    many = contacts({"type": "broker", "name": "А", "phones": ["89161234567", "8 495 765-43-21"]})
    assert single[0].phones == ["89161234567"]
    assert [row["href"] for row in contacts_view(single)] == ["tel:+79161234567"]
    assert [row["href"] for row in contacts_view(many)] == ["tel:+79161234567", "tel:+74957654321"]
    # No phone at all, in either shape: nothing to call, but the contacts are still listed by name.
    empty = contacts(
        {"type": "broker", "name": "А", "phone": None},
        {"type": "company", "name": "Б", "phones": []},
        {"type": "company", "name": "В", "phone": ""},
        {"type": "company", "name": "Г"},
    )
    assert [c.phones for c in empty] == [[], [], [], []]
    assert [(row["name"], row["phone"], row["href"]) for row in contacts_view(empty)] == [
        ("А", "", ""),
        ("Б", "", ""),
        ("В", "", ""),
        ("Г", "", ""),
    ]


def test_a_contact_with_a_name_but_no_phone_is_listed_with_role_and_email():
    rows = contacts_view(
        contacts(
            {"type": "company", "name": "ООО Альфа", "phone": "84957654321"},
            {"type": "broker", "name": "Ольга Смирнова", "email": "olga@alfa-log.ru"},
            {"type": "dispatcher", "name": "Пётр", "phones": []},
        )
    )
    assert rows == [
        {
            "name": "Ольга Смирнова",
            "role": "Экспедитор",
            "phone": "",
            "email": "olga@alfa-log.ru",
            "href": "mailto:olga@alfa-log.ru",
        },
        {"name": "ООО Альфа", "role": "Компания", "phone": "+7 495 765-43-21", "email": "", "href": "tel:+74957654321"},
        {"name": "Пётр", "role": "Диспетчер", "phone": "", "email": "", "href": ""},
    ]


def test_an_email_next_to_a_phone_gets_its_own_row_and_junk_emails_none():
    rows = contacts_view(
        contacts(
            {"type": "broker", "name": "А", "phone": "89161234567", "email": " a@b.ru "},
            {"type": "company", "name": "Б", "email": "javascript:alert(1)"},
            {"type": "company", "email": "a@b.ru"},  # the same address again
            {"type": "company", "name": None, "phones": []},  # nothing to show at all
        )
    )
    assert [(row["name"], row["phone"], row["email"], row["href"]) for row in rows] == [
        ("А", "+7 916 123-45-67", "", "tel:+79161234567"),
        ("А", "", "a@b.ru", "mailto:a@b.ru"),
        ("Б", "", "", ""),
    ]


def test_junk_numbers_are_dropped_and_good_ones_kept():
    rows = contacts_view(
        contacts(
            {"type": "broker", "name": "А", "phones": ["нет", "123", "89161234567", "00000000000"]},
            {"type": "company", "name": "Б", "phone": "уточняйте"},
        )
    )
    assert rows == [
        {"name": "А", "role": "Экспедитор", "phone": "+7 916 123-45-67", "email": "", "href": "tel:+79161234567"},
        {"name": "Б", "role": "Компания", "phone": "", "email": "", "href": ""},  # listed, with nothing to dial
    ]


# ---- detail_view() ------------------------------------------------------------------------------


def test_detail_view_of_a_real_shaped_detail():
    view = detail_view(detail())
    assert view["id"] == "2648937594"
    assert view["route"] == "Барнаул → Новокузнецк"
    assert view["from_address"] == "г. Барнаул, ул. Промышленная, д. 123"
    assert view["to_address"] == "г. Новокузнецк, склад № 9, ул. Складская, д. 50"
    assert view["loading"] == f"1{NBSP}дек, 12:00 – 2{NBSP}дек, 19:00"
    assert view["unloading"] == f"2{NBSP}дек, 12:00"  # 09:00 UTC is noon in Moscow; only one bound known
    assert view["load_types"] == "задняя, боковая"
    assert view["body"] == "тент, изотермический"
    assert view["cargo_type"] == "ТНП"
    assert view["note"] == "догруз, ручная выгрузка, оплата на карту"
    assert view["shipper"] == "ООО «Альфахолод», ИНН 6605042769"
    assert view["company"] == "ООО «Грузологистик», ИНН 3650642057"  # an integer INN reads the same
    assert view["price"] == f"12{NBSP}800{NBSP}₽"  # price_carrier wins
    assert view["price_per_km"] == f"47{NBSP}₽/км"  # 12 800 ₽ / 271 km, not CargoTech's 50 (from 13 600 ₽)
    assert view["weight"] == f"1,05{NBSP}т" and view["volume"] == f"7,5{NBSP}м³"
    assert view["distance"] == f"271{NBSP}км"
    types = typing.get_type_hints(DetailView)  # the view model's keys and types, no other
    assert set(view) == set(types) and all(isinstance(view[k], t) for k, t in types.items())


def test_custom_cargo_type_wins_over_the_dictionary_name():
    extra = {**DETAIL["extra"], "custom_cargo_type": "Оборудование на паллетах"}
    assert detail_view(detail(extra=extra))["cargo_type"] == "Оборудование на паллетах"
    assert detail_view(detail(extra={**extra, "custom_cargo_type": ""}))["cargo_type"] == "ТНП"
    assert detail_view(detail(extra={**extra, "custom_cargo_type": None}, cargo_type=None))["cargo_type"] == ""


def test_missing_note_and_the_seed_extranote():
    assert detail_view(detail(extra={}))["note"] == ""
    assert detail_view(detail(extra={"note": None}))["note"] == ""
    seed = CargoDetail.model_validate(
        {
            "id": 5,
            "pickup_city": "Москва",
            "delivery_city": "Тверь",
            "pickup_address": "ул. Ленина, 1",
            "extranote": "<b>ДОПОГ</b> & медкнижка",
            "cargo_type": "Химия",
            "shipper_name": "ООО Груз",
        }
    )
    view = detail_view(seed)
    assert view["note"] == "<b>ДОПОГ</b> & медкнижка"  # kept verbatim: the UI renders it as text
    assert view["cargo_type"] == "Химия"
    assert view["shipper"] == "ООО Груз"
    assert (view["from_address"], view["to_address"]) == ("ул. Ленина, 1", "Тверь")


def test_shipper_and_company_text():
    assert detail_view(detail(shipper={"name": "ИП Иванов И.И.", "inn": 770123456789}))["shipper"] == (
        "ИП Иванов И.И., ИНН 770123456789"
    )
    assert detail_view(detail(shipper={"name": "ООО Без ИНН"}))["shipper"] == "ООО Без ИНН"
    assert detail_view(detail(shipper={"name": "", "inn": "7701234567"}))["shipper"] == ""
    assert detail_view(detail(shipper=None))["shipper"] == ""
    assert detail_view(detail(company=None))["company"] == ""


def test_addresses_fall_back_to_the_city():
    points = copy.deepcopy(DETAIL["points"])
    points["start"]["address"] = None
    points["finish"].pop("address")
    view = detail_view(detail(points=points))
    assert (view["from_address"], view["to_address"]) == ("Барнаул", "Новокузнецк")


def test_no_dates():
    points = copy.deepcopy(DETAIL["points"])
    for point in points.values():
        point["first_date"] = point["last_date"] = None
    view = detail_view(detail(points=points))
    assert view["loading"] == view["unloading"] == view["dates"] == ""


def test_a_loading_window_with_equal_ends_is_shown_once():
    points = copy.deepcopy(DETAIL["points"])
    points["start"]["first_date"] = "2026-12-03T07:30:00+03:00"
    points["start"]["last_date"] = "2026-12-03T04:30:00.000000Z"  # the same moment, in UTC
    points["finish"]["first_date"] = points["finish"]["last_date"] = "2026-12-04T10:00:00+03:00"
    view = detail_view(detail(points=points))
    assert view["loading"] == f"3{NBSP}дек, 07:30"
    assert view["unloading"] == f"4{NBSP}дек, 10:00"
    assert view["dates"] == f"3{NBSP}дек"


def test_card_and_detail_show_utc_dates_in_moscow_time():
    points = copy.deepcopy(DETAIL["points"])
    points["start"]["first_date"] = "2026-12-02T22:30:00Z"  # 3 Dec, 01:30 in Moscow
    points["start"]["last_date"] = "2026-12-03T15:00:00Z"
    view = detail_view(detail(points=points))
    assert view["dates"] == f"3{NBSP}дек"
    assert view["loading"] == f"3{NBSP}дек, 01:30 – 18:00"


@pytest.mark.parametrize(("length", "long"), [(0, False), (120, False), (300, False), (301, True), (3000, True)])
def test_long_notes_are_marked_for_collapsing(length, long):
    note = ("догруз, " * 400)[:length]
    view = detail_view(detail(extra={"note": note}))
    assert view["note"] == note.strip()
    assert view["note_long"] is long
