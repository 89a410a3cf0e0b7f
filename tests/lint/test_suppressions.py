"""Every `type: ignore` and `noqa` names what it silences and says why, so the next reader can
tell a deliberate exception from a forgotten one."""

from __future__ import annotations

import re

from tests.support.processes import ROOT

FOLDERS = ("cargo_webapp", "services", "sandbox", "tests", "benchmarks", "scripts", "alembic/env.py", "rxconfig.py")
SUPPRESSION = re.compile(r"#\s*(type:\s*ignore|noqa)\b")
WITH_REASON = re.compile(r"#\s*(type:\s*ignore\[[\w, -]+\]|noqa:\s*[A-Z0-9, ]+?)\s*(?:-|—|\(|#)\s*\w")


def python_files():
    for name in FOLDERS:
        path = ROOT / name
        yield from ([path] if path.is_file() else path.rglob("*.py"))


def test_the_check_reads_a_reason():
    assert WITH_REASON.search("x = f()  # type: ignore[arg-type]  # hostile values on purpose")
    assert WITH_REASON.search("import a  # noqa: F401  (tables for reflex db)")
    assert not WITH_REASON.search("x = f()  # type: ignore[arg-type]")
    assert not WITH_REASON.search("x = f()  # type: ignore")
    assert not WITH_REASON.search("import a  # noqa")


def test_every_suppression_says_what_and_why():
    bare = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in python_files()
        if ".web" not in path.parts and path.name != "test_suppressions.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SUPPRESSION.search(line) and not WITH_REASON.search(line)
    ]
    assert not bare, "\n".join(bare)
