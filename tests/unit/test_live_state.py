"""Which live status changes the open app lets the driver feel."""

import pytest

from cargo_webapp.state.live_state import LiveState
from services.vocabulary import ResponseStatus


@pytest.fixture
def live() -> LiveState:
    return LiveState(_reflex_internal_init=True)


def test_a_dispatchers_decision_is_felt(live: LiveState):
    live._felt(ResponseStatus.ACCEPTED)
    assert (live.status_changes, live.haptic) == (1, "success")
    live._felt(ResponseStatus.REJECTED)
    assert (live.status_changes, live.haptic) == (2, "warning")
    live._felt(ResponseStatus.COMPLETED)
    assert (live.status_changes, live.haptic) == (3, "success")


def test_sending_is_not_a_decision(live: LiveState):
    for status in (ResponseStatus.QUEUED, ResponseStatus.SENT):  # the driver already felt the respond itself
        live._felt(status)
    live._felt("on_hold")  # a status this release does not know
    live._felt("Принят")  # a label is not a status
    assert (live.status_changes, live.haptic) == (0, "")
