"""The tab's last live status change, so the open app can answer it with a haptic."""

from __future__ import annotations

import reflex as rx

from services.vocabulary import ResponseStatus

# Telegram's notification haptics for a dispatcher's decision. «Отправлен» is not one: the driver
# already felt the respond itself.
HAPTIC_FOR_STATUS: dict[str, str] = {
    ResponseStatus.ACCEPTED: "success",
    ResponseStatus.COMPLETED: "success",
    ResponseStatus.REJECTED: "warning",
}


class LiveState(rx.State):
    # Bumped on each felt change; assets/app.js compares it with the value it saw last.
    status_changes: int = 0
    haptic: str = ""  # success | warning

    # Underscored: Reflex makes every public method a handler any client may call.
    def _felt(self, status: str) -> None:
        kind = HAPTIC_FOR_STATUS.get(status)
        if kind:
            self.status_changes += 1
            self.haptic = kind
