"""The stored words are stable, and the web app has a Russian word for every status."""

from cargo_webapp.state.admin_labels import outbox_kind
from cargo_webapp.state.response_labels import status_label
from services.vocabulary import DeliveryStatus, DriverDocument, OutboxKind, ResponseStatus


def test_the_stored_values_do_not_drift():
    # Changing one of these is a data migration, not a rename.
    assert [k.value for k in OutboxKind] == ["dispatcher", "driver", "alert", "cargo_alert"]
    assert [s.value for s in DeliveryStatus] == ["pending", "sending", "sent", "dead"]
    assert [s.value for s in ResponseStatus] == ["queued", "sent", "accepted", "rejected", "completed"]
    assert [d.value for d in DriverDocument] == ["filters", "profile", "feed_visit", "presence"]


def test_every_status_and_kind_has_a_russian_word():
    assert [status_label(s) for s in ResponseStatus] == ["Отправляется", "Отправлен", "Принят", "Отклонён", "Выполнен"]
    assert status_label("accepted") == "Принят"  # as read back from the database
    assert status_label("on_hold") == "on_hold"  # a newer release's status is shown as it is
    assert all(outbox_kind(k) != k.value for k in OutboxKind)
