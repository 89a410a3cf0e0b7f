"""initData validation against other libraries' published vectors, and Telegram's rules edge by edge."""

from __future__ import annotations

import base64
import json
import logging
import time
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from services.identity.telegram_auth import (
    TELEGRAM_PUBLIC_KEY_PROD,
    TELEGRAM_PUBLIC_KEY_TEST,
    InitDataError,
    TelegramUser,
    sign_init_data,
    validate_init_data,
    validate_third_party,
)
from tests.unit import telegram_vectors as v

TOKEN = "123456:our-test-bot-token"
NOW = 1_750_000_000


def user_json(**fields: object) -> str:
    return json.dumps({"id": 7001, "first_name": "Иван", **fields}, ensure_ascii=False)


def signed(now: int = NOW, token: str = TOKEN, **extra: str) -> str:
    return sign_init_data({"auth_date": str(now), "user": user_json(), **extra}, token)


def rejected(init_data: str, token: str = TOKEN, **kwargs: object) -> str:
    kwargs.setdefault("now", NOW)
    with pytest.raises(InitDataError) as info:
        validate_init_data(init_data, token, **kwargs)  # type: ignore[arg-type]  # hostile values on purpose
    return info.value.reason


# --- published vectors ---


def test_tma_classic_vector():
    user = validate_init_data(v.TMA_CLASSIC, v.TMA_TOKEN, now=v.TMA_CLASSIC_NOW)
    assert user == TelegramUser(
        id=279058397,
        first_name="Vladislav",
        last_name="Kibenko",
        username="vdkfrost",
        language_code="ru",
        photo_url=None,
        is_premium=True,
        allows_write_to_pm=False,
        auth_date=1662771648,
        start_param=None,
        query_id="AAHdF6IQAAAAAN0XohDhrOrc",
    )


def test_tma_full_vector_with_chat_receiver_and_start_param():
    user = validate_init_data(v.TMA_FULL, v.TMA_TOKEN, now=v.TMA_FULL_NOW)
    assert (user.id, user.first_name, user.photo_url) == (222, "user-first-name", "user-photo")
    assert (user.start_param, user.query_id, user.auth_date) == ("debug", "QUERY", 1)
    assert user.is_premium is False and user.allows_write_to_pm is False


def test_modern_vector_keeps_signature_in_the_check_string_and_escaped_slashes():
    user = validate_init_data(v.MODERN, v.MODERN_TOKEN, now=v.MODERN_NOW)
    assert user.first_name == "Vladislav + - ? /"
    assert user.photo_url == "https://t.me/i/userpic/320/4FPEE4tmP3ATHa57u6MqTDih13LTOiMoKoLDRG4PnSA.svg"
    assert user.is_premium and user.allows_write_to_pm
    # The same data without `signature` no longer matches the hash: the field is signed too.
    without_signature = "&".join(p for p in v.MODERN.split("&") if not p.startswith("signature="))
    assert rejected(without_signature, v.MODERN_TOKEN, now=v.MODERN_NOW) == "bad_hash"


def test_aiogram_vector():
    user = validate_init_data(v.AIOGRAM_SIMPLE, v.AIOGRAM_TOKEN, now=v.AIOGRAM_NOW)
    assert (user.id, user.first_name, user.query_id) == (42, "Test", "test")


def test_plus_decodes_to_a_space():
    # The hash is checked before the user: "malformed" (not "bad_hash") proves the '+'-encoded
    # vector verified; its string-typed user id is then refused.
    assert rejected(v.AIOGRAM_PLUS, v.AIOGRAM_TOKEN, now=v.AIOGRAM_NOW) == "malformed"
    assert rejected(v.AIOGRAM_PLUS.replace("+", "%20"), v.AIOGRAM_TOKEN, now=v.AIOGRAM_NOW) == "malformed"
    assert rejected(v.AIOGRAM_PLUS.replace("+", "%2B"), v.AIOGRAM_TOKEN, now=v.AIOGRAM_NOW) == "bad_hash"


def test_published_vectors_reject_other_tokens_and_tampering():
    assert rejected(v.TMA_CLASSIC, v.TMA_TOKEN + "A", now=v.TMA_CLASSIC_NOW) == "bad_hash"
    assert rejected(v.AIOGRAM_SIMPLE, "42:INVALID", now=v.AIOGRAM_NOW) == "bad_hash"
    tampered = v.TMA_CLASSIC.replace("279058397", "279058398")
    assert rejected(tampered, v.TMA_TOKEN, now=v.TMA_CLASSIC_NOW) == "bad_hash"


def test_published_vectors_expire_at_the_default_age():
    assert rejected(v.TMA_CLASSIC, v.TMA_TOKEN, now=v.TMA_CLASSIC_NOW + 301) == "expired"
    assert validate_init_data(v.TMA_CLASSIC, v.TMA_TOKEN, now=v.TMA_CLASSIC_NOW + 300).id == 279058397


def test_max_age_none_disables_the_age_check():
    # Real clock: the 2022 vector is years old.
    assert validate_init_data(v.TMA_CLASSIC, v.TMA_TOKEN, max_age_s=None).id == 279058397
    assert rejected(v.TMA_CLASSIC, v.TMA_TOKEN, now=None) == "expired"


# --- our own strings, signed by sign_init_data ---


def test_sign_round_trip_with_plus_ampersand_equals_and_cyrillic():
    name = "Пётр + Co & sons = 100% ok"
    init_data = sign_init_data(
        {
            "auth_date": str(NOW),
            "user": user_json(first_name=name, last_name="Иванов", username="petr_k", language_code="ru"),
            "query_id": "q=1&2",
            "start_param": "route+42",
        },
        TOKEN,
    )
    assert "+" not in init_data and "%20" in init_data  # spaces as %20, a literal '+' as %2B
    user = validate_init_data(init_data, TOKEN, now=NOW)
    assert (user.first_name, user.last_name, user.username) == (name, "Иванов", "petr_k")
    assert (user.query_id, user.start_param, user.language_code) == ("q=1&2", "route+42", "ru")


def test_escaped_slash_in_photo_url_is_hashed_as_sent():
    raw_user = '{"id":7001,"first_name":"A","photo_url":"https:\\/\\/t.me\\/i\\/userpic\\/320\\/x.svg"}'
    init_data = sign_init_data({"auth_date": str(NOW), "user": raw_user}, TOKEN)
    assert validate_init_data(init_data, TOKEN, now=NOW).photo_url == "https://t.me/i/userpic/320/x.svg"
    # The same JSON value without the escapes is a different string, so a different hash.
    unescaped = init_data.replace(quote("\\/", safe=""), quote("/", safe=""))
    assert unescaped != init_data
    assert rejected(unescaped) == "bad_hash"


def test_signature_field_stays_in_the_check_string():
    init_data = signed(signature="c2lnbmVkLWJ5LXRlbGVncmFt")
    assert validate_init_data(init_data, TOKEN, now=NOW).id == 7001
    assert rejected(init_data.replace("signature=c2ln", "signature=d2ln")) == "bad_hash"


def test_value_keeps_everything_after_the_first_equals_sign():
    init_data = signed(start_param="a=b=c")
    assert "start_param=a%3Db%3Dc" in init_data
    assert validate_init_data(init_data.replace("a%3Db%3Dc", "a=b=c"), TOKEN, now=NOW).start_param == "a=b=c"


def test_sign_defaults_auth_date_to_now_and_refuses_a_hash():
    init_data = sign_init_data({"user": user_json()}, TOKEN)
    assert abs(validate_init_data(init_data, TOKEN).auth_date - time.time()) < 5
    with pytest.raises(ValueError):
        sign_init_data({"user": user_json(), "hash": "x"}, TOKEN)


@pytest.mark.parametrize(
    ("init_data", "reason"),
    [
        ("", "malformed"),
        ("test&foo=bar=baz", "malformed"),  # aiogram's case: a field without '='
        ("user=x&&hash=abc", "malformed"),
        ("auth_date=1&user=x", "missing_hash"),
        ("auth_date=1&user=x&hash=", "missing_hash"),
        ("user=x&hash=abc", "malformed"),  # no auth_date
        ("auth_date=AAA&hash=abc", "malformed"),
        ("auth_date=-5&hash=abc", "malformed"),
        ("auth_date=1&hash=abc&hash=abc", "malformed"),
        ("auth_date=%FF&hash=abc", "malformed"),  # not UTF-8
        ("auth_date=1&hash=%C3%A9%C3%A9", "bad_hash"),  # non-ASCII hash: a mismatch, not a TypeError
        ("auth_date=1&x=" + "a" * 20_000 + "&hash=abc", "malformed"),
    ],
)
def test_structural_rejections(init_data, reason):
    assert rejected(init_data) == reason


def test_duplicate_of_a_signed_field_is_malformed():
    init_data = signed()
    assert rejected(init_data + f"&auth_date={NOW}") == "malformed"
    assert rejected(init_data + "&user=" + quote(user_json(id=1), safe="")) == "malformed"


def test_tampered_field_and_wrong_token():
    init_data = signed()
    assert rejected(init_data.replace("7001", "7002")) == "bad_hash"
    assert rejected(init_data, token="123456:another-token") == "bad_hash"


def test_stale_and_future_auth_dates():
    init_data = signed(now=NOW)
    assert rejected(init_data, now=NOW + 301) == "expired"
    assert validate_init_data(init_data, TOKEN, now=NOW + 300).auth_date == NOW
    assert rejected(init_data, now=NOW + 3601, max_age_s=3600) == "expired"
    # Up to 60 s of clock skew is tolerated, more is not, even with the age check off.
    assert validate_init_data(init_data, TOKEN, now=NOW - 60).auth_date == NOW
    assert rejected(init_data, now=NOW - 61) == "expired"
    assert rejected(init_data, now=NOW - 61, max_age_s=None) == "expired"


def test_forged_and_stale_is_bad_hash_not_expired():
    assert rejected(signed(now=NOW - 10_000, token="1:attacker")) == "bad_hash"


@pytest.mark.parametrize(
    "user",
    [
        None,
        "not json",
        "[1, 2]",
        '{"first_name": "A"}',
        '{"id": "7001", "first_name": "A"}',
        '{"id": true, "first_name": "A"}',
        '{"id": 0, "first_name": "A"}',
        '{"id": 7001}',
        '{"id": 7001, "first_name": "A", "username": 5}',
        '{"id": 7001, "first_name": "A", "is_premium": "true"}',
    ],
)
def test_missing_or_invalid_user_is_malformed(user):
    fields = {"auth_date": str(NOW)} | ({} if user is None else {"user": user})
    assert rejected(sign_init_data(fields, TOKEN)) == "malformed"


def test_failures_log_the_reason_only(caplog):
    init_data = signed()
    digest = init_data.rsplit("hash=", 1)[1]
    caplog.set_level(logging.WARNING, logger="telegram_auth")
    with pytest.raises(InitDataError) as info:
        validate_init_data(init_data, "123456:wrong-secret-token", now=NOW)
    records = [r for r in caplog.records if r.name == "telegram_auth"]
    assert [(r.levelno, r.getMessage()) for r in records] == [(logging.WARNING, "initData rejected: bad_hash")]
    for text in (str(info.value), caplog.text):
        assert "wrong-secret-token" not in text and digest not in text and TOKEN not in text


# --- third-party (Ed25519) validation ---


def sign_third_party(key: Ed25519PrivateKey, bot_id: int, fields: dict[str, str]) -> str:
    check_string = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    signature = key.sign(f"{bot_id}:WebAppData\n{check_string}".encode())
    encoded = base64.urlsafe_b64encode(signature).rstrip(b"=").decode()
    return "&".join(f"{k}={quote(val, safe='')}" for k, val in fields.items()) + f"&signature={encoded}"


def public_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def third_party_rejected(init_data: str, bot_id: int, key_hex: str, **kwargs: object) -> str:
    kwargs.setdefault("now", NOW)
    with pytest.raises(InitDataError) as info:
        validate_third_party(init_data, bot_id, public_key_hex=key_hex, **kwargs)  # type: ignore[arg-type]  # hostile values on purpose
    return info.value.reason


def test_third_party_published_vectors_verify_with_telegrams_production_key():
    user = validate_third_party(v.THIRD_PARTY, v.MODERN_BOT_ID, public_key_hex=TELEGRAM_PUBLIC_KEY_PROD, now=v.THIRD_PARTY_NOW)
    assert (user.id, user.username) == (279058397, "vdkfrost")
    # The first-party vector carries Telegram's signature too.
    assert validate_third_party(v.MODERN, v.MODERN_BOT_ID, public_key_hex=TELEGRAM_PUBLIC_KEY_PROD, now=v.MODERN_NOW)
    bot_id, at = v.MODERN_BOT_ID, v.THIRD_PARTY_NOW
    assert third_party_rejected(v.THIRD_PARTY, bot_id + 1, TELEGRAM_PUBLIC_KEY_PROD, now=at) == "bad_hash"
    assert third_party_rejected(v.THIRD_PARTY, bot_id, TELEGRAM_PUBLIC_KEY_TEST, now=at) == "bad_hash"
    assert third_party_rejected(v.THIRD_PARTY, bot_id, TELEGRAM_PUBLIC_KEY_PROD, now=at + 301) == "expired"


def test_third_party_aiogram_vectors():
    key, bot_id = v.AIOGRAM_ED25519_PUBLIC_KEY, v.AIOGRAM_ED25519_BOT_ID
    user = validate_third_party(v.AIOGRAM_SIGNED, bot_id, public_key_hex=key, now=v.AIOGRAM_NOW)
    assert (user.id, user.first_name, user.query_id) == (42, "Test", "test")  # `hash=123` is ignored
    assert third_party_rejected(v.AIOGRAM_BAD_SIGNATURE, bot_id, key, now=v.AIOGRAM_NOW) == "bad_hash"


def test_third_party_with_a_local_key_pair():
    key = Ed25519PrivateKey.generate()
    fields = {"auth_date": str(NOW), "user": user_json(first_name="Анна & Co"), "chat_type": "private"}
    init_data = sign_third_party(key, 555, fields)
    assert validate_third_party(init_data, 555, public_key_hex=public_hex(key), now=NOW).first_name == "Анна & Co"
    # A `hash` field is neither required nor covered by the signature.
    assert validate_third_party(init_data + "&hash=abc", 555, public_key_hex=public_hex(key), now=NOW).id == 7001

    assert third_party_rejected(init_data, 556, public_hex(key)) == "bad_hash"
    assert third_party_rejected(init_data.replace("private", "group"), 555, public_hex(key)) == "bad_hash"
    assert third_party_rejected(init_data, 555, public_hex(Ed25519PrivateKey.generate())) == "bad_hash"
    unsigned = init_data.rsplit("&signature=", 1)[0]
    assert third_party_rejected(unsigned, 555, public_hex(key)) == "missing_hash"
    assert third_party_rejected(unsigned + "&signature=%21%21%21", 555, public_hex(key)) == "bad_hash"
    assert third_party_rejected(unsigned + "&signature=c2hvcnQ", 555, public_hex(key)) == "bad_hash"
    assert third_party_rejected(init_data, 555, public_hex(key), now=NOW + 301) == "expired"


def test_third_party_rejects_a_bad_public_key_as_configuration_error():
    with pytest.raises(ValueError) as info:
        validate_third_party(v.THIRD_PARTY, v.MODERN_BOT_ID, public_key_hex="abcd", now=v.THIRD_PARTY_NOW)
    assert not isinstance(info.value, InitDataError)
