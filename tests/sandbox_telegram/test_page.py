"""The HTML page a developer watches: chats with their messages and buttons, in Russian."""

import httpx

from tests.sandbox_telegram.support import DISPATCHER, DISPATCHER_CHAT, DRIVER

KEYBOARD = {
    "inline_keyboard": [
        [{"text": "Принять", "callback_data": "accept:7"}, {"text": "Отклонить", "callback_data": "reject:7"}],
        [{"text": "Карточка груза", "url": "https://example.org/cargo/7"}],
    ]
}


def get(fake, path: str) -> httpx.Response:
    with httpx.Client(base_url=fake.url, trust_env=False) as client:
        return client.get(path)


async def test_the_page_shows_chats_as_telegram_would(bot, fake):
    sent = await bot.send_message(
        DISPATCHER_CHAT, "<b>Отклик</b> на груз 7\nВодитель: <i>Иван</i> &lt;tag&gt;", parse_mode="HTML", reply_markup=KEYBOARD
    )
    await bot.send_message(DRIVER, "Ваш отклик отправлен")
    page = get(fake, "/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    body = page.text
    assert '<html lang="ru">' in body and "Диспетчерская" in body and "Пользователь 500000001" in body
    assert "<b>Отклик</b> на груз 7\nВодитель: <i>Иван</i> &lt;tag&gt;" in body  # formatted, line break kept
    assert (
        f'data-chat="{DISPATCHER_CHAT}" data-message="{sent.message_id}" data-callback="accept:7">Принять</button>' in body
        and ">Отклонить</button>" in body
    )
    assert 'href="https://example.org/cargo/7"' in body
    assert f'id="presser" type="number" value="{DISPATCHER}"' in body  # presses as the dispatcher
    assert "setInterval(refresh, 2000)" in body and "Вебхук не задан" in body


async def test_one_chat_page_has_a_form_to_write_as_a_user(bot, fake):
    await bot.send_message(DRIVER, "Ваш отклик отправлен")
    body = get(fake, f"/chat/{DRIVER}").text
    assert "Ваш отклик отправлен" in body and "Диспетчерская" not in body
    assert f'<form id="send" data-chat="{DRIVER}"' in body and f'name="sender" type="number" value="{DRIVER}"' in body
    assert get(fake, "/chat/abc").status_code == 404


def test_an_empty_dispatcher_chat_is_still_shown(fake):
    body = get(fake, "/").text
    assert "Диспетчерская" in body and "Сообщений пока нет." in body


async def test_edits_show_up_marked(bot, fake):
    sent = await bot.send_message(DISPATCHER_CHAT, "Отклик", reply_markup=KEYBOARD)
    await bot.edit_message_text("Отклик\n✅ Принят", chat_id=DISPATCHER_CHAT, message_id=sent.message_id)
    body = get(fake, f"/chat/{DISPATCHER_CHAT}").text
    assert "✅ Принят" in body and "изменено" in body and "Принять</button>" not in body
