"""City autocomplete against the sandbox, which (like a strict server) does not fold «ё» to «е»."""

from __future__ import annotations

from services.feed.point_search import search_points


async def names(runtime, text: str) -> list[str]:
    return [point.name for point in await search_points(runtime.cargos, text)]


async def test_e_finds_the_city_written_with_yo(runtime):
    assert (await runtime.cargos.points("королев")).value == []  # the server alone finds nothing
    assert await names(runtime, "королев") == ["Королёв, Московская обл."]
    assert await names(runtime, "Щелково") == ["Щёлково, Московская обл."]  # the head too short to ask for
    assert (await names(runtime, "орел"))[0] == "Орёл, Орловская обл."


async def test_yo_and_e_typed_find_the_same(runtime):
    assert await names(runtime, "королёв") == await names(runtime, "КОРОЛЕВ") == ["Королёв, Московская обл."]


async def test_a_text_without_e_costs_one_call_and_keeps_the_servers_order(runtime, sandbox):
    direct = [point.name for point in (await runtime.cargos.points("моск")).value]
    calls = sandbox.stats()["points"]
    assert await names(runtime, "моск") == direct[:8]
    assert sandbox.stats()["points"] == calls  # the same query, from the cache


async def test_the_stem_query_is_shared_while_typing(runtime, sandbox):
    for text in ("короле", "королев", "королёв"):
        await search_points(runtime.cargos, text)
    # One call per typed text, plus one for their common stem «корол».
    assert sandbox.stats()["points"] == 3 + 1


async def test_short_texts_ask_nothing(runtime, sandbox):
    assert await names(runtime, " к ") == []
    assert sandbox.stats()["points"] == 0


async def test_a_failed_stem_query_keeps_what_the_text_found(runtime, sandbox):
    exact = [point.name for point in (await runtime.cargos.points("орел")).value]
    assert exact == []  # cached: the next search asks only for the stem «ор»... which fails
    sandbox.fault(kind="malformed", count=1, path_prefix="/v1/dictionaries/points")
    assert await names(runtime, "орел") == []
    sandbox.clear_faults()
    found = await names(runtime, "орел")  # the stem was not cached as an answer: asked again
    assert found and found[0] == "Орёл, Орловская обл."
