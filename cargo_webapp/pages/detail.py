"""A cargo's full information, its contacts and the driver's response."""

from __future__ import annotations

import reflex as rx

from cargo_webapp.components.cargo_card import cargo_card, chip, price_change, status_badge
from cargo_webapp.components.detail_row import detail_row
from cargo_webapp.components.layout import screen
from cargo_webapp.components.market import market_badge
from cargo_webapp.components.recovery import retry_banner
from cargo_webapp.components.return_loads import return_loads_section
from cargo_webapp.state.detail_state import DetailState

RESPONSE_WAITS = "Нет связи: отклик отправим, когда связь вернётся"


def _contact(c) -> rx.Component:
    """A phone or e-mail row is a link (tap to call or write); a name alone is plain text."""
    who = rx.el.span(c["name"], " ", rx.el.span(c["role"], class_name="hint"))
    return rx.cond(
        c["href"] != "",
        rx.el.a(
            who,
            rx.cond(c["phone"] != "", rx.el.strong(c["phone"]), rx.el.strong(c["email"], class_name="email")),
            href=c["href"],
            class_name="contact",
            data_testid="contact",
        ),
        rx.el.div(
            who,
            rx.el.span("телефон не указан", class_name="hint nowrap"),
            class_name="contact contact-plain",
            data_testid="contact",
        ),
    )


def _contacts() -> rx.Component:
    return rx.cond(
        DetailState.contacts.length() > 0,
        rx.el.section(
            rx.el.h2("Контакты", class_name="section-title"),
            rx.foreach(DetailState.contacts, _contact),
            class_name="card-section",
        ),
    )


def _note(note, long) -> rx.Component:
    """The extranote as text (it is someone else's input, never markup). A long one starts
    collapsed to a few lines, so the addresses, contacts and «Откликнуться» stay near."""
    collapsed = long & ~DetailState.note_open
    return rx.el.section(
        rx.el.h2("Условия", class_name="section-title"),
        rx.el.p(note, class_name=rx.cond(collapsed, "extranote collapsed", "extranote"), data_testid="extranote"),
        rx.cond(
            long != "",
            rx.el.button(
                rx.cond(DetailState.note_open, "Свернуть", "Показать полностью"),
                on_click=DetailState.toggle_note,
                class_name="btn-link",
                type="button",
                aria_expanded=rx.cond(DetailState.note_open, "true", "false"),
                data_testid="note-toggle",
            ),
        ),
        class_name="card-section note-section",
    )


def _respond() -> rx.Component:
    return rx.cond(
        DetailState.status != "",
        rx.el.div(
            rx.el.span("Ваш отклик: "),
            status_badge(DetailState.status),
            class_name="card-section respond-done",
            data_testid="respond-status",
        ),
        rx.el.section(
            rx.el.label("Телефон для связи", class_name="field-label"),
            rx.el.div(
                rx.el.input(
                    value=DetailState.phone,
                    on_change=DetailState.set_phone.debounce(200),
                    placeholder="+7 900 000-00-00",
                    type="tel",
                    input_mode="tel",
                    class_name="input",
                    aria_label="Телефон для связи",
                    name="phone",
                ),
                rx.el.button("Из Telegram", on_click=DetailState.ask_contact, class_name="btn-tool", type="button"),
                class_name="range-row",
            ),
            rx.cond(DetailState.phone_error != "", rx.el.div(DetailState.phone_error, class_name="field-error", role="alert")),
            rx.el.button(
                rx.cond(DetailState.sending, "Отправляем…", "Откликнуться"),
                on_click=DetailState.respond,
                disabled=DetailState.sending,
                class_name="btn btn-primary",
                id="respond-btn",
                data_sending=rx.cond(DetailState.sending, "true", "false"),
            ),
            # Written by assets/app.js when the button is tapped with no connection: the tap waits
            # in the page's queue and goes out when the connection returns.
            rx.el.p(
                class_name="offline-note",
                role="status",
                data_testid="respond-pending",
                data_offline_note_for="respond-btn",
                data_offline_text=RESPONSE_WAITS,
            ),
            class_name="card-section",
        ),
    )


def _cargo() -> rx.Component:
    cargo = DetailState.cargo
    return rx.fragment(
        rx.el.section(
            rx.el.h1(cargo["route"], class_name="page-title"),
            rx.el.div(cargo["price"], rx.el.span(" ", cargo["price_per_km"], class_name="hint"), class_name="card-price"),
            price_change(cargo["old_price"]),
            market_badge(cargo["market"], cargo["market_tone"]),
            rx.el.div(chip(cargo["weight"]), chip(cargo["volume"]), chip(cargo["distance"]), class_name="card-chips"),
            # assets/app.js opens Telegram's share dialog for data-share-url (openTelegramLink).
            rx.el.button(
                "Поделиться",
                class_name="btn btn-secondary share-btn",
                type="button",
                data_share_url=cargo["share_url"],
                data_testid="share",
            ),
            class_name="card-section",
        ),
        rx.cond(cargo["note"] != "", _note(cargo["note"], cargo["note_long"])),
        rx.el.dl(
            detail_row("Загрузка", cargo["from_address"]),
            detail_row("Дата загрузки", cargo["loading"]),
            detail_row("Выгрузка", cargo["to_address"]),
            detail_row("Дата выгрузки", cargo["unloading"]),
            detail_row("Груз", cargo["cargo_type"]),
            detail_row("Кузов", cargo["body"]),
            detail_row("Загрузка (способ)", cargo["load_types"]),
            detail_row("Грузоотправитель", cargo["shipper"]),
            detail_row("Заказчик", cargo["company"]),
            class_name="card-section details",
        ),
        _contacts(),
        _respond(),
        return_loads_section(),
    )


def _gone() -> rx.Component:
    """A withdrawn cargo (its detail answers 404): say so plainly, then offer similar loads."""
    return rx.el.div(
        rx.el.div(
            rx.el.h1("Груз снят", class_name="page-title"),
            rx.el.p("Этот груз уже снят с публикации.", class_name="hint"),
            rx.cond(DetailState.gone_route != "", rx.el.p(DetailState.gone_route, class_name="gone-route")),
            class_name="gate",
            data_testid="cargo-gone",
        ),
        rx.cond(
            DetailState.similar.length() > 0,
            rx.el.section(
                rx.el.h2("Похожие грузы", class_name="section-title"),
                rx.foreach(DetailState.similar, cargo_card),
                class_name="feed-list",
                data_testid="similar-offers",
            ),
            rx.cond(
                DetailState.loading,
                rx.fragment(),
                rx.el.p("Похожих грузов сейчас нет.", class_name="hint", data_testid="no-similar"),
            ),
        ),
        rx.link("Смотреть другие грузы", href="/", class_name="btn btn-secondary"),
    )


def detail_page() -> rx.Component:
    return screen(
        rx.el.a("← К списку", href="/", class_name="back-link", on_click=rx.call_script("history.back()"), prevent_default=True),
        rx.cond(DetailState.stale != "", rx.el.div(DetailState.stale, class_name="banner banner-stale")),
        rx.cond(
            DetailState.gone,
            _gone(),
            rx.cond(
                DetailState.error != "",
                retry_banner(
                    DetailState.error,
                    DetailState.retry_in,
                    DetailState.retry_seq,
                    DetailState.retry,
                    DetailState.loading,
                    "detail-retry",
                ),
                rx.cond(DetailState.cargo.length() > 0, _cargo(), rx.el.p("Загружаем…", class_name="hint")),
            ),
        ),
    )
