"""The first load stays light on a mobile link: compressed, cacheable, no unused CSS framework.

Sizes only, no timings (those are in benchmarks/page_weight.py and benchmarks/README.md).
"""

from __future__ import annotations

import httpx
from playwright.sync_api import Browser, expect

from tests.e2e.telegram import TELEGRAM_JS_URL, launch_url, serve_telegram_script

# What the feed's first load may cost on the wire, compressed (it was 342 KB with the Radix
# Themes stylesheet and gzip only, 162 KB without it and with brotli).
# Every screen's code now comes with the first load, so a tap while offline never needs the
# network for code (about 5 KB more): 270 KB.
FIRST_LOAD_BUDGET = 270 * 1024


def test_the_feed_loads_compressed_and_within_budget(browser: Browser, app_url: str):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU", is_mobile=True)
    serve_telegram_script(context)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    responses: dict[str, dict] = {}
    sizes: dict[str, int] = {}
    cdp.on("Network.responseReceived", lambda e: responses.__setitem__(e["requestId"], e["response"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

    page.goto(launch_url(app_url))
    cards = page.get_by_test_id("cargo-card")
    expect(cards.first).to_be_visible(timeout=30_000)  # and so the /_event socket works
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # the last loadingFinished events
    context.close()

    ours = {rid: r for rid, r in responses.items() if r["url"].startswith(app_url)}
    encoding = {
        r["url"].split("#")[0]: {k.lower(): v for k, v in r["headers"].items()}.get("content-encoding") for r in ours.values()
    }
    document = next(url for url in encoding if url.rstrip("/") == app_url)
    scripts = [url for url in encoding if "/assets/" in url and url.endswith(".js")]
    styles = [url for url in encoding if url.endswith(".css")]
    assert scripts and styles
    for url in [document, *scripts, *styles]:
        assert encoding[url] in ("br", "gzip"), f"{url} was sent uncompressed"

    total = sum(sizes.get(rid, 0) for rid, r in ours.items() if r["url"] != TELEGRAM_JS_URL)
    assert 0 < total <= FIRST_LOAD_BUDGET, f"first load {total / 1024:.0f} KB > {FIRST_LOAD_BUDGET / 1024:.0f} KB"
    # Shared modules come in one chunk (cargo_webapp/build_plugins.py): 16 requests before, 10
    # after; plus one small chunk per other screen, fetched up front so that a tap while offline
    # never needs the network for code.
    assert len(ours) <= 16, sorted(r["url"] for r in ours.values())


def test_gzip_for_clients_without_brotli_and_cache_headers(app_url: str):
    with httpx.Client(base_url=app_url, timeout=10, headers={"Accept-Encoding": "gzip"}) as http:
        html = http.get("/")
        assert html.headers["content-encoding"] == "gzip" and "<html" in html.text
        assert html.headers["cache-control"] == "no-cache"  # a deploy must reach the next open
        assert "content-security-policy" in html.headers  # the security wrapper still applies

        asset = next(
            part.split('"')[0]
            for part in html.text.split('href="')[1:]
            if part.startswith("/assets/") and part.split('"')[0].endswith(".js")
        )
        script = http.get(asset)
        assert script.status_code == 200 and script.headers["content-encoding"] == "gzip"
        assert script.headers["cache-control"] == "public, max-age=31536000, immutable"

        plain = httpx.get(app_url + asset, headers={"Accept-Encoding": "identity"}, timeout=10)
        assert "content-encoding" not in plain.headers and plain.content == script.content

        health = http.get("/_health")
        assert "immutable" not in health.headers.get("cache-control", "")


def test_no_radix_themes_stylesheet_on_the_page(browser: Browser, app_url: str):
    """The screens are styled by assets/styles.css; Radix Themes' 689 KB stylesheet is not shipped."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    serve_telegram_script(context)
    page = context.new_page()
    page.goto(launch_url(app_url))
    expect(page.get_by_test_id("cargo-card").first).to_be_visible(timeout=30_000)
    radix_rules = page.evaluate("""() => [...document.styleSheets].flatMap(sheet => {
        try { return [...sheet.cssRules].map(rule => rule.cssText); } catch (e) { return []; }
      }).filter(text => text.includes('.radix-themes') || text.includes('.rt-reset')).length""")
    assert radix_rules == 0
    # The card is still a link that navigates inside the app.
    page.get_by_test_id("cargo-card").first.click()
    page.wait_for_url("**/cargo/**", timeout=30_000)
    context.close()


def test_a_first_open_signs_in_without_the_server_asking_for_init_data(browser: Browser, app_url: str):
    """initData rides with the hydrate event (sessionStorage, written in <head>), so the server
    never has to ask the page for it: one round trip less before the first card."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU", is_mobile=True)
    serve_telegram_script(context)
    page = context.new_page()
    received: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: received.append(str(frame))))
    page.goto(launch_url(app_url, user={"id": 818181, "first_name": "Новый", "language_code": "ru"}))
    expect(page.get_by_test_id("cargo-card").first).to_be_visible(timeout=30_000)
    stored = page.evaluate("sessionStorage.getItem('ct_launch_init_data')")
    context.close()
    assert received, "no websocket frames seen"
    assert not any("readInitData" in frame for frame in received)  # the page is never asked for it
    assert not stored  # used once, then cleared
