"""CargoTech models accept the real shape and the older OAuth-like one, and tolerate unknown fields."""

import pytest
from pydantic import ValidationError

from services.cargotech.login import parse_login_answer
from services.cargotech.models import CargoDetail, CargoItem, CargoPage
from services.feed.cards import card_view

REAL_ITEM = {
    "id": 3054812345,
    "weight": 20000,
    "volume": 82,
    "distance": 820,
    "price": 9_000_000,
    "price_carrier": 8_500_000,
    "price_per_km": 10_366,
    "points": {
        "start": {
            "type": 1,
            "position": 0,
            "first_date": "2026-11-28T09:00:00Z",
            "last_date": "2026-11-29T18:00:00Z",
            "city": {"id": 1, "name": "Москва"},
        },
        "finish": {"type": 2, "position": 1, "first_date": None, "last_date": None, "city": {"id": 2, "name": "Казань"}},
    },
    "load_types": [{"id": 1, "name": "задняя", "short_name": "зад"}, {"id": 3, "name": "боковая", "short_name": "бок"}],
    "truck_types": [{"id": 2, "name": "тент", "short_name": "тент"}],
    "company": {"id": 9, "inn": 7701234567, "name": "ООО Ромашка", "type": "company", "security_status": "ok"},
    "contacts": [{"type": "broker", "name": "Анна", "phone": "89161234567"}],
    "brand_new_field": {"whatever": True},
}


def test_real_item_and_card():
    item = CargoItem.model_validate(REAL_ITEM)
    assert item.id == "3054812345" and item.shown_price == 8_500_000
    assert item.contacts[0].phones == ["89161234567"]
    assert item.company.inn == "7701234567"
    card = card_view(item)
    assert card["route"] == "Москва → Казань"
    assert card["price"] == "85\u00a0000\u00a0₽"  # price_carrier wins over price
    assert card["weight"] == "20\u00a0т" and card["volume"] == "82\u00a0м³"
    assert card["body"] == "тент" and card["loading"] == "задняя, боковая"
    assert card["dates"] == "28–29\u00a0ноя"


def test_seed_shape_item_and_page():
    page = CargoPage.model_validate(
        {
            "data": [
                {
                    "id": "12345",
                    "title": "Доставка",
                    "weight": 5000,
                    "volume": 25,
                    "pickup_city": "Москва",
                    "delivery_city": "СПб",
                    "price": 50000,
                    "extranote": "ДОПОГ",
                    "shipper_contact": "+7 999 888 77 66",
                }
            ],
            "total": 150,
            "limit": 20,
            "offset": 0,
        }
    )
    assert page.total == 150 and page.next_offset() == 1
    assert card_view(page.data[0])["route"] == "Москва → СПб"
    detail = CargoDetail.model_validate(
        {
            "id": 1,
            "pickup_city": "А",
            "delivery_city": "Б",
            "extranote": "ДОПОГ",
            "shipper_name": "ООО Груз",
            "cargo_type": "cargo",
        }
    )
    assert detail.extra.note == "ДОПОГ" and detail.shipper.name == "ООО Груз" and detail.cargo_type_name == "cargo"


@pytest.mark.parametrize("bad", ["12a", "../1", "", "1 2"])
def test_ids_must_be_digits(bad):
    with pytest.raises(ValidationError):
        CargoItem.model_validate({**REAL_ITEM, "id": bad})


@pytest.mark.parametrize(
    ("meta", "count", "expected"),
    [
        ({"limit": 20, "offset": 0, "size": 45}, 20, 20),
        ({"limit": 20, "offset": 40, "size": 45}, 5, None),
        ({"limit": 20, "offset": 0, "size": 0}, 20, 20),
        ({"limit": 20, "offset": 0}, 7, None),
    ],
)
def test_next_offset_rules(meta, count, expected):
    page = CargoPage.model_validate({"data": [{**REAL_ITEM, "id": i + 1} for i in range(count)], "meta": meta})
    assert page.next_offset() == expected


def test_login_answer_both_shapes_and_no_secret_in_repr():
    real = parse_login_answer({"data": {"token": "123|" + "s" * 40}})
    assert real.token_id == "123" and real.expires_in is None and "sss" not in repr(real)
    seed = parse_login_answer({"access_token": "eyJ.abc", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "r"})
    assert seed.expires_in == 3600 and seed.refresh_token == "r" and seed.token_id is None
