"""What the browser gets: headers that let Telegram frame the app, and cargo text as text."""

import httpx
from playwright.sync_api import Browser, expect

from tests.e2e.telegram import launch_url, serve_telegram_script


def test_headers_allow_telegram_and_restrict_the_rest(app_url: str):
    for path in ("/", "/cargo/1", "/_health"):
        response = httpx.get(app_url + path, timeout=10)
        assert response.headers.get("x-frame-options", "").upper() != "DENY"
        csp = response.headers["content-security-policy"]
        assert "https://telegram.org" in csp and "frame-ancestors" in csp and "web.telegram.org" in csp
        # The websocket may go to this app only, never to any host.
        connect = next(part.split()[1:] for part in csp.split(";") if part.split()[:1] == ["connect-src"])
        host = app_url.split("://", 1)[1]
        assert connect == ["'self'", f"ws://{host}"], connect


def test_an_xss_payload_in_an_extranote_shows_literally(browser: Browser, app_url: str, sandbox_url: str):
    payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
    with httpx.Client(base_url=sandbox_url, timeout=10) as http:
        token = http.post("/v1/auth/login", json={"phone": "+79111111111", "password": "sandbox-password"}).json()["data"][
            "token"
        ]
        # A cargo deep in the list: no other browser test opens its detail, so the app holds no
        # cached copy of its note from before the change below.
        cargo_id = http.get(
            "/v2/cargos/views", params={"limit": 1, "offset": 977}, headers={"Authorization": f"Bearer {token}"}
        ).json()["data"][0]["id"]
        http.post("/__control/cargo_note", json={"id": cargo_id, "note": payload}).raise_for_status()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    serve_telegram_script(context)
    page = context.new_page()
    page.goto(launch_url(app_url, path=f"/cargo/{cargo_id}"))
    note = page.get_by_test_id("extranote")
    expect(note).to_have_text(payload, timeout=30_000)
    assert page.evaluate("window.__pwned") is None
    assert note.locator("img, script").count() == 0
    context.close()


def test_events_from_a_socket_that_never_signed_in_cost_cargotech_nothing(app_url: str, sandbox_url: str):
    from tests.e2e.reflex_socket import ROOT_STATE, ReflexSocket

    feed = f"{ROOT_STATE}.cargo_webapp___state___feed_state____feed_state"
    detail = f"{ROOT_STATE}.cargo_webapp___state___detail_state____detail_state"
    before = httpx.get(f"{sandbox_url}/__control/stats", timeout=10).json()
    socket = ReflexSocket(app_url)
    try:
        for name, payload in (
            (f"{feed}.search_points", {"which": "from", "text": "Новосиб"}),
            (f"{feed}.load_more", {}),
            (f"{feed}.reload", {}),
        ):
            deltas = socket.event(name, payload, wait_s=1.5)
            assert not any(d.get(feed, {}).get("from_suggestions_rx_state_") for d in deltas)
            assert not any(d.get(feed, {}).get("cards_rx_state_") for d in deltas)
        # A tab whose server state is gone (never signed in here; after a Redis or app restart in
        # life) is told its response was not sent, rather than left waiting.
        deltas = socket.event(f"{detail}.respond", {}, wait_s=1.5)
        assert any(d.get(detail, {}).get("phone_error_rx_state_", "").startswith("Отклик не отправлен") for d in deltas)
    finally:
        socket.close()
    after = httpx.get(f"{sandbox_url}/__control/stats", timeout=10).json()
    # Autocomplete is the unsigned socket's only way to reach CargoTech's points search, and
    # nothing else in the app calls it on its own. List calls are not counted here: the alert
    # poller polls saved searches' lists in the background, whatever this socket does (no list
    # reached this socket: no cards came back above).
    assert after["points"] == before["points"]
