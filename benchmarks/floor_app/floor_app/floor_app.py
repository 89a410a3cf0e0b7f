"""One state, one no-I/O event: what any Reflex event costs on this machine, with nothing of
the product in it. The harness's floor drivers send `toggle` at the product drivers' pace."""

import reflex as rx


class FloorState(rx.State):
    on: bool = False

    @rx.event
    def toggle(self):
        self.on = not self.on


def index() -> rx.Component:
    return rx.el.button(rx.cond(FloorState.on, "on", "off"), on_click=FloorState.toggle)


app = rx.App()
app.add_page(index, route="/")
