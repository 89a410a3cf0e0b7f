"""Every error a driver may see speaks through one contract: user_message and field_errors."""

import pytest

from services.alerts.saved_searches import SavedSearchError, clean_filters
from services.cargotech.errors import (
    CargoNotFound,
    CargoTechAuthFailed,
    CargoTechBusy,
    CargoTechError,
    CargoTechUnavailable,
    InvalidCargoId,
)
from services.dispatch.responses import ResponseError, normalise_phone
from services.errors import UserFacingError
from services.feed.filters import FilterValidationError, validate_filters
from services.identity.sign_in import SignInRefused


def test_cargotech_errors_show_their_class_text_and_log_the_detail():
    cases = [
        (CargoTechUnavailable("HTTP 502 from /cargos", retry_after_s=3), "Сервис временно недоступен. Попробуйте позже."),
        (CargoTechBusy("budget spent"), "Слишком много запросов к CargoTech — попробуйте через минуту."),
        (CargoTechAuthFailed("login 403", status=403), "Сервис временно недоступен. Попробуйте позже."),
        (CargoNotFound("cargo 1 gone"), "Груз снят с публикации."),
        (InvalidCargoId("'1/../x'"), "Неверный номер груза."),
    ]
    for error, shown in cases:
        assert isinstance(error, UserFacingError) and isinstance(error, CargoTechError)
        assert error.user_message == shown
        assert error.field_errors == {}
        assert str(error) != shown  # the log line keeps the technical detail
    assert isinstance(InvalidCargoId("x"), ValueError)  # callers that guard ValueError still catch it


def test_sign_in_refusal():
    error = SignInRefused("Откройте приложение из бота в Telegram")
    assert isinstance(error, UserFacingError)
    assert (error.user_message, error.field_errors, str(error)) == (
        "Откройте приложение из бота в Telegram",
        {},
        "Откройте приложение из бота в Telegram",
    )


def test_a_bad_phone_names_its_field():
    with pytest.raises(UserFacingError) as caught:
        normalise_phone("12")
    assert isinstance(caught.value, ResponseError) and isinstance(caught.value, ValueError)
    assert caught.value.user_message.startswith("Телефон:")
    assert caught.value.field_errors == {"phone": caught.value.user_message}


def test_bad_filters_name_each_field():
    with pytest.raises(UserFacingError) as caught:
        validate_filters({"price_min": "абв", "mode": "all", "weight_class": "any"})
    assert isinstance(caught.value, FilterValidationError)
    assert list(caught.value.field_errors) == ["price_min"]
    assert caught.value.user_message == caught.value.field_errors["price_min"]
    assert caught.value.user_message.startswith("Цена от")


def test_a_saved_search_keeps_the_filter_forms_messages():
    with pytest.raises(UserFacingError) as caught:
        clean_filters({"price_min": "абв"})
    assert isinstance(caught.value, SavedSearchError)
    assert caught.value.user_message.startswith("Фильтры: Цена от")
    assert list(caught.value.field_errors) == ["price_min"]
    plain = SavedSearchError("name", "введите название")
    assert (plain.user_message, plain.field_errors) == ("Название: введите название", {"name": "Название: введите название"})


def test_the_root_has_a_fallback_and_takes_an_instance_message():
    assert UserFacingError().user_message == "Что-то пошло не так. Попробуйте ещё раз."
    assert UserFacingError("db down", user_message="Не сохранилось").user_message == "Не сохранилось"
    assert str(UserFacingError("db down", user_message="Не сохранилось")) == "db down"
