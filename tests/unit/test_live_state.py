"""Which live status changes the open app lets the driver feel."""

import pytest

from cargo_webapp.state.live_state import LiveState
from services.responses import STATUS_LABELS


@pytest.fixture
def live() -> LiveState:
    return LiveState(_reflex_internal_init=True)


def test_a_dispatchers_decision_is_felt(live: LiveState):
    live.felt(STATUS_LABELS["accepted"])
    assert (live.status_changes, live.haptic) == (1, "success")
    live.felt(STATUS_LABELS["rejected"])
    assert (live.status_changes, live.haptic) == (2, "warning")
    live.felt(STATUS_LABELS["completed"])
    assert (live.status_changes, live.haptic) == (3, "success")


def test_sending_is_not_a_decision(live: LiveState):
    for status in ("queued", "sent"):  # the driver already felt the respond itself
        live.felt(STATUS_LABELS[status])
    live.felt("что-то новое")
    assert (live.status_changes, live.haptic) == (0, "")
