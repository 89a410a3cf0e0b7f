"""The admin console shows Russian words, not the code names its records are stored with."""

import re

from cargo_webapp.state.admin_labels import AUDIT_EVENTS, OUTCOMES, audit_event, cache_kind, outbox_kind, outcome
from tests.support.processes import ROOT

TOKEN_MANAGER = (ROOT / "services/cargotech/token_manager.py").read_text()


def test_every_audit_event_the_token_manager_writes_has_a_word():
    plain = set(re.findall(r'audit\(\s*"(\w+)"', TOKEN_MANAGER))
    plain |= set(re.findall(r'"(\w+)" if force else "(\w+)"', TOKEN_MANAGER)[0])
    admin = {f"admin_{name}" for name in re.findall(r'record_admin_action\(\s*"(\w+)"', TOKEN_MANAGER)}
    for path in ("cargo_webapp/state/admin_state.py", "services/cargotech/admin_actions.py"):
        admin |= {f"admin_{name}" for name in re.findall(r'record_admin_action\(\s*"(\w+)"', (ROOT / path).read_text())}
    assert {"login", "refresh", "probe", "rotate", "revoked", "replaced"} <= plain
    assert "admin_force_login" in admin
    missing = {code for code in plain | admin if code not in AUDIT_EVENTS}
    assert not missing


def test_words_for_events_and_outcomes():
    assert audit_event("admin_force_login") == "админ: вход заново"
    assert audit_event("revoked") == "отозван"
    assert [outcome(code) for code in ("ok", "error", "critical", "throttled")] == [
        "успешно",
        "ошибка",
        "критично",
        "слишком часто",
    ]
    assert outcome("http_401") == "ответ HTTP 401"
    assert set(OUTCOMES.values()).isdisjoint(OUTCOMES)  # no word is itself a code name


def test_an_unknown_code_is_shown_as_it_is():
    assert audit_event("something_new") == "something_new"
    assert outcome("http_5000") == "http_5000"
    assert cache_kind("list") == "списки" and cache_kind("other") == "other"
    assert outbox_kind("cargo_alert") == "оповещение"
