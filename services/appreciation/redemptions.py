"""Redeeming an offer at the counter, race-free: the database decides.

A redemption takes a *slot*: (offer, pass, period, slot number) is unique among redemptions that
were not undone, so "once per pass" is one slot for ever and "3 a month" three slots per month; two
counters redeeming at the same moment cannot both get the last one. A capped offer counts down in a
conditional UPDATE (`redeemed < quantity`) in the same transaction. No rule is read-then-written
in Python.
"""

from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.appreciation import domain
from services.appreciation import redemption_queries as queries
from services.appreciation.domain import Outcome
from services.appreciation.models import Offer, Pass, PassHolder, Redemption
from services.appreciation.passes import outbox
from services.appreciation.redemption_queries import CounterOffer, CounterPass
from services.appreciation.services import NotFound
from shared.db import new_id, utcnow
from shared.identity import Principal

UNDO_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class Result:
    outcome: str
    pass_id: str | None = None
    redemption_id: str | None = None
    first_name: str = ""
    valid_until: str | None = None

    @property
    def redeemed(self) -> bool:
        return self.outcome == Outcome.REDEEMED


def find_pass(
    session: Session, principal: Principal, *, pass_id: str | None = None, number: str | None = None
):
    """The pass behind a scanned QR code (its id, already verified) or a typed number."""
    if pass_id is not None:
        return session.get(Pass, pass_id)
    digits = domain.normalise_number(number or "")
    if digits is None:
        return None
    return session.scalar(select(Pass).where(Pass.number == digits))


@dataclass(frozen=True, slots=True)
class Attempt:
    """One try at the counter, for the audit trail: from where, by QR code or typed number, and
    the code as given (only its last four characters are kept)."""

    client: str
    how: str
    code: str


def audit(session: Session, principal: Principal, client: str, how: str, code: str, outcome: str) -> None:
    """Every attempt is kept: who tried which code (its last four characters), from where, and what
    came of it. A plain INSERT: it runs on every attempt at the counter."""
    _audited(session, _attempt_row(principal, Attempt(client, how, code), utcnow()), Result(outcome))


def _attempt_row(principal: Principal, attempt: Attempt, now: datetime) -> dict:
    return {
        "network_id": principal.network_id,
        "partner_id": principal.partner_id,
        "client": attempt.client[:64],
        "how": attempt.how,
        "code_hint": attempt.code[-4:],
        "at": now,
    }


def eligible_offers(session: Session, principal: Principal, pass_: Pass, moment: datetime) -> list[Offer]:
    """The partner's offers this pass holder may use now (what the counter page lists)."""
    holder = session.get(PassHolder, pass_.holder_id)
    offers = session.scalars(
        select(Offer)
        .where(Offer.partner_id == principal.partner_id, Offer.withdrawn_at.is_(None))
        .order_by(Offer.title)
    )
    return [o for o in offers if domain.is_eligible(o, holder) and domain.applies_at(o, moment)]


def presented(
    session: Session,
    principal: Principal,
    offer_id: str,
    *,
    pass_id: str | None = None,
    number: str | None = None,
) -> tuple[CounterOffer, CounterPass | None]:
    """The offer and the pass behind a scanned QR code (its id, already verified) or a typed number,
    both of the caller's network, in one query. NotFound for an offer that is not there (or
    withdrawn); None for the pass if no pass has this code."""
    code = pass_id if pass_id is not None else domain.normalise_number(number or "")
    params = {
        "offer_id": offer_id,
        "network_id": principal.network_id,
        "code": code,
        "token_id": principal.token_id,
    }
    known = _offers.get(offer_id)
    row = queries.presented(pass_id is not None, known is None).first(session.connection(), params)
    if principal.token_id is not None and row is not None and row[-1] is None:
        raise domain.TokenRevoked("this API token has been revoked")
    if row is None:
        raise NotFound("no such offer")
    if known is None:
        known = _offers.keep(CounterOffer(*row[:_OFFER_END]))
        pass_columns = row[_OFFER_END:-1]
    else:
        pass_columns = row[1:-1]  # after the offer's id
    return known, (CounterPass(*pass_columns) if pass_columns[0] is not None else None)


# Where a row of `presented` splits when it has the offer's columns: the offer's, the pass's (its
# id first), then the token's.
_OFFER_END = len(queries.OFFER_COLUMNS)


class _RememberedOffers:
    """What a redemption reads of an offer, kept a while per process. An offer never changes after
    it is added, except by being withdrawn, which `presented` checks in the database every time;
    only the partner's and network's names (in the receipt) may be up to a minute old. Saves the
    offer's columns and two joins on every tap at the counter."""

    SECONDS = 60.0
    LIMIT = 1000  # offers of one process's networks; past it, start afresh

    def __init__(self) -> None:
        self._kept: dict[str, tuple[float, CounterOffer]] = {}

    def get(self, offer_id: str) -> CounterOffer | None:
        kept = self._kept.get(offer_id)
        if kept is None or time.monotonic() > kept[0]:
            return None
        return kept[1]

    def keep(self, offer: CounterOffer) -> CounterOffer:
        if len(self._kept) >= self.LIMIT:
            self._kept.clear()
        self._kept[offer.id] = (time.monotonic() + self.SECONDS, offer)
        return offer


_offers = _RememberedOffers()


def redeem(
    session: Session,
    principal: Principal,
    offer_id: str,
    *,
    pass_id: str | None = None,
    number: str | None = None,
    attempt: Attempt | None = None,
) -> Result:
    """Redeem `offer_id` at the calling partner for the pass with this id (a verified QR code) or
    typed number; every refusal is a Result, not an error. With `attempt`, its audit row is written
    too, whatever the outcome. Plain SQL on the session's connection: one query reads offer and
    pass; on PostgreSQL one statement takes the slot and writes the event and the audit row."""
    offer, pass_ = presented(session, principal, offer_id, pass_id=pass_id, number=number)
    domain.ensure_partner_of(principal, offer.partner_id)
    now = utcnow()
    audit_row = _attempt_row(principal, attempt, now) if attempt is not None else None
    if pass_ is None:
        return _audited(session, audit_row, Result(Outcome.UNKNOWN))
    shown = {
        "pass_id": pass_.id,
        "first_name": domain.first_name(pass_.name),
        "valid_until": pass_.valid_until.isoformat(),
    }
    refusal = _refusal(session, offer, pass_, now)
    if refusal is not None:
        return _audited(session, audit_row, Result(refusal, **shown))
    outcome, redemption_id = _take_slot(session, offer, pass_, now, audit_row)
    return Result(outcome, redemption_id=redemption_id, **shown)


def _audited(session: Session, audit_row: dict | None, result: Result) -> Result:
    if audit_row is not None:
        session.connection().execute(queries.audit(), {**audit_row, "outcome": result.outcome})
    return result


def _refusal(session: Session, offer: CounterOffer, pass_: CounterPass, now: datetime) -> str | None:
    refusal = domain.pass_refusal(pass_, now.astimezone(domain.LOCAL_TIME).date())
    if refusal is not None:
        return refusal
    if offer.audience == "organisations":  # the only rule that needs the holder's memberships
        found = session.connection().execute(queries.organisation_ids(), {"holder_id": pass_.holder_id})
        pass_.organisation_ids = list(found.scalars())
    if not domain.is_eligible(offer, pass_):
        return Outcome.NOT_ELIGIBLE
    if not domain.applies_at(offer, now):
        return Outcome.NOT_NOW
    return None


def _take_slot(
    session: Session, offer: CounterOffer, pass_: CounterPass, now: datetime, audit_row: dict | None
) -> tuple[str, str | None]:
    """Try the period's slots in order, each one INSERT … ON CONFLICT DO NOTHING against the
    partial unique index; a capped offer first counts down in a conditional UPDATE. The event is
    written only with the slot, the audit row with the slot or after the last try."""
    if offer.total_quantity is None:
        return _try_slots(session, offer, pass_, now, audit_row)
    with _together(session):  # the unit taken and the slot, or neither
        if not _count_down(session, offer.id, -1):
            return _audited(session, audit_row, Result(Outcome.SOLD_OUT)).outcome, None
        outcome, redemption_id = _try_slots(session, offer, pass_, now, audit_row)
        if redemption_id is None:
            _count_down(session, offer.id, +1)  # give back the unit this pass could not use
        return outcome, redemption_id


def _try_slots(
    session: Session, offer: CounterOffer, pass_: CounterPass, now: datetime, audit_row: dict | None
) -> tuple[str, str | None]:
    """Each try is complete in itself: the slot with its event and audit row, or nothing (the
    audit row of the last try whatever came of it)."""
    slots = domain.slots(offer, now)
    numbers = [None] if slots.count is None else range(1, slots.count + 1)
    refused = Outcome.ALREADY_USED if offer.usage == "once" else Outcome.LIMIT_REACHED
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
        _audited(session, audit_row, Result(refused))
    return refused, None


def _together(session):
    """Statements that must commit together: an atomic block of a statement-level unit
    (shared.db.CoreUnit); in a Session's transaction they already do."""
    atomic = getattr(session, "atomic", None)
    return atomic() if atomic is not None else nullcontext()


def _take_in_one(session, offer, pass_, slot: dict, attempt: dict | None, refused: str) -> bool:
    """PostgreSQL: the slot, the event and the audit row in one statement (see
    queries.take_slot_with_event_and_attempt)."""
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
    statement = queries.take_slot_with_event_and_attempt(attempt is not None)
    return statement.first(session.connection(), params) is not None


def _take_apart(session, offer, pass_, slot: dict, attempt: dict | None, refused: str) -> bool:
    """SQLite (no writable CTEs): the slot, then the event if the slot was taken, then the audit
    row, as separate INSERTs in the same transaction."""
    with _together(session):
        return _insert_apart(session, offer, pass_, slot, attempt, refused)


def _insert_apart(session, offer, pass_, slot: dict, attempt: dict | None, refused: str) -> bool:
    connection = session.connection()
    taken = connection.execute(queries.insert_if_free(connection.dialect.name), slot).first() is not None
    if taken:
        outbox.insert(session, REDEEMED_EVENT, offer.network_id, _event_data(offer, pass_, slot))
    if attempt is not None and (taken or attempt["final"]):
        row = {name: value for name, value in attempt.items() if name != "final"}
        connection.execute(queries.audit(), {**row, "outcome": Outcome.REDEEMED if taken else refused})
    return taken


def _count_down(session: Session, offer_id: str, step: int) -> bool:
    return bool(session.connection().execute(queries.count_down(step), {"offer_id": offer_id}).rowcount)


REDEEMED_EVENT = "appreciation.pass_redeemed.v1"


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


def undo(session: Session, principal: Principal, redemption_id: str) -> Redemption:
    """A partner takes back its own redemption within ten minutes (a wrong tap at the counter)."""
    redemption = session.get(Redemption, redemption_id)
    if redemption is None or redemption.partner_id != principal.partner_id:
        raise NotFound("no such redemption")
    if redemption.undone_at is not None:
        return redemption
    if utcnow() - redemption.redeemed_at > UNDO_WINDOW:
        raise domain.InvalidTransition("a redemption can be undone within 10 minutes only")
    # Conditional, so two undo taps give back one slot and one unit of quantity.
    changed = session.execute(
        update(Redemption)
        .where(Redemption.id == redemption.id, Redemption.undone_at.is_(None))
        .values(undone_at=utcnow())
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if changed:
        session.execute(
            update(Offer)
            .where(Offer.id == redemption.offer_id, Offer.total_quantity.is_not(None))
            .values(redeemed=Offer.redeemed - 1)
        )
    return redemption
