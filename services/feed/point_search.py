"""City autocomplete that treats «е» and «ё» as one letter, whatever CargoTech does.

Drivers type «королев» for «Королёв». A server that compares letters strictly finds nothing, and
trying every «е»/«ё» spelling of a word costs a call each. Instead, the part of the text before
its first «е»/«ё» is spelled the same either way: ask for that (with a larger limit) and keep,
on our side, the names that match the whole text with «ё» folded to «е». When that part is too
short to ask for, the text up to the second such letter is asked for in both spellings.

Every query goes through CargoService.points, so each costs one upstream call a day at most,
and a miss counts toward the asking driver's lookup budget.
"""

from __future__ import annotations

import re

from services.cargotech.errors import CargoTechError
from services.cargotech.models import DictionaryPoint
from services.cargotech.upstream_budget import Caller
from services.feed.cache import CargoService

SHOWN = 8  # suggestions under the field
MIN_QUERY = 2  # shorter texts ask nothing
WIDE_LIMIT = 50  # a stem matches more names than the text: ask for more, keep what matches
_WORDS = re.compile(r"[\s,()\-]+")


def fold(text: str) -> str:
    """Case and «ё» folded: «Королёв» → «королев»."""
    return text.casefold().replace("ё", "е")


def matches(name: str, folded_text: str) -> bool:
    """The name, or a word in it, starts with the text («новгород» finds Нижний Новгород)."""
    folded_name = fold(name)
    return folded_name.startswith(folded_text) or any(word.startswith(folded_text) for word in _WORDS.split(folded_name) if word)


def stems(text: str) -> list[str]:
    """The shorter queries whose answers hold every «е»/«ё» spelling of `text`; [] without «е»/«ё»."""
    spots = [i for i, letter in enumerate(fold(text)) if letter == "е"]
    if not spots:
        return []
    first = spots[0]
    if first >= MIN_QUERY:
        return [text[:first]]
    end = spots[1] if len(spots) > 1 else len(text)
    if end < MIN_QUERY:
        return []
    head = text[:first]
    return [head + letter + text[first + 1 : end] for letter in ("е", "ё")]


async def search_points(
    cargos: CargoService, text: str, *, shown: int = SHOWN, caller: Caller | None = None
) -> list[DictionaryPoint]:
    """Points whose name starts (or has a word starting) with `text`, «е» and «ё» alike: what
    CargoTech answers for the text itself first, in its order, then what only the folding finds.
    Raises CargoTechError when the text's own query fails; a failed stem query only finds less."""
    needle = " ".join(text.split())[:50]
    if len(needle) < MIN_QUERY:
        return []
    found = list((await cargos.points(needle, caller=caller)).value)
    if len(found) >= shown:
        return found[:shown]
    folded = fold(needle)
    known = {point.id for point in found}
    for stem in stems(needle):
        try:
            wider = (await cargos.points(stem, limit=WIDE_LIMIT, caller=caller)).value
        except CargoTechError:
            break  # what the text itself found is still worth showing
        for point in wider:
            if point.id not in known and matches(point.name, folded):
                known.add(point.id)
                found.append(point)
    return found[:shown]
