"""The filter sheet: cities with autocomplete and radius, weight classes, body and loading
types, date, price and distance ranges. Every field shows its own error."""

from __future__ import annotations

import reflex as rx

from cargo_webapp.components.saved_searches import save_search_button, save_search_form
from cargo_webapp.state.feed_state import FeedState


def field_error(name: str) -> rx.Component:
    return rx.cond(
        FeedState.errors.contains(name),
        rx.el.div(FeedState.errors[name], class_name="field-error", role="alert"),
    )


def text_input(name: str, placeholder: str, *, kind: str = "text", mode: str = "numeric") -> rx.Component:
    return rx.debounce_input(
        rx.el.input(
            value=FeedState.form.get(name, ""),
            on_change=lambda value: FeedState.set_field(name, value),
            placeholder=placeholder,
            type=kind,
            input_mode=mode,
            class_name="input",
            aria_label=placeholder,
            name=name,
        ),
        debounce_timeout=250,
    )


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
            lambda option: rx.el.button(
                option["name"],
                on_click=FeedState.toggle_type(kind, option["id"]),
                class_name=rx.cond(chosen.contains(option["id"]), "chip-btn active", "chip-btn"),
                type="button",
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
            rx.el.button("Показать грузы", on_click=FeedState.apply, class_name="btn btn-primary", type="button"),
            class_name="panel-actions",
        ),
        save_search_button(),
        save_search_form(),
        class_name="filters-panel",
        data_testid="filters-panel",
    )
