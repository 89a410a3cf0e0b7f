"""Calls from event handlers into the page's named functions (`window.cargoApp` in assets/app.js).

`rx.call_script(call("readInitData"), callback=...)` runs the function in the driver's page and
hands what it returns (or resolves to) to the callback. The functions, and why each exists, are
documented where they are written, in assets/app.js.

app.js is deferred, and the first on_load can reach the page before it has run: the call waits
for it (up to 2 s, then resolves to '')."""

from __future__ import annotations

import json

# Every function assets/app.js gives window.cargoApp (tests/unit/test_app_js.py keeps the two in step).
FUNCTIONS = frozenset(
    {
        "readInitData",
        "requestContact",
        "confirmClosing",
        "afterSending",
        "readCloudFilters",
        "saveCloudFilters",
        "hapticSelection",
        "scrollToTop",
    }
)


def call(function: str, *args: str) -> str:
    """JavaScript that calls window.cargoApp.<function>(*args); the arguments go as string literals."""
    if function not in FUNCTIONS:
        raise ValueError(f"assets/app.js has no cargoApp.{function}")
    arguments = ", ".join(json.dumps(arg) for arg in args)
    return (
        "new Promise((resolve) => { let tries = 0; const go = () => {"
        f" if (window.cargoApp) resolve(window.cargoApp.{function}({arguments}));"
        " else if (tries++ < 100) setTimeout(go, 20); else resolve(''); }; go(); })"
    )
