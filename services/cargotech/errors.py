"""Errors the CargoTech integration raises, each with the Russian text a driver may see."""

from __future__ import annotations

from services.errors import UserFacingError


class CargoTechError(UserFacingError):
    """Base class. `user_message` (per class) is safe to show a driver; `str(exc)` is for logs."""

    user_message = "Сервис временно недоступен. Попробуйте позже."


class CargoTechUnavailable(CargoTechError):
    """CargoTech is down, slow, rate limiting us, or answered garbage."""

    def __init__(self, message: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class CargoTechBusy(CargoTechUnavailable):
    """Our shared 600/min budget is spent: waiting longer than the caller allows."""

    user_message = "Слишком много запросов к CargoTech — попробуйте через минуту."


class CargoTechAuthFailed(CargoTechError):
    """The shared account could not log in (bad credentials, suspended account)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class CargoNotFound(CargoTechError):
    """The cargo is gone: a normal event on an exchange, never an outage."""

    user_message = "Груз снят с публикации."


class InvalidCargoId(CargoTechError, ValueError):
    """A cargo id that is not all digits must never reach a URL."""

    user_message = "Неверный номер груза."
