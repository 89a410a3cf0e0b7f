"""The response state machine and the bot's words for it, without a database or a bot."""

import datetime as dt

import pytest

from services.dispatch.messages import (
    answer_text,
    buttons_for,
    decided_text,
    driver_text,
    parse_callback,
    transition,
)
from services.vocabulary import ResponseStatus as S


@pytest.mark.parametrize(
    ("status", "action", "after"),
    [
        (S.SENT, "accept", S.ACCEPTED),
        (S.SENT, "reject", S.REJECTED),
        (S.ACCEPTED, "complete", S.COMPLETED),
    ],
)
def test_the_allowed_decisions(status, action, after):
    assert transition(status, action) == after
    assert transition(str(status), action) == after  # as read back from the database


@pytest.mark.parametrize("status", [S.QUEUED, S.SENT, S.REJECTED, S.COMPLETED, "on_hold"])
def test_only_an_accepted_response_can_be_completed(status):
    assert transition(status, "complete") is None


@pytest.mark.parametrize("status", [S.ACCEPTED, S.REJECTED, S.COMPLETED])
def test_a_decided_response_is_not_decided_again(status):
    assert transition(status, "accept") is None
    assert transition(status, "reject") is None


def test_an_unknown_action_changes_nothing():
    assert transition(S.SENT, "delete") is None


def test_the_buttons_offer_exactly_the_allowed_decisions():
    for status in [*S, "on_hold"]:
        offered = [parse_callback(b["data"]) for row in buttons_for(5, status) for b in row]
        assert all(parsed is not None and parsed[0] == 5 for parsed in offered)
        actions = [parsed[1] for parsed in offered if parsed]
        # a queued response's buttons go out with the message that makes it "sent"
        pressed_on = S.SENT if status == S.QUEUED else status
        assert actions == [a for a in ("accept", "reject", "complete") if transition(pressed_on, a)]
    assert [b["text"] for row in buttons_for(5, S.ACCEPTED) for b in row] == ["Выполнено"]


def test_callbacks_round_trip_and_strangers_are_refused():
    assert parse_callback("resp:12:complete") == (12, "complete")
    for data in ("resp:12:delete", "resp:x:accept", "alert:12:accept", "resp:12", ""):
        assert parse_callback(data) is None


def test_the_dispatcher_is_answered_in_words_not_codes():
    assert answer_text(S.ACCEPTED, changed=True) == "Принят"
    assert answer_text(S.REJECTED, changed=False) == "Уже отклонён"
    assert answer_text("on_hold", changed=False) == "Уже on_hold"


def test_the_driver_and_the_dispatcher_message_texts():
    at = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    assert decided_text("Отклик", S.ACCEPTED, "Анна <b>", at).startswith("Отклик\n\n✅ Принят — Анна &lt;b&gt;, ")
    assert driver_text(S.COMPLETED, "Москва → <Казань>").startswith("🏁 Перевозка по грузу Москва → &lt;Казань&gt;")
