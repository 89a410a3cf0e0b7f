"""`python -m sandbox.telegram.launch`: a developer signs in as any driver or as the admin, in
either theme, through the same initData validation Telegram launches go through."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from sandbox.telegram.launch import DARK, main
from services.identity.telegram_auth import validate_init_data
from services.infra.settings import DEV_ADMIN_ID, DEV_BOT_TOKEN


def _launch(capsys, *argv: str) -> dict[str, str]:
    main(list(argv))
    url = capsys.readouterr().out.strip()
    parts = urlsplit(url)
    assert parts.path in ("/", "/admin", "/responses")
    return {key: values[0] for key, values in parse_qs(parts.fragment).items()} | {"path": parts.path}


def test_the_dev_admin_in_the_dark_theme(capsys):
    launch = _launch(capsys, "--admin", "--theme", "dark", "--path", "/admin")
    assert validate_init_data(launch["tgWebAppData"], DEV_BOT_TOKEN).id == DEV_ADMIN_ID
    assert json.loads(launch["tgWebAppThemeParams"]) == DARK and launch["path"] == "/admin"


def test_another_driver_is_signed_as_themselves(capsys):
    launch = _launch(capsys, "--user", "5550001", "--path", "/responses")
    assert validate_init_data(launch["tgWebAppData"], DEV_BOT_TOKEN).id == 5550001
