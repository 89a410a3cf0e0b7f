"""«е» and «ё» as one letter in city autocomplete: which shorter queries hold every spelling."""

from __future__ import annotations

import pytest

from services.feed.point_search import fold, matches, stems


def test_fold():
    assert fold("Королёв") == fold("КОРОЛЕВ") == "королев"


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("королев", ["корол"]),  # the part before the first е/ё is spelled the same either way
        ("королёв", ["корол"]),
        # Too short a head to ask for: the text up to its next е/ё (or its end), in both spellings.
        ("щелково", ["щелково", "щёлково"]),
        ("семеновка", ["сем", "сём"]),
        ("екатеринбург", ["екат", "ёкат"]),
        ("ёлкино", ["елкино", "ёлкино"]),
        ("е", []),
        ("ее", []),
        ("москва", []),  # nothing to fold: the text's own query is all
    ],
)
def test_stems(text, asked):
    assert stems(text) == asked


@pytest.mark.parametrize(
    ("name", "text", "found"),
    [
        ("Королёв, Московская обл.", "королев", True),
        ("Королев, Московская обл.", "королёв", True),
        ("Щёлково, Московская обл.", "щелк", True),
        ("Нижний Новгород, Нижегородская обл.", "новгород", True),  # a word inside the name
        ("Орёл, Орловская обл.", "орел", True),
        ("Королёв, Московская обл.", "корова", False),
        ("Семёновка", "семен", True),
        ("Семёновка", "сёмин", False),
    ],
)
def test_matches(name, text, found):
    assert matches(name, fold(text)) is found
