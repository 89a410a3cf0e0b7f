"""initData strings published by other libraries, with the bot token (or bot id) that signed them.

Each is copied verbatim from the cited file; `now` is the vector's own auth_date, so the age check
passes exactly as it did when the vector was made.
"""

from __future__ import annotations

# Telegram-Mini-Apps/init-data-golang, validate_test.go (also on docs.telegram-mini-apps.com, the
# @tma.js/init-data "Validating" page). The classic shape: query_id, user, auth_date, hash.
TMA_TOKEN = "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8"
TMA_CLASSIC = (
    "query_id=AAHdF6IQAAAAAN0XohDhrOrc"
    "&user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%22Vladislav%22%2C%22last_name%22%3A%22Kibenko%22"
    "%2C%22username%22%3A%22vdkfrost%22%2C%22language_code%22%3A%22ru%22%2C%22is_premium%22%3Atrue%7D"
    "&auth_date=1662771648"
    "&hash=c501b71e775f74ce10e377dea85a7ea24ecd640b223ea86dfe453e0eaed2e2b2"
)
TMA_CLASSIC_NOW = 1662771648

# Telegram-Mini-Apps/telegram-apps, packages/init-data-node/src/entries/node.test.ts: every field
# Telegram may send (chat, receiver, start_param, ...), hash in the middle, auth_date=1.
TMA_FULL = (
    "auth_date=1&can_send_after=10000"
    "&chat=%7B%22id%22%3A1%2C%22type%22%3A%22group%22%2C%22title%22%3A%22chat-title%22%2C%22photo_url%22"
    "%3A%22group%22%2C%22username%22%3A%22my-chat%22%7D"
    "&chat_instance=888&chat_type=sender"
    "&hash=47cfa22e72b887cba90c9cb833c5ea0f599975b6ce7193741844b5c4a4228b40"
    "&query_id=QUERY"
    "&receiver=%7B%22added_to_attachment_menu%22%3Afalse%2C%22allows_write_to_pm%22%3Atrue%2C%22first_name"
    "%22%3A%22receiver-first-name%22%2C%22id%22%3A991%2C%22is_bot%22%3Afalse%2C%22is_premium%22%3Atrue%2C"
    "%22language_code%22%3A%22ru%22%2C%22last_name%22%3A%22receiver-last-name%22%2C%22photo_url%22%3A%22"
    "receiver-photo%22%2C%22username%22%3A%22receiver-username%22%7D"
    "&start_param=debug"
    "&user=%7B%22added_to_attachment_menu%22%3Afalse%2C%22allows_write_to_pm%22%3Afalse%2C%22first_name%22"
    "%3A%22user-first-name%22%2C%22id%22%3A222%2C%22is_bot%22%3Atrue%2C%22is_premium%22%3Afalse%2C"
    "%22language_code%22%3A%22en%22%2C%22last_name%22%3A%22user-last-name%22%2C%22photo_url%22%3A%22"
    "user-photo%22%2C%22username%22%3A%22user-username%22%7D"
)
TMA_FULL_NOW = 1

# Telegram-Mini-Apps/init-data-golang, README.md ("Validation"): a modern launch (Dec 2024) with a
# `signature` field, `+ - ? \/` in the name and `\/` escapes in photo_url. Its hash only verifies
# with `signature` kept in the data-check string.
MODERN_TOKEN = "7342037359:AAHI25ES9xCOMPokpYoz-p8XVrZUdygo2J4"
MODERN_BOT_ID = 7342037359
MODERN_USER = (
    "user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%22Vladislav%20%2B%20-%20%3F%20%5C%2F%22%2C"
    "%22last_name%22%3A%22Kibenko%22%2C%22username%22%3A%22vdkfrost%22%2C%22language_code%22%3A%22ru%22"
    "%2C%22is_premium%22%3Atrue%2C%22allows_write_to_pm%22%3Atrue%2C%22photo_url%22%3A%22https%3A%5C%2F"
    "%5C%2Ft.me%5C%2Fi%5C%2Fuserpic%5C%2F320%5C%2F4FPEE4tmP3ATHa57u6MqTDih13LTOiMoKoLDRG4PnSA.svg%22%7D"
)
MODERN = (
    MODERN_USER + "&chat_instance=8134722200314281151&chat_type=private&auth_date=1733509682"
    "&signature=TYJxVcisqbWjtodPepiJ6ghziUL94-KNpG8Pau-X7oNNLNBM72APCpi_RKiUlBvcqo5L-LAxIc3dnTzcZX_PDg"
    "&hash=a433d8f9847bd6addcc563bff7cc82c89e97ea0d90c11fe5729cae6796a36d73"
)
MODERN_NOW = 1733509682

# Telegram-Mini-Apps/init-data-golang, validate_third_party_test.go (the same string is in
# telegram-apps packages/init-data-node/src/entries/shared.test.ts): signed by Telegram with its
# production Ed25519 key for bot 7342037359. Its bot token is not published; only the signature is used.
THIRD_PARTY = (
    MODERN_USER + "&chat_instance=8134722200314281151&chat_type=private&auth_date=1733584787"
    "&hash=2174df5b000556d044f3f020384e879c8efcab55ddea2ced4eb752e93e7080d6"
    "&signature=zL-ucjNyREiHDE8aihFwpfR9aggP2xiAo3NSpfe-p7IbCisNlDKlo7Kb6G4D0Ao2mBrSgEk4maLSdv6MLIlADQ"
)
THIRD_PARTY_NOW = 1733584787

# aiogram/aiogram, tests/test_utils/test_web_app.py (check_webapp_signature cases).
AIOGRAM_TOKEN = "42:TEST"
AIOGRAM_NOW = 1650385342
AIOGRAM_SIMPLE = (
    "auth_date=1650385342&user=%7B%22id%22%3A42%2C%22first_name%22%3A%22Test%22%7D&query_id=test"
    "&hash=46d2ea5e32911ec8d30999b56247654460c0d20949b6277af519e76271182803"
)
# Spaces encoded as '+'; its hash only verifies if '+' decodes to a space. Its user has a string id
# and string booleans, which real Telegram never sends.
AIOGRAM_PLUS = (
    "auth_date=1650385342"
    "&user=%7B%22id%22%3A+%22123456789%22%2C+%22first_name%22%3A+%22PlaceholderFirstName%22%2C+%22last_name"
    "%22%3A+%22PlaceholderLastName+%5Cud83c%5Cuddfa%5Cud83c%5Cudde6%22%2C+%22username%22%3A+%22Latand%22%2C+"
    "%22language_code%22%3A+%22en%22%2C+%22is_premium%22%3A+%22true%22%2C+%22allows_write_to_pm%22%3A+%22true"
    "%22%7D&query_id=test"
    "&hash=b3c8b293f14ad0f7f0abcf769aea1209a72295d30a87eb0e74df855d32e53bfe"
)

# aiogram/aiogram, tests/test_utils/test_web_app_signature.py: third-party signatures made with
# aiogram's own test key pair (not Telegram's), for bot id 42.
AIOGRAM_ED25519_PUBLIC_KEY = "4112765021341e5415e772cd65903f6b94e3ea1c2ab669e6d3e18ee2db00da61"
AIOGRAM_ED25519_BOT_ID = 42
AIOGRAM_SIGNED = (
    "auth_date=1650385342&user=%7B%22id%22%3A42%2C%22first_name%22%3A%22Test%22%7D&query_id=test&hash=123"
    "&signature=JQ0JR2tjC65yq_jNZV0wuJVX6J-SWPMV0mprUXG34g-NvxL4RcF1Rz5n4VVo00VRghEUBf5t___uoeb1-jU_Cw"
)
AIOGRAM_BAD_SIGNATURE = AIOGRAM_SIGNED.replace("-jU_Cw", "-j1U_w")
