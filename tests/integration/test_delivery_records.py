"""How sending is recorded, against a real database (the mail server and the renderer stand in):
a message that went out is recorded as sent even when claiming the next one fails."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import insert, select, text

from services.notifications.mime import Outgoing
from services.notifications.usecases.deliveries import DELIVERIES, RECORD_SECONDS, DeliveryService
from shared.db import Database

pytestmark = pytest.mark.integration


class Mailer:
    def __init__(self):
        self.sent: list[str] = []
        self.deadlines: list[float] = []

    def send(self, message: Outgoing, hand_over_by=None) -> None:
        self.sent.append(message.recipients[0])
        self.deadlines.append(hand_over_by())


class Renderer:
    def build(self, *, recipient: str, **_) -> Outgoing:
        return Outgoing("noreply@knoop.local", [recipient], b"Subject: x\r\n\r\nx\r\n", smtputf8=False)


def add_deliveries(db: Database, count: int) -> list[int]:
    rows = [
        {
            "network_id": "n1",
            "event_id": "e1",
            "event_type": "recruitment.response_received.v1",
            "recipient": f"p{n}@example.org",
            "recipient_name": "",
            "template": "response_received",
            "language": "nl",
            "context": {},
            "status": "pending",
            "attempts": 0,
            "error": "",
        }
        for n in range(count)
    ]
    with db.engine.begin() as conn:
        conn.execute(insert(DELIVERIES), rows)
        return list(conn.scalars(select(DELIVERIES.c.id).order_by(DELIVERIES.c.id)))


def statuses(db: Database) -> list[str]:
    with db.engine.connect() as conn:
        return list(conn.scalars(select(DELIVERIES.c.status).order_by(DELIVERIES.c.id)))


def test_a_sent_message_stays_recorded_when_claiming_the_next_one_fails(sqlite_provider):
    # SQLite only: PostgreSQL's JSON column refuses the unreadable row this test needs.
    db = Database(sqlite_provider.fresh("notifications"))
    first, broken, last = add_deliveries(db, 3)
    with db.engine.begin() as conn:  # a row whose context cannot be read back: the claim raises
        conn.execute(text("UPDATE deliveries SET context = '{not json' WHERE id = :id"), {"id": broken})
    mailer = Mailer()
    service = DeliveryService(db, mailer, Renderer(), "noreply@knoop.local", timedelta(minutes=2))

    with pytest.raises(ValueError):
        service.deliver([first, broken, last])

    assert mailer.sent == ["p0@example.org"]
    assert statuses(db)[0] == "sent"  # not "sending": the sweep will not send it again
    db.dispose()


def test_every_outcome_of_a_run_is_recorded_including_the_last(databases):
    db = Database(databases["notifications"])
    ids = add_deliveries(db, 4)
    mailer = Mailer()
    service = DeliveryService(db, mailer, Renderer(), "noreply@knoop.local", timedelta(minutes=2))

    assert service.deliver(ids) == 4
    assert service.deliver(ids) == 0  # nothing left to claim: nothing twice

    assert statuses(db) == ["sent"] * 4 and len(mailer.sent) == 4
    db.dispose()


def test_each_message_must_be_handed_over_while_its_lease_still_covers_the_reply(sqlite_provider):
    """The mailer is told the moment after which the server's reply and our record of it could
    fall outside the lease (when the sweep may give the delivery to another worker)."""
    db = Database(sqlite_provider.fresh("notifications"))
    ids = add_deliveries(db, 2)
    mailer = Mailer()
    service = DeliveryService(db, mailer, Renderer(), "noreply@knoop.local", timedelta(seconds=30))

    before = time.monotonic()
    service.deliver(ids)
    after = time.monotonic()

    for deadline in mailer.deadlines:
        assert before + 30 - RECORD_SECONDS <= deadline <= after + 30 - RECORD_SECONDS
    db.dispose()
