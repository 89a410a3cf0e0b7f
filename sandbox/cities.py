"""Real Russian cities and their regions: the points dictionary, radius matching and road
distances. Ids are fixed by table order, so they never depend on the seed."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

ROAD_FACTOR = 1.2  # roads are ~20 % longer than the great circle
EARTH_RADIUS_KM = 6371.0
CITY_ID_BASE = 1000  # regions are 1..99, cities 1001+: a mixed-up type never matches by accident
POINT_TYPE_REGION = 1
POINT_TYPE_CITY = 2


@dataclass(frozen=True, slots=True)
class Region:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class City:
    id: int
    name: str
    region: Region
    lat: float
    lon: float
    traffic: int  # relative share of cargo traffic, roughly by economic size
    inn_code: str  # tax office region code: the first two digits of local INNs


# name, region, latitude, longitude, traffic, INN region code
_TABLE = (
    ("Москва", "Московская обл.", 55.7558, 37.6173, 100, "77"),
    ("Санкт-Петербург", "Ленинградская обл.", 59.9343, 30.3351, 55, "78"),
    ("Новосибирск", "Новосибирская обл.", 55.0084, 82.9357, 22, "54"),
    ("Екатеринбург", "Свердловская обл.", 56.8389, 60.6057, 28, "66"),
    ("Казань", "Республика Татарстан", 55.7961, 49.1064, 24, "16"),
    ("Нижний Новгород", "Нижегородская обл.", 56.2965, 43.9361, 22, "52"),
    ("Челябинск", "Челябинская обл.", 55.1644, 61.4368, 18, "74"),
    ("Самара", "Самарская обл.", 53.1959, 50.1002, 18, "63"),
    ("Омск", "Омская обл.", 54.9885, 73.3242, 10, "55"),
    ("Ростов-на-Дону", "Ростовская обл.", 47.2357, 39.7015, 24, "61"),
    ("Уфа", "Республика Башкортостан", 54.7388, 55.9721, 14, "02"),
    ("Красноярск", "Красноярский край", 56.0153, 92.8932, 10, "24"),
    ("Воронеж", "Воронежская обл.", 51.6720, 39.1843, 16, "36"),
    ("Пермь", "Пермский край", 58.0105, 56.2502, 12, "59"),
    ("Волгоград", "Волгоградская обл.", 48.7080, 44.5133, 12, "34"),
    ("Краснодар", "Краснодарский край", 45.0355, 38.9753, 24, "23"),
    ("Саратов", "Саратовская обл.", 51.5331, 46.0342, 9, "64"),
    ("Тюмень", "Тюменская обл.", 57.1530, 65.5343, 10, "72"),
    ("Тольятти", "Самарская обл.", 53.5078, 49.4204, 9, "63"),
    ("Ижевск", "Удмуртская Республика", 56.8526, 53.2045, 7, "18"),
    ("Барнаул", "Алтайский край", 53.3548, 83.7698, 6, "22"),
    ("Ульяновск", "Ульяновская обл.", 54.3142, 48.4031, 6, "73"),
    ("Иркутск", "Иркутская обл.", 52.2870, 104.3050, 6, "38"),
    ("Хабаровск", "Хабаровский край", 48.4827, 135.0838, 4, "27"),
    ("Ярославль", "Ярославская обл.", 57.6261, 39.8845, 9, "76"),
    ("Владивосток", "Приморский край", 43.1155, 131.8855, 5, "25"),
    ("Махачкала", "Республика Дагестан", 42.9849, 47.5047, 4, "05"),
    ("Томск", "Томская обл.", 56.4846, 84.9476, 4, "70"),
    ("Оренбург", "Оренбургская обл.", 51.7682, 55.0969, 6, "56"),
    ("Кемерово", "Кемеровская обл.", 55.3547, 86.0873, 5, "42"),
    ("Новокузнецк", "Кемеровская обл.", 53.7596, 87.1216, 4, "42"),
    ("Рязань", "Рязанская обл.", 54.6292, 39.7364, 8, "62"),
    ("Астрахань", "Астраханская обл.", 46.3479, 48.0336, 4, "30"),
    ("Набережные Челны", "Республика Татарстан", 55.7436, 52.3958, 7, "16"),
    ("Пенза", "Пензенская обл.", 53.1959, 45.0183, 6, "58"),
    ("Киров", "Кировская обл.", 58.6036, 49.6680, 4, "43"),
    ("Липецк", "Липецкая обл.", 52.6088, 39.5992, 8, "48"),
    ("Чебоксары", "Чувашская Республика", 56.1439, 47.2489, 6, "21"),
    ("Тула", "Тульская обл.", 54.1931, 37.6173, 10, "71"),
    ("Калининград", "Калининградская обл.", 54.7104, 20.4522, 5, "39"),
    ("Курск", "Курская обл.", 51.7304, 36.1926, 6, "46"),
    ("Ставрополь", "Ставропольский край", 45.0428, 41.9734, 6, "26"),
    ("Сочи", "Краснодарский край", 43.5855, 39.7231, 4, "23"),
    ("Улан-Удэ", "Республика Бурятия", 51.8335, 107.5841, 2, "03"),
    ("Тверь", "Тверская обл.", 56.8587, 35.9176, 8, "69"),
    ("Магнитогорск", "Челябинская обл.", 53.4072, 58.9791, 5, "74"),
    ("Иваново", "Ивановская обл.", 56.9972, 40.9714, 5, "37"),
    ("Брянск", "Брянская обл.", 53.2436, 34.3634, 5, "32"),
    ("Белгород", "Белгородская обл.", 50.5997, 36.5983, 8, "31"),
    ("Сургут", "Ханты-Мансийский АО", 61.2540, 73.3962, 4, "86"),
    ("Владимир", "Владимирская обл.", 56.1291, 40.4066, 7, "33"),
    ("Архангельск", "Архангельская обл.", 64.5393, 40.5170, 3, "29"),
    ("Чита", "Забайкальский край", 52.0339, 113.4994, 2, "75"),
    ("Калуга", "Калужская обл.", 54.5293, 36.2754, 8, "40"),
    ("Смоленск", "Смоленская обл.", 54.7826, 32.0453, 6, "67"),
    ("Волжский", "Волгоградская обл.", 48.7858, 44.7797, 4, "34"),
    ("Курган", "Курганская обл.", 55.4410, 65.3411, 3, "45"),
    ("Орёл", "Орловская обл.", 52.9685, 36.0692, 5, "57"),
    ("Череповец", "Вологодская обл.", 59.1269, 37.9090, 5, "35"),
    ("Вологда", "Вологодская обл.", 59.2181, 39.8886, 4, "35"),
    ("Саранск", "Республика Мордовия", 54.1838, 45.1749, 4, "13"),
    ("Мурманск", "Мурманская обл.", 68.9585, 33.0827, 2, "51"),
    ("Якутск", "Республика Саха (Якутия)", 62.0355, 129.6755, 1, "14"),
    ("Тамбов", "Тамбовская обл.", 52.7212, 41.4523, 4, "68"),
    ("Кострома", "Костромская обл.", 57.7665, 40.9269, 3, "44"),
    ("Новороссийск", "Краснодарский край", 44.7235, 37.7686, 7, "23"),
    ("Петрозаводск", "Республика Карелия", 61.7849, 34.3469, 3, "10"),
    ("Сыктывкар", "Республика Коми", 61.6688, 50.8364, 2, "11"),
    ("Йошкар-Ола", "Республика Марий Эл", 56.6344, 47.8999, 3, "12"),
    ("Великий Новгород", "Новгородская обл.", 58.5215, 31.2755, 4, "53"),
    ("Псков", "Псковская обл.", 57.8136, 28.3496, 3, "60"),
    ("Подольск", "Московская обл.", 55.4312, 37.5458, 12, "50"),
    ("Химки", "Московская обл.", 55.8970, 37.4297, 10, "50"),
    ("Мытищи", "Московская обл.", 55.9116, 37.7308, 8, "50"),
    ("Домодедово", "Московская обл.", 55.4364, 37.7666, 8, "50"),
    ("Коломна", "Московская обл.", 55.0794, 38.7783, 4, "50"),
    ("Нижний Тагил", "Свердловская обл.", 57.9194, 59.9650, 4, "66"),
    ("Стерлитамак", "Республика Башкортостан", 53.6305, 55.9300, 3, "02"),
    ("Пятигорск", "Ставропольский край", 44.0486, 43.0594, 3, "26"),
    ("Таганрог", "Ростовская обл.", 47.2362, 38.8969, 4, "61"),
    ("Энгельс", "Саратовская обл.", 51.4986, 46.1254, 3, "64"),
    ("Дзержинск", "Нижегородская обл.", 56.2389, 43.4631, 4, "52"),
    # Towns in the points dictionary where no generated cargo starts or ends: traffic 0 leaves every
    # weighted pick, and so every generated cargo, as it was. Their «ё» is what drivers type as «е».
    ("Королёв", "Московская обл.", 55.9162, 37.8545, 0, "50"),
    ("Щёлково", "Московская обл.", 55.9233, 37.9783, 0, "50"),
)


def _build() -> tuple[tuple[Region, ...], tuple[City, ...]]:
    regions: dict[str, Region] = {}
    cities = []
    for index, (name, region_name, lat, lon, traffic, inn_code) in enumerate(_TABLE, start=1):
        region = regions.setdefault(region_name, Region(len(regions) + 1, region_name))
        cities.append(City(CITY_ID_BASE + index, name, region, lat, lon, traffic, inn_code))
    return tuple(regions.values()), tuple(cities)


REGIONS, CITIES = _build()
CITY_BY_ID = {city.id: city for city in CITIES}
REGION_BY_ID = {region.id: region for region in REGIONS}


def great_circle_km(a: City, b: City) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


# Every pair once, at import: the generator asks for road distances thousands of times and the
# radius filter for "cities near X" on every request.
_CROW_KM = {(a.id, b.id): great_circle_km(a, b) for a in CITIES for b in CITIES}


def road_km(a: City, b: City) -> int:
    return round(_CROW_KM[a.id, b.id] * ROAD_FACTOR)


def city_ids_within(city: City, radius_km: float) -> frozenset[int]:
    return frozenset(other.id for other in CITIES if _CROW_KM[city.id, other.id] <= radius_km)


def city_ids_in_region(region: Region) -> frozenset[int]:
    return frozenset(city.id for city in CITIES if city.region is region)


# ---- the points dictionary -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Point:
    id: int
    name: str
    type: int
    rank: int  # bigger cities first among equally good matches
    key: str  # normalised full name
    words: tuple[str, ...]  # normalised words, for matches inside the name

    def as_json(self) -> dict:
        return {"id": self.id, "name": self.name, "type": self.type}


def normalise(text: str) -> str:
    # Case-insensitive but strict about «ё»: a real server need not treat «е» and «ё» as one
    # letter, so the app must not rely on it (it folds them itself).
    return text.casefold().strip()


def _point(id_: int, name: str, type_: int, rank: int) -> Point:
    key = normalise(name)
    return Point(id_, name, type_, rank, key, tuple(w for w in re.split(r"[\s,()\-]+", key) if w))


def _points() -> tuple[Point, ...]:
    by_traffic = sorted(CITIES, key=lambda c: -c.traffic)
    city_points = [_point(c.id, f"{c.name}, {c.region.name}", POINT_TYPE_CITY, rank) for rank, c in enumerate(by_traffic)]
    region_points = [_point(r.id, r.name, POINT_TYPE_REGION, len(CITIES) + r.id) for r in REGIONS]
    return tuple(city_points + region_points)


POINTS = _points()


def search_points(text: str, point_type: int | None = None) -> list[Point]:
    """Case-insensitive prefix match on the whole name first, then on any word inside it
    ("новгород" finds Нижний and Великий Новгород); cities before regions, big before small."""
    query = normalise(text)
    found = []
    for point in POINTS:
        if point_type is not None and point.type != point_type:
            continue
        if point.key.startswith(query):
            found.append((0, point))
        elif any(word.startswith(query) for word in point.words):
            found.append((1, point))
    found.sort(key=lambda pair: (pair[0], -pair[1].type, pair[1].rank))
    return [point for _, point in found]
