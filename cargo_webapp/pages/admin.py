"""The admin console: the shared CargoTech token, upstream health, the format of CargoTech's
answers (schema drift), the bot's outbox."""

from __future__ import annotations

import reflex as rx

from cargo_webapp.components.detail_row import detail_row
from cargo_webapp.components.layout import screen
from cargo_webapp.state.admin_state import AdminState


def _table(headers: list[str], rows, cells) -> rx.Component:
    return rx.el.table(
        rx.el.thead(rx.el.tr(*[rx.el.th(h) for h in headers])),
        rx.el.tbody(rx.foreach(rows, lambda row: rx.el.tr(*[rx.el.td(cell(row)) for cell in cells]))),
        class_name="admin-table",
    )


def _token() -> rx.Component:
    token = AdminState.token
    return rx.el.section(
        rx.el.h2("Токен CargoTech", class_name="section-title"),
        rx.el.div(token["state"], class_name="badge", data_testid="token-state"),
        rx.el.dl(
            detail_row("Номер токена", token["id"]),
            detail_row("Получен", token["obtained"]),
            detail_row("Проверен (/v1/me)", token["verified"]),
            detail_row("Истекает", token["expires"]),
            detail_row("Ключ шифрования", token["key_id"]),
            class_name="details",
        ),
        rx.cond(token["has_error"], rx.el.p(token["error"], class_name="field-error")),
        rx.el.div(
            rx.el.button("Проверить сейчас", on_click=AdminState.verify_now, class_name="btn btn-secondary"),
            rx.el.button(
                "Войти заново", on_click=AdminState.force_login, class_name="btn btn-primary", data_testid="force-login"
            ),
            rx.el.button("Сменить ключ", on_click=AdminState.rotate_key, class_name="btn btn-secondary"),
            class_name="panel-actions",
        ),
        class_name="card-section",
    )


def _audit() -> rx.Component:
    return rx.el.section(
        rx.el.h2("Журнал токена", class_name="section-title"),
        _table(
            ["Когда", "Событие", "Итог", "Задержка", "Токен"],
            AdminState.audit,
            [lambda a: a["at"], lambda a: a["event"], lambda a: a["outcome"], lambda a: a["latency"], lambda a: a["token_id"]],
        ),
        class_name="card-section",
        data_testid="audit",
    )


def _upstream() -> rx.Component:
    return rx.el.section(
        rx.el.h2("CargoTech", class_name="section-title"),
        rx.el.dl(
            detail_row("Предохранитель", AdminState.upstream["breaker"]),
            detail_row("Запросов за минуту", AdminState.upstream["used"]),
            detail_row("Ожиданий бюджета", AdminState.upstream["throttled"]),
            detail_row("Задержка p50 / p95", AdminState.upstream["p50"] + " / " + AdminState.upstream["p95"]),
            detail_row("Данные", AdminState.scope),
            detail_row("Страницу отдал", AdminState.served_by),
            class_name="details",
        ),
        rx.el.div("Запросы к CargoTech по минутам (красным — 429)", class_name="hint"),
        rx.recharts.bar_chart(
            rx.recharts.bar(data_key="requests", fill="var(--app-accent)", name="запросы"),
            rx.recharts.bar(data_key="throttled", fill="var(--app-danger)", name="429"),
            rx.recharts.x_axis(data_key="minute"),
            rx.recharts.y_axis(allow_decimals=False, width=40),
            data=AdminState.chart,
            width="100%",
            height=160,
        ),
        _table(
            ["Кэш", "Попадания", "Промахи", "Устаревшие", "Доля"],
            AdminState.cache,
            [lambda c: c["kind"], lambda c: c["hits"], lambda c: c["misses"], lambda c: c["stale"], lambda c: c["ratio"]],
        ),
        class_name="card-section",
    )


def _drift() -> rx.Component:
    return rx.el.section(
        rx.el.h2("Формат ответов CargoTech", class_name="section-title"),
        rx.el.div(
            AdminState.drift_status,
            class_name=rx.cond(AdminState.drift_loss, "banner banner-error", "hint"),
            data_testid="drift-status",
        ),
        # Two lines per example rather than a six-column table: field paths are long, phones narrow.
        rx.el.ul(
            rx.foreach(
                AdminState.drift,
                lambda d: rx.el.li(
                    rx.el.div(rx.el.code(d["path"]), " — пришло как ", d["seen"], class_name="drift-path"),
                    rx.el.div(d["line"], class_name="hint"),
                    class_name=rx.cond(d["kind_code"] == "coerced", "drift-row", "drift-row drift-loss"),
                ),
            ),
            class_name="drift-list",
        ),
        class_name="card-section",
        data_testid="schema-drift",
    )


def _outbox() -> rx.Component:
    return rx.el.section(
        rx.el.h2("Отклики: очередь бота", class_name="section-title"),
        rx.el.dl(
            detail_row("Ждут отправки", AdminState.outbox["pending"]),
            detail_row("Отправлено", AdminState.outbox["sent"]),
            detail_row("Не доставлено", AdminState.outbox["dead"]),
            class_name="details",
        ),
        rx.foreach(
            AdminState.dead,
            lambda m: rx.el.div(
                rx.el.span("№", m["id"], " · ", m["kind"], " · ", m["error"], class_name="hint"),
                rx.el.button("Повторить", on_click=AdminState.retry_dead(m["id"]), class_name="btn-inline"),
                class_name="banner banner-error",
            ),
        ),
        class_name="card-section",
    )


def admin_page() -> rx.Component:
    return screen(
        rx.cond(
            AdminState.allowed,
            rx.fragment(
                rx.el.header(rx.el.h1("Администрирование", class_name="page-title"), class_name="page-header"),
                rx.cond(AdminState.notice != "", rx.el.div(AdminState.notice, class_name="banner banner-stale", role="status")),
                _token(),
                _audit(),
                _upstream(),
                _drift(),
                _outbox(),
            ),
            rx.cond(
                AdminState.checked,
                rx.el.div(
                    rx.el.h1("403", class_name="page-title"),
                    rx.el.p("Доступ запрещён: эта страница только для администраторов."),
                    class_name="gate",
                    data_testid="forbidden",
                ),
                rx.el.p("Проверяем доступ…", class_name="hint"),
            ),
        ),
    )
