"""The feed card's view model: the price a carrier gets, ₽/км of that price, weight in т or кг."""

from __future__ import annotations

from services.cargotech.models import CargoItem
from services.feed.cards import card_view
from services.feed.sort import sort_cards

NBSP = "\u00a0"
POINTS = {"start": {"city": {"name": "Москва"}}, "finish": {"city": {"name": "Новосибирск"}}}


def card(**fields) -> dict[str, str]:
    return card_view(CargoItem.model_validate({"id": 1, "points": POINTS, **fields}))


def test_price_per_km_is_of_the_price_the_card_shows():
    # CargoTech's price_per_km (5201) is computed from `price` (80 000 ₽); the card shows the
    # carrier's 74 800 ₽, so it must say 74 800 / 1 538 = 48,6 → 49 ₽/км, not 52.
    view = card(price=8_000_000, price_carrier=7_480_000, price_per_km=5_201, distance=1_538)
    assert view["price"] == f"74{NBSP}800{NBSP}₽"
    assert view["price_per_km"] == f"49{NBSP}₽/км"
    assert view["sort_price_per_km"] == "4863"  # the ₽/км sort uses the same figure


def test_price_per_km_without_price_carrier_is_of_price():
    view = card(price=8_000_000, price_per_km=9_999, distance=1_538)
    assert view["price_per_km"] == f"52{NBSP}₽/км"
    assert view["sort_price_per_km"] == "5202"


def test_without_a_distance_only_a_figure_of_the_shown_price_is_used():
    # CargoTech's figure is of `price`: right when `price` is what the card shows...
    assert card(price=8_000_000, price_per_km=5_201)["price_per_km"] == f"52{NBSP}₽/км"
    # ...and wrong next to the carrier's price, so then nothing is shown rather than a wrong number.
    view = card(price=8_000_000, price_carrier=7_480_000, price_per_km=5_201)
    assert view["price_per_km"] == view["sort_price_per_km"] == ""


def test_the_price_per_km_sort_orders_by_the_figures_shown():
    cards = [
        card(id=1, price=8_000_000, price_carrier=7_480_000, price_per_km=5_201, distance=1_538),  # 48,6 ₽/км
        card(id=2, price=5_000_000, price_per_km=5_000, distance=1_000),  # 50 ₽/км
        card(id=3, price=9_000_000, price_carrier=4_000_000, price_per_km=9_000, distance=1_000),  # 40 ₽/км
    ]
    shown = [c["price_per_km"] for c in sort_cards(cards, "price_per_km")]
    assert shown == [f"50{NBSP}₽/км", f"49{NBSP}₽/км", f"40{NBSP}₽/км"]


def test_price_zero_asks_for_a_bid():
    view = card(price=0, price_per_km=0, distance=700)
    assert view["price"] == "запрос ставки"
    assert view["price_per_km"] == ""
    assert view["sort_price"] == view["sort_price_per_km"] == ""  # sorts after priced cargos
    assert card(price_carrier=0, price=0)["price"] == "запрос ставки"
    assert card()["price"] == "цена не указана"


def test_weight_under_a_tonne_is_in_kilograms():
    assert card(weight=500)["weight"] == f"500{NBSP}кг"
    assert card(weight=0.5)["weight"] == f"0,5{NBSP}кг"
    assert card(weight=1_500)["weight"] == f"1,5{NBSP}т"
    assert card(weight=20_000)["weight"] == f"20{NBSP}т"


def test_no_rate_for_an_unusable_price():
    assert card(price=-100, price_per_km=5_000, distance=100)["price_per_km"] == ""
    assert card(price=-100, price_per_km=5_000)["price_per_km"] == ""
    assert card(price_per_km=5_000, distance=100)["price_per_km"] == ""  # no price at all
