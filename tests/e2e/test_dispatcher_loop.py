"""The whole loop with the browser open: respond → the dispatcher chat gets the message with
buttons → accept → the driver is told by the bot → the badge changes without a reload."""

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import DISPATCHER, DISPATCHERS
from tests.e2e.telegram import launch_url, serve_telegram_script
from tests.support.waiting import wait_until

DRIVER = {"id": 434343, "first_name": "Олег", "last_name": "Шофёров", "username": "oleg_fura", "language_code": "ru"}


def test_dispatcher_accepts_and_the_open_app_shows_it(browser: Browser, app_url: str, telegram):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    serve_telegram_script(context)
    page = context.new_page()
    page.goto(launch_url(app_url, user=DRIVER))
    card = page.get_by_test_id("cargo-card").nth(3)
    expect(card).to_be_visible(timeout=30_000)
    cargo_id = card.get_attribute("data-cargo-id")
    card.click()

    # 1. Respond.
    page.get_by_label("Телефон для связи").fill("+7 921 555-44-33")
    page.wait_for_timeout(400)
    page.locator("#respond-btn").click()
    expect(page.get_by_test_id("respond-status")).to_contain_text("Отправ")

    # 2. The dispatcher message goes out with buttons.
    def announcement():
        return [m for m in telegram.chat(DISPATCHERS)["messages"] if cargo_id in m["text"] and "Олег" in m["text"]]

    [message] = wait_until(announcement)
    assert "+79215554433" in message["text"]
    assert [b["text"] for b in message["buttons"][0]] == ["Принять", "Отклонить"]
    expect(page.get_by_test_id("respond-status")).to_contain_text("Отправлен")  # live: queued → sent

    # 3. Accept.
    report = telegram.press_button(
        DISPATCHERS, message["message_id"], message["buttons"][0][0]["callback_data"], from_user=DISPATCHER
    )
    assert report["status"] == 200

    # 4. The driver is told by the bot.
    told = wait_until(lambda: [m for m in telegram.chat(DRIVER["id"])["messages"] if "принял" in m["text"]])
    assert len(told) == 1

    # 5. The badge changes in the open browser, no reload.
    expect(page.get_by_test_id("respond-status")).to_contain_text("Принят", timeout=10_000)
    page.get_by_text("← К списку").click()
    expect(page.locator(f"[data-cargo-id='{cargo_id}'] [data-testid='status-badge']")).to_have_text("Принят")
    page.get_by_role("link", name="Мои отклики").click()
    expect(page.get_by_test_id("response-item").filter(has_text="Принят")).to_have_count(1)
    context.close()
