"""Runtime files stay out of the dev server's hot-reload watch.

`reflex run` restarts the backend whenever a file changes under a watched path. SQLite writes
`<db>-wal` and `<db>-shm` beside the database on every touch, and Reflex's ignore list knows
`*.db` but not those, so a database inside a watched folder restarts the backend on every
start, forever. Reflex's own `get_reload_paths()` decides what is watched: ask it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reflex.utils import exec as reflex_exec

from services.infra.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def watched(monkeypatch) -> tuple[Path, ...]:
    monkeypatch.chdir(ROOT)
    for name in ("DATABASE_URL", "APP_ENV", "REFLEX_HOT_RELOAD_EXCLUDE_PATHS"):
        monkeypatch.delenv(name, raising=False)
    return tuple(path.resolve() for path in reflex_exec.get_reload_paths())


def _is_watched(path: Path, watched: tuple[Path, ...]) -> bool:
    path = path.resolve()
    return any(path == root or root in path.parents for root in watched)


def test_the_dev_database_and_its_side_files_are_not_watched(watched):
    database = ROOT / load_settings().database_url.removeprefix("sqlite:///")
    for side_file in (database, Path(f"{database}-wal"), Path(f"{database}-shm"), Path(f"{database}.lock")):
        assert not _is_watched(side_file, watched), f"{side_file.relative_to(ROOT)} would restart the dev backend"


def test_reflex_state_files_are_not_watched(watched):
    assert not _is_watched(ROOT / ".states" / "some-token.pkl", watched)


def test_the_code_itself_is_still_watched(watched):
    # The guard above must not pass merely because nothing is watched.
    assert _is_watched(ROOT / "cargo_webapp" / "pages" / "feed.py", watched)
    assert _is_watched(ROOT / "services" / "formatting.py", watched)
