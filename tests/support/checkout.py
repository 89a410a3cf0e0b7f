"""A copy of this checkout for tests that run the project's own commands in a clean folder."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.support.processes import ROOT


def copy_checkout(target: Path, *, share: tuple[str, ...] = (".venv", ".tools")) -> None:
    """Tracked and new (not ignored) files as they are in the working tree, with their mtimes
    (so make sees its setup as done); `share` names folders linked to this checkout's."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, check=True, capture_output=True
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    for shared in share:
        (target / shared).symlink_to(ROOT / shared)
