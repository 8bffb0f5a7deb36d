"""Taking a redemption slot: INSERT … ON CONFLICT DO NOTHING against the partial unique index of
free slots, a capped offer counted down first, the event and the audit row written with it."""

from __future__ import annotations

from datetime import datetime

from services.appreciation.domain import offers as rules
from services.appreciation.domain.offers import Outcome
from services.appreciation.usecases.common import outbox
from services.appreciation.usecases.redemptions import statements
from services.appreciation.usecases.redemptions.audit import record
from services.appreciation.usecases.redemptions.statements import CounterOffer, CounterPass
from shared.db import UnitOfWork, new_id

REDEEMED_EVENT = "appreciation.pass_redeemed.v1"


def take_slot(
    session: UnitOfWork, offer: CounterOffer, pass_: CounterPass, now: datetime, audit_row: dict | None
) -> tuple[str, str | None]:
    """(outcome, redemption id or None): try the period's slots in order, each one INSERT … ON
    CONFLICT DO NOTHING against the partial unique index; a capped offer first counts down in a
    conditional UPDATE. The event is written only with the slot, the audit row with the slot or
    after the last try."""
    if offer.total_quantity is None:
        return _try_slots(session, offer, pass_, now, audit_row)
    with session.atomic():  # the unit taken and the slot, or neither
        if not _count_down(session, offer.id, -1):
            record(session, audit_row, Outcome.SOLD_OUT)
            return Outcome.SOLD_OUT, None
        outcome, redemption_id = _try_slots(session, offer, pass_, now, audit_row)
        if redemption_id is None:
            _count_down(session, offer.id, +1)  # give back the unit this pass could not use
        return outcome, redemption_id


def _try_slots(
    session: UnitOfWork, offer: CounterOffer, pass_: CounterPass, now: datetime, audit_row: dict | None
) -> tuple[str, str | None]:
    """Each try is complete in itself: the slot with its event and audit row, or nothing (the
    audit row of the last try whatever came of it)."""
    slots = rules.slots(offer, now)
    numbers = [None] if slots.count is None else range(1, slots.count + 1)
    refused = rules.refused_when_used_up(offer)
    in_one = session.connection().dialect.name == "postgresql"
    for number in numbers:
        slot = {
            "id": new_id(),
            "network_id": offer.network_id,
            "offer_id": offer.id,
            "pass_id": pass_.id,
            "partner_id": offer.partner_id,
            "period": slots.period,
            "slot": number,
            "redeemed_at": now,
        }
        attempt = None if audit_row is None else {**audit_row, "final": number in (None, slots.count)}
        if (_take_in_one if in_one else _take_apart)(session, offer, pass_, slot, attempt, refused):
            outbox.staged(session)
            return Outcome.REDEEMED, slot["id"]
    if not numbers:  # no slot to try (the schema asks for at least one): still one audit row
        record(session, audit_row, refused)
    return refused, None


def _take_in_one(session, offer, pass_, slot: dict, attempt: dict | None, refused: str) -> bool:
    """PostgreSQL: the slot, the event and the audit row in one statement (see
    statements.take_slot_with_event_and_attempt)."""
    event = outbox.row(REDEEMED_EVENT, offer.network_id, _event_data(offer, pass_, slot))
    params = {
        # Shared by the three rows: the offer's network and partner are the caller's (`presented`
        # reads the offer in the caller's network; `ensure_partner_of`), the moment is the slot's.
        "network": slot["network_id"],
        "partner": slot["partner_id"],
        "moment": slot["redeemed_at"],
        "s_id": slot["id"],
        "s_offer_id": slot["offer_id"],
        "s_pass_id": slot["pass_id"],
        "s_period": slot["period"],
        "s_slot": slot["slot"],
        "e_event_id": event["event_id"],
        "e_type": event["type"],
        "e_message": event["message"],
    }
    if attempt is not None:
        params.update(
            a_client=attempt["client"],
            a_how=attempt["how"],
            a_code_hint=attempt["code_hint"],
            a_refused=refused,
            final=attempt["final"],
        )
    statement = statements.take_slot_with_event_and_attempt(attempt is not None)
    return statement.first(session.connection(), params) is not None


def _take_apart(session, offer, pass_, slot: dict, attempt: dict | None, refused: str) -> bool:
    """SQLite (no writable CTEs): the slot, then the event if the slot was taken, then the audit
    row, as separate INSERTs in the same transaction."""
    with session.atomic():
        return _insert_apart(session, offer, pass_, slot, attempt, refused)


def _insert_apart(session, offer, pass_, slot: dict, attempt: dict | None, refused: str) -> bool:
    connection = session.connection()
    taken = connection.execute(statements.insert_if_free(connection.dialect.name), slot).first() is not None
    if taken:
        outbox.insert(session, REDEEMED_EVENT, offer.network_id, _event_data(offer, pass_, slot))
    if attempt is not None and (taken or attempt["final"]):
        row = {name: value for name, value in attempt.items() if name != "final"}
        connection.execute(statements.audit(), {**row, "outcome": Outcome.REDEEMED if taken else refused})
    return taken


def _count_down(session: UnitOfWork, offer_id: str, step: int) -> bool:
    return bool(session.connection().execute(statements.count_down(step), {"offer_id": offer_id}).rowcount)


def _event_data(offer: CounterOffer, pass_: CounterPass, slot: dict) -> dict:
    return {
        "redemption_id": slot["id"],
        "pass_id": pass_.id,
        "offer_id": offer.id,
        "offer_title": offer.title,
        "partner_id": offer.partner_id,
        "partner_name": offer.partner_name,
        "network_name": offer.network_name or "",
        "redeemed_at": slot["redeemed_at"].isoformat(),
        "holder": {"name": pass_.name, "email": pass_.email, "language": pass_.language},
    }
