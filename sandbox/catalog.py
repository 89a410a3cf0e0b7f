"""Fixed dictionaries: truck (body) types, loading types, cargo types and truck classes.

Cargo types say which bodies and loadings suit them, so generated cargos are coherent
(frozen fish goes in a reefer loaded from the back, diesel in a tanker with ДОПОГ)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Kind:
    """One entry of the truck_types / load_types dictionaries."""

    id: int
    name: str
    short_name: str

    def as_json(self) -> dict:
        return {"id": self.id, "name": self.name, "short_name": self.short_name}


TENT, REEFER, ISOTHERM, FLATBED, CONTAINER, TANKER, BOX_VAN, TIPPER = range(1, 9)
TRUCK_TYPES = (
    Kind(TENT, "тент", "тент"),
    Kind(REEFER, "рефрижератор", "реф"),
    Kind(ISOTHERM, "изотермический", "изотерм"),
    Kind(FLATBED, "бортовой", "борт"),
    Kind(CONTAINER, "контейнеровоз", "контейнер"),
    Kind(TANKER, "цистерна", "цистерна"),
    Kind(BOX_VAN, "цельнометаллический фургон", "цмф"),
    Kind(TIPPER, "самосвал", "самосвал"),
)

TOP, SIDE, REAR, UNTENT, NO_POSTS, TAIL_LIFT, POUR = range(1, 8)
LOAD_TYPES = (
    Kind(TOP, "верхняя", "верх"),
    Kind(SIDE, "боковая", "бок"),
    Kind(REAR, "задняя", "зад"),
    Kind(UNTENT, "с полной растентовкой", "растент"),
    Kind(NO_POSTS, "со снятием стоек", "без стоек"),
    Kind(TAIL_LIFT, "гидроборт", "гидроборт"),
    Kind(POUR, "налив", "налив"),
)
TRUCK_TYPE_BY_ID = {kind.id: kind for kind in TRUCK_TYPES}
LOAD_TYPE_BY_ID = {kind.id: kind for kind in LOAD_TYPES}

# How each body can physically be loaded.
BODY_LOADINGS = {
    TENT: {TOP, SIDE, REAR, UNTENT},
    REEFER: {REAR, SIDE},
    ISOTHERM: {REAR, SIDE},
    FLATBED: {TOP, SIDE, REAR, NO_POSTS},
    CONTAINER: {TOP, REAR},
    TANKER: {POUR, TOP},
    BOX_VAN: {REAR, SIDE, TAIL_LIFT},
    TIPPER: {TOP},
}


@dataclass(frozen=True, slots=True)
class TruckClass:
    """A truck size: the production `filter[wv]` presets plus a full-size road train."""

    tonnes: float
    cubic_metres: int
    share: int  # relative frequency among cargos
    rate_rub_per_km: tuple[int, int]  # typical market rate for this size


TRUCK_CLASSES = (
    TruckClass(1.5, 9, 10, (30, 42)),
    TruckClass(3, 16, 10, (34, 48)),
    TruckClass(5, 36, 12, (40, 56)),
    TruckClass(7.5, 45, 10, (46, 64)),
    TruckClass(10, 54, 12, (52, 72)),
    TruckClass(15, 65, 10, (58, 82)),
    TruckClass(20, 83, 24, (64, 95)),
    TruckClass(20, 120, 12, (70, 105)),
)
LAST_CLASS = len(TRUCK_CLASSES) - 1


@dataclass(frozen=True, slots=True)
class CargoType:
    id: int
    name: str
    bodies: tuple[int, ...]  # the first is the usual one
    loadings: tuple[int, ...]  # the first suits the usual body
    classes: tuple[int, int]  # smallest and largest TRUCK_CLASSES index that carries it
    density: float | None = None  # t/m³ for bulk and liquids; None: fills the body by volume
    notes: tuple[str, ...] = ()  # driver notes typical for this cargo
    custom_names: tuple[str, ...] = ()  # what shippers type instead of picking a cargo type
    dangerous: bool = False

    def as_json(self) -> dict:
        return {"id": self.id, "name": self.name}


CARGO_TYPES = (
    CargoType(
        1,
        "продукты питания",
        (REEFER, ISOTHERM),
        (REAR, SIDE),
        (0, 7),
        notes=("реф +2..+6", "термописец", "медкнижка"),
        custom_names=("Продукты на паллетах",),
    ),
    CargoType(
        2,
        "замороженная продукция",
        (REEFER,),
        (REAR,),
        (1, 7),
        notes=("реф −18", "термописец", "санобработка"),
        custom_names=("Мясо замороженное", "Рыба мороженая"),
    ),
    CargoType(3, "молочная продукция", (REEFER, ISOTHERM), (REAR, SIDE), (0, 6), notes=("реф +2..+6", "медкнижка")),
    CargoType(
        4,
        "напитки",
        (TENT, BOX_VAN, ISOTHERM),
        (REAR, SIDE, UNTENT),
        (2, 6),
        notes=("без перегруза",),
        custom_names=("Вода питьевая на паллетах",),
    ),
    CargoType(
        5,
        "стройматериалы",
        (TENT, FLATBED),
        (TOP, SIDE, REAR, UNTENT),
        (2, 7),
        notes=("растентовка", "ремни 10 шт"),
        custom_names=("Сухие смеси", "Кирпич на поддонах"),
    ),
    CargoType(
        6,
        "металлопрокат",
        (FLATBED, TENT),
        (TOP, SIDE, UNTENT, NO_POSTS),
        (3, 6),
        density=2.5,
        notes=("коники", "ремни 10 шт", "растентовка"),
        custom_names=("Арматура", "Трубы", "Лист г/к"),
    ),
    CargoType(
        7,
        "оборудование",
        (TENT, FLATBED, BOX_VAN),
        (TOP, SIDE, REAR, UNTENT),
        (1, 7),
        notes=("растентовка", "верхняя погрузка краном"),
        custom_names=("Станки в ящиках",),
    ),
    CargoType(8, "ТНП", (TENT, BOX_VAN, ISOTHERM), (REAR, SIDE), (0, 7), notes=("догруз", "ручная выгрузка")),
    CargoType(9, "мебель", (TENT, BOX_VAN), (REAR, SIDE), (1, 7), notes=("ручная погрузка", "аккуратно, стекло")),
    CargoType(10, "бытовая техника", (BOX_VAN, TENT, ISOTHERM), (REAR, TAIL_LIFT, SIDE), (0, 7), notes=("гидроборт",)),
    CargoType(11, "автозапчасти", (TENT, BOX_VAN), (REAR, SIDE), (0, 6)),
    CargoType(12, "бумага", (TENT,), (REAR, SIDE, UNTENT), (3, 6), density=0.8, notes=("рулоны, ремни",)),
    CargoType(
        13, "зерно", (TIPPER, TENT), (TOP, REAR), (4, 6), density=0.75, notes=("навалом",), custom_names=("Пшеница 3 класс",)
    ),
    CargoType(14, "щебень", (TIPPER,), (TOP,), (4, 6), density=1.5),
    CargoType(
        15, "дизельное топливо", (TANKER,), (POUR, TOP), (4, 6), density=0.84, notes=("ДОПОГ", "ДОПОГ, класс 3"), dangerous=True
    ),
    CargoType(16, "растительное масло", (TANKER,), (POUR,), (4, 6), density=0.92, notes=("пищевая цистерна",)),
    CargoType(17, "лакокрасочные материалы", (TENT, BOX_VAN), (REAR, SIDE), (1, 6), notes=("ДОПОГ",), dangerous=True),
    CargoType(18, "тара и упаковка", (TENT, BOX_VAN), (REAR, SIDE, UNTENT), (0, 7)),
    CargoType(
        19,
        "контейнер",
        (CONTAINER,),
        (TOP, REAR),
        (5, 6),
        notes=("контейнер 40 футов", "контейнер 20 футов"),
        custom_names=("Контейнер 40HC",),
    ),
    CargoType(20, "удобрения", (TENT, TIPPER), (TOP, REAR, UNTENT), (4, 6), density=1.0, notes=("биг-бэги",)),
    CargoType(
        21, "пиломатериалы", (TENT, FLATBED), (TOP, SIDE, UNTENT, NO_POSTS), (3, 7), density=0.55, notes=("растентовка", "коники")
    ),
    CargoType(22, "сборный груз", (TENT, BOX_VAN, ISOTHERM), (REAR, SIDE), (0, 4), notes=("догруз", "сборный груз")),
)

# Notes that fit any cargo: how and when the carrier is paid, crew, documents.
COMMON_NOTES = (
    "оплата б/н с НДС",
    "оплата б/н без НДС",
    "оплата наличными на выгрузке",
    "оплата на карту",
    "2 водителя",
    "без перегруза",
    "документы: ТТН, ТН",
    "точно ко времени",
)
