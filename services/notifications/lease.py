"""A delivery's lease, renewed while its sender works on it.

A claimed delivery is reserved for its sender until `claimed_until`; after that the sweep may give
it to another worker. A short lease brings the message of a killed sender back quickly; a sender
that is alive but slow (a mail server taking its time) must not lose it. So the lease is short and
renewed from a thread of its own every fifth of its length, conditional on the claim still being
this sender's. The sender hands a message over only while the lease as last renewed still covers
the server's reply and the record of it (the mailer's `hand_over_by`), so a sender that cannot
renew (its database away) stops before another could start: never two senders of one message.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import timedelta

from sqlalchemy import Engine, bindparam, update

from services.notifications.domain import DeliveryStatus
from services.notifications.models import Delivery
from shared.db import utcnow

log = logging.getLogger(__name__)

DELIVERIES = Delivery.__table__
RENEW = (
    update(DELIVERIES)
    .where(
        DELIVERIES.c.id == bindparam("held_id"),
        DELIVERIES.c.claim_token == bindparam("token"),
        DELIVERIES.c.status == DeliveryStatus.SENDING,
    )
    .values(claimed_until=bindparam("until"))
)


class LeaseKeeper:
    """Holds at most one lease at a time (a sender sends one message at a time) and renews it."""

    def __init__(self, engine: Engine, lease: timedelta):
        self.engine, self.lease = engine, lease
        self._lock = threading.Lock()
        self._held: tuple[int, str] | None = None
        self._ends = 0.0
        self._wake = threading.Event()
        self._pid: int | None = None

    def hold(self, delivery_id: int, token: str, ends: float) -> None:
        """The sender claimed this delivery; its lease runs until `ends` (time.monotonic())."""
        self._ensure_thread()
        with self._lock:
            self._held, self._ends = (delivery_id, token), ends

    def release(self) -> None:
        with self._lock:
            self._held = None

    def ends(self) -> float:
        """Until when (time.monotonic()) the lease certainly holds, as last renewed."""
        with self._lock:
            return self._ends

    def renew(self) -> bool:
        """Extend the held lease by its length from now; False if none is held or it is lost."""
        with self._lock:
            held = self._held
        if held is None:
            return False
        started, now = time.monotonic(), utcnow()
        params = {"held_id": held[0], "token": held[1], "until": now + self.lease}
        with self.engine.begin() as conn:
            renewed = conn.execute(RENEW, params).rowcount == 1
        with self._lock:
            if renewed and self._held == held:
                self._ends = started + self.lease.total_seconds()
            elif self._held == held:
                self._held = None  # someone else's now: stop renewing, let the hand-over check say no
        return renewed

    def _ensure_thread(self) -> None:
        # Started in the process that sends: a prefork child does not inherit its parent's threads.
        if self._pid == os.getpid():
            return
        self._pid = os.getpid()
        threading.Thread(target=self._run, name="delivery-lease", daemon=True).start()

    def _run(self) -> None:
        every = self.lease.total_seconds() / 5
        while not self._wake.wait(every):
            try:
                self.renew()
            except Exception:  # the database away for a moment: the lease runs down, the sender stops
                log.warning("renewing a delivery's lease failed", exc_info=True)
