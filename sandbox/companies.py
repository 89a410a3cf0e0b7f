"""Companies that post cargos, and their people: Russian names, INNs with valid check digits,
phone numbers. Built once per seed."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sandbox.cities import CITIES, City

COMPANY_COUNT = 160
PARTNER_COUNT = 12  # the account's partners: `filter[mode]=my`

_SURNAMES = (
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Виноградов",
    "Ковалёв",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
    "Жуков",
    "Баранов",
    "Филиппов",
    "Комаров",
    "Давыдов",
    "Беляев",
    "Герасимов",
    "Богданов",
    "Осипов",
    "Сидоров",
    "Матвеев",
    "Титов",
    "Марков",
    "Миронов",
    "Крылов",
    "Куликов",
    "Карпов",
    "Власов",
    "Мельников",
    "Денисов",
    "Гаврилов",
    "Тихонов",
    "Казаков",
    "Афанасьев",
    "Данилов",
    "Савельев",
    "Тимофеев",
    "Фомин",
    "Чернов",
    "Абрамов",
    "Мартынов",
    "Ефимов",
    "Федотов",
    "Щербаков",
    "Назаров",
    "Калинин",
    "Исаев",
    "Чернышёв",
    "Быков",
    "Маслов",
    "Родионов",
    "Коновалов",
    "Лазарев",
    "Воронин",
    "Климов",
    "Филатов",
    "Пономарёв",
    "Голубев",
    "Кудрявцев",
    "Прохоров",
    "Наумов",
    "Потапов",
    "Журавлёв",
    "Овчинников",
    "Трофимов",
    "Леонов",
    "Соболев",
    "Ермаков",
    "Колесников",
    "Гончаров",
    "Емельянов",
    "Никифоров",
    "Грачёв",
    "Котов",
    "Гришин",
    "Ефремов",
    "Архипов",
    "Громов",
    "Кириллов",
    "Малышев",
    "Панов",
    "Моисеев",
    "Румянцев",
    "Акимов",
    "Кондратьев",
    "Бирюков",
    "Горбунов",
    "Анисимов",
    "Еремин",
    "Тихомиров",
    "Галкин",
    "Лукьянов",
    "Михеев",
    "Скворцов",
    "Юдин",
    "Белоусов",
    "Нестеров",
    "Симонов",
    "Прокофьев",
    "Харитонов",
    "Князев",
    "Цветков",
    "Левин",
    "Митрофанов",
    "Воронов",
    "Аксёнов",
    "Софронов",
    "Мальцев",
    "Логинов",
    "Горшков",
    "Савин",
    "Краснов",
    "Майоров",
    "Демидов",
    "Елисеев",
    "Рыбаков",
    "Сафонов",
    "Плотников",
    "Демин",
    "Хохлов",
    "Фадеев",
    "Молчанов",
    "Игнатов",
    "Литвинов",
    "Ершов",
    "Ушаков",
    "Дементьев",
    "Рябов",
    "Мухин",
    "Калашников",
    "Леонтьев",
    "Лобанов",
    "Кузин",
    "Корнеев",
    "Евдокимов",
    "Бородин",
    "Платонов",
    "Некрасов",
    "Балашов",
    "Бобров",
    "Жданов",
    "Блинов",
    "Игнатьев",
    "Коротков",
    "Муравьёв",
    "Крюков",
    "Беляков",
    "Богомолов",
    "Дроздов",
    "Лавров",
    "Зуев",
    "Петухов",
    "Ларин",
    "Никулин",
    "Серов",
    "Терентьев",
    "Зотов",
    "Устинов",
    "Фокин",
    "Самойлов",
    "Константинов",
    "Сахаров",
    "Шишкин",
    "Самсонов",
    "Черкасов",
    "Чистяков",
    "Носов",
    "Кравцов",
    "Русаков",
    "Успенский",
    "Вишневский",
    "Ковальский",
)
_MALE_NAMES = (
    "Александр",
    "Алексей",
    "Андрей",
    "Антон",
    "Артём",
    "Борис",
    "Вадим",
    "Валерий",
    "Виктор",
    "Виталий",
    "Владимир",
    "Владислав",
    "Геннадий",
    "Денис",
    "Дмитрий",
    "Евгений",
    "Иван",
    "Игорь",
    "Кирилл",
    "Константин",
    "Максим",
    "Михаил",
    "Николай",
    "Олег",
    "Павел",
    "Роман",
    "Руслан",
    "Сергей",
    "Станислав",
    "Юрий",
)
_FEMALE_NAMES = (
    "Алёна",
    "Анастасия",
    "Анна",
    "Валентина",
    "Вера",
    "Галина",
    "Дарья",
    "Екатерина",
    "Елена",
    "Ирина",
    "Кристина",
    "Ксения",
    "Людмила",
    "Марина",
    "Мария",
    "Наталья",
    "Ольга",
    "Светлана",
    "Татьяна",
    "Юлия",
)
_PATRONYMIC_ROOTS = (
    "Александров",
    "Алексеев",
    "Андреев",
    "Борисов",
    "Викторов",
    "Владимиров",
    "Геннадьев",
    "Дмитриев",
    "Евгеньев",
    "Иванов",
    "Игорев",
    "Михайлов",
    "Николаев",
    "Олегов",
    "Павлов",
    "Петров",
    "Сергеев",
    "Юрьев",
)
_NAME_PARTS = (
    (
        "Транс",
        "Авто",
        "Грузо",
        "Логи",
        "Сиб",
        "Урал",
        "Волга",
        "Нева",
        "Евро",
        "Рус",
        "Стрела",
        "Меридиан",
        "Альфа",
        "Вектор",
        "Север",
        "Юг",
        "Восток",
        "Профи",
        "Гранд",
        "Мега",
        "Дон",
        "Кама",
    ),
    (
        "Логистик",
        "Экспресс",
        "Карго",
        "Сервис",
        "Трейд",
        "Групп",
        "Терминал",
        "Снаб",
        "Пром",
        "Строй",
        "Агро",
        "Продукт",
        "Маркет",
        "Холод",
        "Металл",
        "Хим",
        "Лес",
        "Пак",
    ),
)
_SECURITY_STATUSES = ("verified", "checking", "not_verified")


@dataclass(frozen=True, slots=True)
class Person:
    id: int  # their user id: `filter[user_id]`
    name: str
    mobile: str  # ten digits after the country code


@dataclass(frozen=True, slots=True)
class Company:
    id: int
    inn: str
    name: str
    type: str  # "legal" (ООО, АО) or "individual" (ИП)
    security_status: str
    city: City
    forwarder: bool  # forwarders post cargos for others: their people are brokers
    office_phone: str  # ten digits after the country code
    people: tuple[Person, ...]

    def as_json(self) -> dict:
        return {"id": self.id, "inn": self.inn, "name": self.name, "type": self.type, "security_status": self.security_status}


def inn_check_digit(digits: str, weights: tuple[int, ...]) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10)


def make_inn(rng: random.Random, region_code: str, *, individual: bool) -> str:
    """10 digits for organisations, 12 for individual entrepreneurs, check digits as the tax
    service computes them."""
    if not individual:
        body = region_code + "".join(rng.choice("0123456789") for _ in range(7))
        return body + inn_check_digit(body, (2, 4, 10, 3, 5, 9, 4, 6, 8))
    body = region_code + "".join(rng.choice("0123456789") for _ in range(8))
    body += inn_check_digit(body, (7, 2, 4, 10, 3, 5, 9, 4, 6, 8))
    return body + inn_check_digit(body, (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8))


def _person_name(rng: random.Random) -> tuple[str, str, str]:
    """(surname, first name, patronymic) agreeing in gender."""
    surname = rng.choice(_SURNAMES)
    root = rng.choice(_PATRONYMIC_ROOTS)
    if rng.random() < 0.3:
        female = surname[:-2] + "ая" if surname.endswith("ий") else surname + "а"
        return female, rng.choice(_FEMALE_NAMES), root + "на"
    return surname, rng.choice(_MALE_NAMES), root + "ич"


def _mobile(rng: random.Random) -> str:
    return "9" + "".join(rng.choice("0123456789") for _ in range(9))


def _office_phone(rng: random.Random, city: City) -> str:
    # Moscow and Petersburg landlines have famous codes; elsewhere companies use mobiles too.
    code = {"77": "495", "50": "498", "78": "812"}.get(city.inn_code)
    return code + "".join(rng.choice("0123456789") for _ in range(7)) if code else _mobile(rng)


def _company_name(rng: random.Random, taken: set[str], owner: tuple[str, str, str], individual: bool) -> str:
    if individual:
        surname, first, patronymic = owner
        return f"ИП {surname} {first[0]}.{patronymic[0]}."
    while True:
        name = rng.choice(_NAME_PARTS[0]) + rng.choice(_NAME_PARTS[1]).lower()
        if name not in taken:
            taken.add(name)
            return f"{'АО' if rng.random() < 0.15 else 'ООО'} «{name}»"


def build_companies(seed: int) -> tuple[Company, ...]:
    rng = random.Random(f"companies:{seed}")
    taken: set[str] = set()
    ids = rng.sample(range(10_000, 99_999), COMPANY_COUNT)
    person_ids = iter(rng.sample(range(100_000, 999_999), COMPANY_COUNT * 3))
    companies = []
    for company_id in ids:
        city = rng.choices(CITIES, weights=[c.traffic for c in CITIES])[0]
        individual = rng.random() < 0.2
        owner = _person_name(rng)
        people = []
        for index in range(1 if individual else rng.randint(1, 3)):
            surname, first, _ = owner if index == 0 and individual else _person_name(rng)
            people.append(Person(next(person_ids), f"{first} {surname}", _mobile(rng)))
        companies.append(
            Company(
                id=company_id,
                inn=make_inn(rng, city.inn_code, individual=individual),
                name=_company_name(rng, taken, owner, individual),
                type="individual" if individual else "legal",
                security_status=rng.choices(_SECURITY_STATUSES, weights=(70, 18, 12))[0],
                city=city,
                forwarder=rng.random() < 0.55,
                office_phone=_office_phone(rng, city),
                people=tuple(people),
            )
        )
    return tuple(companies)


def pick_partners(seed: int, companies: tuple[Company, ...]) -> frozenset[int]:
    return frozenset(c.id for c in random.Random(f"partners:{seed}").sample(companies, PARTNER_COUNT))
