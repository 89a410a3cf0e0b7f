"""The filter sheet: cities with autocomplete and radius, weight classes, body and loading
types, date, price and distance ranges. Every field shows its own error.

One HTML form: the fields are the browser's until it is submitted, and the submit carries the
whole sheet in one event (`FeedState.submit_filters`). Only the city fields talk to the server
as the driver types, for their suggestions; the weight chips above the feed are one event
each. When the server replaces the filters (a reset, restored or saved filters) `form_version`
changes and the form is drawn afresh from them."""

from __future__ import annotations

import reflex as rx

from cargo_webapp.components.saved_searches import save_form_opener, save_search_button, save_search_form
from cargo_webapp.state.feed_state import OPEN_SAVE_FORM_ID, FeedState


def field_error(name: str) -> rx.Component:
    return rx.cond(
        FeedState.errors.contains(name),
        rx.el.div(FeedState.errors[name], class_name="field-error", role="alert"),
    )


FORM_ID = "filters-form"
INTENT_ID = "filters-intent"
SUBMIT = f"document.getElementById('{FORM_ID}').requestSubmit()"


def text_input(name: str, placeholder: str, *, kind: str = "text", mode: str = "numeric") -> rx.Component:
    return rx.el.input(
        default_value=FeedState.form.get(name, ""),
        placeholder=placeholder,
        type=kind,
        input_mode=mode,
        class_name="input",
        aria_label=placeholder,
        name=name,
    )


def hidden(name: str) -> rx.Component:
    """What the server sets as the driver picks: a city's id and type (a suggestion), the
    weight class (the chips above the feed, outside the sheet)."""
    return rx.el.input(type="hidden", name=name, value=FeedState.form.get(name, ""))


def city_picker(which: str, label: str) -> rx.Component:
    suggestions = FeedState.from_suggestions if which == "from" else FeedState.to_suggestions
    return rx.el.div(
        rx.el.label(label, class_name="field-label"),
        rx.debounce_input(
            rx.el.input(
                value=FeedState.form.get(f"{which}_name", ""),
                on_change=lambda text: FeedState.search_points(which, text),
                placeholder="Город или регион",
                class_name="input",
                aria_label=label,
                name=f"{which}_name",
                auto_complete="off",
            ),
            debounce_timeout=300,
        ),
        rx.cond(
            suggestions.length() > 0,
            rx.el.ul(
                rx.foreach(
                    suggestions,
                    lambda point: rx.el.li(
                        rx.el.button(
                            point["name"],
                            on_click=FeedState.choose_point(which, point),
                            class_name="suggestion",
                            type="button",
                        )
                    ),
                ),
                class_name="suggestions",
                data_testid=f"{which}-suggestions",
            ),
        ),
        hidden(f"{which}_id"),
        hidden(f"{which}_type"),
        rx.el.div(
            rx.el.span("Радиус, км", class_name="hint"),
            text_input(f"{which}_radius", "50"),
            class_name="radius-row",
        ),
        field_error(f"{which}_id"),
        field_error(f"{which}_radius"),
        class_name="field",
    )


def weight_chips() -> rx.Component:
    return rx.el.div(
        rx.foreach(
            FeedState.weight_chips,
            lambda chip: rx.el.button(
                chip["label"],
                on_click=FeedState.set_weight(chip["value"]),
                class_name=rx.cond(chip["active"], "chip-btn active", "chip-btn"),
                type="button",
                data_testid="weight-chip",
            ),
        ),
        class_name="chip-row",
        role="group",
        aria_label="Вес и объём",
    )


def type_toggles(kind: str, options, chosen) -> rx.Component:
    return rx.el.div(
        rx.foreach(
            options,
            lambda option: rx.el.label(
                rx.el.input(
                    type="checkbox", name=f"{kind}_types", value=option["id"], default_checked=chosen.contains(option["id"])
                ),
                option["name"],
                class_name="chip-btn",
            ),
        ),
        class_name="chip-wrap",
    )


def range_inputs(name: str, label: str) -> rx.Component:
    return rx.el.div(
        rx.el.label(label, class_name="field-label"),
        rx.el.div(text_input(f"{name}_min", "от"), text_input(f"{name}_max", "до"), class_name="range-row"),
        field_error(f"{name}_min"),
        field_error(f"{name}_max"),
        class_name="field",
    )


def filters_panel() -> rx.Component:
    return rx.el.section(
        rx.el.form(
            sheet_fields(),
            id=FORM_ID,
            key=FeedState.form_version,
            class_name="filters-sheet",
            on_submit=FeedState.submit_filters,
            reset_on_submit=False,
        ),
        save_form_opener(OPEN_SAVE_FORM_ID),
        save_search_form(),
        class_name="filters-panel",
        data_testid="filters-panel",
    )


def sheet_fields() -> rx.Component:
    return rx.fragment(
        rx.el.input(type="hidden", name="intent", id=INTENT_ID, default_value="apply"),
        hidden("weight_class"),
        city_picker("from", "Откуда"),
        city_picker("to", "Куда"),
        rx.el.div(
            rx.el.label("Свой вес и объём (т-м³)", class_name="field-label"),
            text_input("custom_wv", "например 7.5-45", mode="decimal"),
            field_error("custom_wv"),
            class_name="field",
        ),
        rx.el.div(
            rx.el.label("Тип кузова", class_name="field-label"),
            type_toggles("truck", FeedState.truck_options, FeedState.truck_types),
            class_name="field",
        ),
        rx.el.div(
            rx.el.label("Тип загрузки", class_name="field-label"),
            type_toggles("load", FeedState.load_options, FeedState.load_types),
            class_name="field",
        ),
        rx.el.div(
            rx.el.label("Дата загрузки", class_name="field-label"),
            text_input("start_date", "ГГГГ-ММ-ДД", kind="date", mode="text"),
            field_error("start_date"),
            class_name="field",
        ),
        range_inputs("price", "Цена, ₽"),
        range_inputs("price_per_km", "₽/км"),
        range_inputs("distance", "Расстояние, км"),
        rx.el.div(
            rx.el.button("Сбросить всё", on_click=FeedState.clear_all, class_name="btn btn-secondary", type="button"),
            rx.el.button("Показать грузы", class_name="btn btn-primary", type="submit"),
            class_name="panel-actions",
        ),
        # «Сохранить поиск» takes the sheet as it stands, applied or not: a submit marked "save".
        save_search_button(on_click=[rx.set_value(INTENT_ID, "save"), rx.call_script(SUBMIT), rx.set_value(INTENT_ID, "apply")]),
    )
