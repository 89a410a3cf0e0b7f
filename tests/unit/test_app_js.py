"""The page functions event handlers call by name (cargo_webapp/app_js.py) exist in assets/app.js,
and no handler carries JavaScript of its own any more."""

from __future__ import annotations

import json
import re

import pytest

from cargo_webapp.app_js import FUNCTIONS, call
from tests.support.processes import ROOT

APP_JS = (ROOT / "assets" / "app.js").read_text(encoding="utf-8")


def test_every_function_python_calls_is_defined_in_app_js():
    block = APP_JS[APP_JS.index("window.cargoApp = ") :]
    defined = set(re.findall(r"^ {4}(\w+): function", block, flags=re.MULTILINE))
    assert defined == FUNCTIONS


def test_a_call_waits_for_app_js_and_passes_its_arguments_as_string_literals():
    text = '{"from_name": "О\'Брайен"}); alert(1); ("'
    script = call("saveCloudFilters", text)
    literal = script.split("window.cargoApp.saveCloudFilters(", 1)[1].split(")); else", 1)[0]
    assert json.loads(literal) == text  # one string literal, whatever it holds
    assert script.startswith("new Promise(") and "setTimeout(go" in script
    with pytest.raises(ValueError):
        call("eval")


def test_the_states_call_the_page_by_name_only():
    for path in (ROOT / "cargo_webapp" / "state").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "window.Telegram" not in source and "Telegram.WebApp" not in source, path.name
