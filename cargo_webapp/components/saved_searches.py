"""Saved-search pieces: the «Сохранить поиск» form under the filter sheet, a list row with its
alert switch, and the quiet-hours form."""

from __future__ import annotations

import reflex as rx

from cargo_webapp.state.saved_searches_state import SavedSearchesState as S
from services.alerts.saved_searches import MAX_NAME


def save_search_button(*, on_click) -> rx.Component:
    """`on_click`: the filter sheet's submit for saving, which opens the save form."""
    return rx.el.button(
        "Сохранить поиск", on_click=on_click, class_name="btn btn-secondary", type="button", data_testid="save-search"
    )


def save_form_opener(element_id: str) -> rx.Component:
    """Hidden: the page presses it once the filter sheet submitted for saving is stored."""
    return rx.el.button(on_click=S.open_save, id=element_id, type="button", hidden=True, tab_index=-1, aria_hidden="true")


def save_search_form() -> rx.Component:
    """Shown after «Сохранить поиск»: the proposed name (editable) and the alert switch."""
    return rx.fragment(
        rx.cond(
            S.save_open,
            rx.el.div(
                rx.el.label("Название поиска", class_name="field-label", html_for="save-name"),
                rx.el.input(
                    value=S.save_name,
                    on_change=S.set_save_name,
                    id="save-name",
                    class_name="input",
                    max_length=MAX_NAME + 10,
                    aria_label="Название поиска",
                    data_testid="save-name",
                ),
                rx.el.label(
                    rx.el.input(
                        type="checkbox",
                        checked=S.save_alerts,
                        on_change=S.set_save_alerts,
                        class_name="switch-box",
                        data_testid="save-alerts",
                    ),
                    "Присылать новые грузы в бот",
                    class_name="switch-row",
                ),
                rx.cond(
                    S.save_error != "", rx.el.div(S.save_error, class_name="field-error", role="alert", data_testid="save-error")
                ),
                rx.el.div(
                    rx.el.button("Отмена", on_click=S.close_save, class_name="btn btn-secondary", type="button"),
                    rx.el.button(
                        "Сохранить", on_click=S.save, class_name="btn btn-primary", type="button", data_testid="save-confirm"
                    ),
                    class_name="panel-actions",
                ),
                class_name="field saved-search-form",
                data_testid="save-search-form",
            ),
        ),
        rx.cond(
            (S.message != "") & ~S.save_open,
            rx.el.div(
                rx.el.span(S.message),
                rx.link("Мои поиски", href="/searches", class_name="saved-link"),
                class_name="banner banner-ok",
                role="status",
                data_testid="save-message",
            ),
        ),
    )


def search_row(row) -> rx.Component:
    return rx.el.article(
        rx.el.div(
            rx.el.div(
                rx.el.h3(row["name"], class_name="card-route"),
                rx.cond(row["summary"] != "", rx.el.div(row["summary"], class_name="card-meta")),
            ),
            rx.el.button(
                rx.el.span(class_name="alert-knob"),
                on_click=S.toggle_alerts(row["id"]),
                class_name=rx.cond(row["alerts"], "alert-switch on", "alert-switch"),
                type="button",
                role="switch",
                aria_checked=rx.cond(row["alerts"], "true", "false"),
                aria_label="Уведомления о новых грузах",
                data_testid="alert-switch",
            ),
            class_name="card-head",
        ),
        rx.el.div(
            rx.el.span(
                rx.cond(row["alerts"], "Новые грузы приходят в бот", "Уведомления выключены"),
                class_name="hint",
                data_testid="alert-state",
            ),
            class_name="card-chips",
        ),
        rx.el.div(
            rx.el.button(
                "Показать грузы", on_click=S.apply(row["id"]), class_name="btn-tool", type="button", data_testid="apply-search"
            ),
            rx.el.button(
                "Удалить",
                on_click=S.delete(row["id"]),
                class_name="btn-tool btn-danger-text",
                type="button",
                data_testid="delete-search",
            ),
            class_name="saved-actions",
        ),
        class_name="cargo-card saved-search",
        data_testid="saved-search",
    )


def _quiet_time(word: str, name: str, value: rx.Var) -> rx.Component:
    """One end of the quiet hours («с» or «до») and its time field, the word part of the label.

    Keyed by the saved value so the uncontrolled field shows it again once the state loads."""
    return rx.el.label(
        word,
        rx.el.input(
            type="time",
            name=name,
            default_value=value,
            key=value,
            class_name="input",
            aria_label=f"Тихие часы {word}",
        ),
        class_name="quiet-field",
    )


def quiet_hours_form() -> rx.Component:
    return rx.el.form(
        rx.el.h2("Тихие часы", class_name="section-title"),
        rx.el.p(
            "По московскому времени. Что придёт в эти часы, пришлём одним сообщением, когда они закончатся.", class_name="hint"
        ),
        rx.el.div(
            _quiet_time("с", "quiet_start", S.quiet_start),
            _quiet_time("до", "quiet_end", S.quiet_end),
            class_name="quiet-row",
        ),
        rx.cond(S.quiet_error != "", rx.el.div(S.quiet_error, class_name="field-error", role="alert", data_testid="quiet-error")),
        rx.el.button("Сохранить тихие часы", class_name="btn btn-secondary", type="submit", data_testid="quiet-save"),
        on_submit=S.save_quiet_hours,
        class_name="card-section",
        data_testid="quiet-hours",
    )
