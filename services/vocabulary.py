"""The words the services and the database share, as enums in one place.

Each value is the string stored in the database or the cache, so renaming a member is free and
changing a value is a migration. Russian labels are not here: the web app maps these to its own
words (cargo_webapp/state/response_labels.py, admin_labels.py), the bot to its messages (services/dispatch/messages.py).
"""

from __future__ import annotations

from enum import StrEnum


class OutboxKind(StrEnum):
    """Who an outbox message is for, and so which lane and which follow-up it gets."""

    DISPATCHER = "dispatcher"  # a new response, to the dispatchers' chat, with buttons
    DRIVER = "driver"  # a dispatcher's decision, to the driver
    ALERT = "alert"  # an incident, to the admins
    CARGO_ALERT = "cargo_alert"  # new cargos for a saved search, to the driver (the low lane)


# Sent only while no response traffic waits: a burst of these must not delay a dispatcher.
LOW_LANE_KINDS = (OutboxKind.CARGO_ALERT,)


class DeliveryStatus(StrEnum):
    """An outbox message's progress."""

    PENDING = "pending"
    SENDING = "sending"  # claimed by a worker under a lease
    SENT = "sent"
    DEAD = "dead"  # given up on; an admin may retry it


class ResponseStatus(StrEnum):
    """A driver's response to a cargo. queued → sent → accepted | rejected; accepted → completed."""

    QUEUED = "queued"  # saved; the dispatchers' message is about to go out
    SENT = "sent"  # the dispatchers have it
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    COMPLETED = "completed"


class DriverDocument(StrEnum):
    """The per-driver documents in DriverStore: the first two in the database, the rest in the cache."""

    FILTERS = "filters"  # the feed's last filters, restored on the next visit
    PROFILE = "profile"  # the last phone a driver responded with
    FEED_VISIT = "feed_visit"  # when the driver last looked, for the «новый» marks
    PRESENCE = "presence"  # the browser tabs the driver has open, for live statuses
