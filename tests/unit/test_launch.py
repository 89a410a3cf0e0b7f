"""What a Telegram launch asks for: its deep link, read from initData Telegram signed, once per launch."""

from __future__ import annotations

import json

import pytest

from services.identity.sign_in import cargo_path, launch_key, read_launch
from services.identity.telegram_auth import sign_init_data

BOT_TOKEN = "123456:TEST-token"
AUTH_DATE = 1_795_000_000  # a fixed clock: launches are judged at AUTH_DATE + a few seconds
USER = {"id": 474747, "first_name": "Ильдар"}


def launch(start_param: str | None = None, *, auth_date: int = AUTH_DATE, token: str = BOT_TOKEN) -> str:
    fields = {"user": json.dumps(USER, ensure_ascii=False), "auth_date": str(auth_date), "query_id": "AAE-1"}
    if start_param is not None:
        fields["start_param"] = start_param
    return sign_init_data(fields, token)


@pytest.mark.parametrize(
    ("start_param", "path"),
    [
        ("cargo_2200000123", "/cargo/2200000123"),
        ("cargo_", None),
        ("cargo_12a", None),
        ("cargo_１２", None),  # other scripts' digits never enter a URL
        ("cargo_12\n", None),
        ("search_5", None),
        ("", None),
        (None, None),
    ],
)
def test_cargo_path(start_param, path):
    assert cargo_path(start_param) == path


def test_a_fresh_signed_launch_carries_its_start_param():
    user = read_launch(launch("cargo_2200000123"), BOT_TOKEN, now=AUTH_DATE + 5)
    assert user is not None and user.id == USER["id"]
    assert cargo_path(user.start_param) == "/cargo/2200000123"
    plain = read_launch(launch(), BOT_TOKEN, now=AUTH_DATE + 5)
    assert plain is not None and cargo_path(plain.start_param) is None


def test_forged_stale_or_missing_launches_are_not_followed():
    assert read_launch(launch("cargo_1", token="999:other-bot"), BOT_TOKEN, now=AUTH_DATE + 5) is None
    tampered = launch("cargo_1").replace("cargo_1", "cargo_2")
    assert read_launch(tampered, BOT_TOKEN, now=AUTH_DATE + 5) is None
    # A reload of the web view an hour later brings the same initData back: too old to act on.
    assert read_launch(launch("cargo_1"), BOT_TOKEN, now=AUTH_DATE + 3600) is None
    assert read_launch("", BOT_TOKEN) is None
    assert read_launch(None, BOT_TOKEN) is None  # type: ignore[arg-type]  # no launch data at all
    assert read_launch("x" * 20_000, BOT_TOKEN) is None


def test_each_launch_has_its_own_key():
    first, again = launch("cargo_1"), launch("cargo_1")
    later = launch("cargo_1", auth_date=AUTH_DATE + 60)
    assert launch_key(first) == launch_key(again)  # the same initData: a reload
    assert launch_key(first) != launch_key(later)  # a new launch of the same link
    assert len(launch_key(first)) == 16
