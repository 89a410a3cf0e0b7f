"""The one way an error reaches a driver: `UserFacingError`.

Every error whose text may be shown in the app derives from it and carries:
- `user_message`: Russian, safe to show as it is (never a secret, never a traceback);
- `field_errors`: for a form, each bad field's name → a Russian message naming that field
  (empty when the error is not about a field).

`str(exc)` stays for the logs and may be English or technical. A state catches
`UserFacingError` (or a subclass it expects) and reads these two attributes, nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping


class UserFacingError(Exception):
    # The fallback a subclass overrides at class level (CargoTech's outage texts) or per instance.
    user_message: str = "Что-то пошло не так. Попробуйте ещё раз."

    def __init__(
        self, log_message: str | None = None, *, user_message: str | None = None, field_errors: Mapping[str, str] | None = None
    ) -> None:
        if user_message is not None:
            self.user_message = user_message
        super().__init__(self.user_message if log_message is None else log_message)
        self.field_errors: dict[str, str] = dict(field_errors or {})
