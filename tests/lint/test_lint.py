"""ruff (lint, import order and formatting over the whole tree) and mypy (services/), as configured in
pyproject.toml: a finding fails the suite like a failing test."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.processes import ROOT


@pytest.mark.parametrize(
    "command",
    [
        pytest.param([sys.executable, "-m", "ruff", "check", "."], id="ruff"),
        pytest.param([sys.executable, "-m", "ruff", "format", "--check", "."], id="ruff-format"),
        pytest.param([sys.executable, "-m", "mypy"], id="mypy"),
    ],
)
def test_clean(command: list[str]):
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
