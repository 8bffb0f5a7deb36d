"""Redeeming an offer at the counter, race-free: the database decides.

A redemption takes a *slot*: (offer, pass, period, slot number) is unique among redemptions that
were not undone, so "once per pass" is one slot for ever and "3 a month" three slots per month; two
counters redeeming at the same moment cannot both get the last one. A capped offer counts down in a
conditional UPDATE (`redeemed < quantity`) in the same transaction. No rule is read-then-written
in Python.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from services.appreciation import domain
from services.appreciation.domain import Outcome
from services.appreciation.models import (
    DiscountPartner,
    NetworkReplica,
    Offer,
    Pass,
    PassHolder,
    Redemption,
    RedemptionAttempt,
)
from services.appreciation.passes import outbox
from services.appreciation.services import NotFound
from shared.auth import Principal
from shared.db import new_id, utcnow

UNDO_WINDOW = timedelta(minutes=10)
SLOT = ["offer_id", "pass_id", "period", "slot"]  # unique among redemptions not undone


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


def audit(session: Session, principal: Principal, client: str, how: str, code: str, outcome: str) -> None:
    """Every attempt is kept: who tried which code (its last four characters), from where, and what
    came of it. A plain INSERT: it runs on every attempt at the counter."""
    session.execute(
        insert(RedemptionAttempt).values(
            network_id=principal.network_id,
            partner_id=principal.partner_id,
            client=client[:64],
            how=how,
            code_hint=code[-4:],
            outcome=outcome,
            at=utcnow(),
        )
    )


def eligible_offers(session: Session, principal: Principal, pass_: Pass, moment: datetime) -> list[Offer]:
    """The partner's offers this pass holder may use now (what the counter page lists)."""
    holder = session.get(PassHolder, pass_.holder_id)
    offers = session.scalars(
        select(Offer)
        .where(Offer.partner_id == principal.partner_id, Offer.withdrawn_at.is_(None))
        .order_by(Offer.title)
    )
    return [o for o in offers if domain.is_eligible(o, holder) and domain.applies_at(o, moment)]


def redeem(session: Session, principal: Principal, pass_: Pass | None, offer_id: str) -> Result:
    """Redeem `offer_id` for `pass_` at the calling partner; every refusal is a Result, not an error."""
    offer = session.get(Offer, offer_id)
    if offer is None or offer.withdrawn_at is not None:
        raise NotFound("no such offer")
    domain.ensure_partner_of(principal, offer.partner_id)
    if pass_ is None:
        return Result(Outcome.UNKNOWN)
    holder = pass_.holder
    shown = {
        "pass_id": pass_.id,
        "first_name": domain.first_name(holder.name),
        "valid_until": pass_.valid_until.isoformat(),
    }
    now = utcnow()
    refusal = domain.pass_refusal(pass_, now.astimezone(domain.LOCAL_TIME).date())
    if refusal is None and not domain.is_eligible(offer, holder):
        refusal = Outcome.NOT_ELIGIBLE
    if refusal is None and not domain.applies_at(offer, now):
        refusal = Outcome.NOT_NOW
    if refusal is not None:
        return Result(refusal, **shown)
    outcome, redemption = _take_slot(session, offer, pass_, now)
    if redemption is None:
        return Result(outcome, **shown)
    _announce(session, offer, pass_, holder, redemption)
    return Result(Outcome.REDEEMED, redemption_id=redemption.id, **shown)


def _take_slot(session: Session, offer: Offer, pass_: Pass, now: datetime) -> tuple[str, Redemption | None]:
    """Try the period's slots in order. Each try is one INSERT … ON CONFLICT DO NOTHING against the
    partial unique index: the row comes back if the slot was free, nothing if it was taken (perhaps
    this very moment, at another counter)."""
    slots = domain.slots(offer, now)
    if offer.total_quantity is not None and not _count_down(session, offer, -1):
        return Outcome.SOLD_OUT, None
    for number in [None] if slots.count is None else range(1, slots.count + 1):
        redemption_id = new_id()
        row = {
            "id": redemption_id,
            "network_id": pass_.network_id,
            "offer_id": offer.id,
            "pass_id": pass_.id,
            "partner_id": offer.partner_id,
            "period": slots.period,
            "slot": number,
            "redeemed_at": now,
        }
        if session.execute(_insert_if_free(session, row)).first() is not None:
            return Outcome.REDEEMED, Redemption(**row)
    if offer.total_quantity is not None:
        _count_down(session, offer, +1)  # give back the unit this pass could not use
    return (Outcome.ALREADY_USED if offer.usage == "once" else Outcome.LIMIT_REACHED), None


def _insert_if_free(session: Session, row: dict):
    dialect_insert = postgresql_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    return (
        dialect_insert(Redemption)
        .values(**row)
        .on_conflict_do_nothing(
            index_elements=["offer_id", "pass_id", "period", "slot"],
            index_where=Redemption.undone_at.is_(None),
        )
        .returning(Redemption.id)
    )


def _count_down(session: Session, offer: Offer, step: int) -> bool:
    """Take (step -1) or give back (+1) one unit of a capped offer: a conditional UPDATE, so the
    count never passes the cap; it also holds the offer's row until commit."""
    taken = Offer.redeemed < Offer.total_quantity if step < 0 else Offer.redeemed > 0
    return bool(
        session.execute(
            update(Offer)
            .where(Offer.id == offer.id, taken)
            .values(redeemed=Offer.redeemed - step)
            .execution_options(synchronize_session=False)
        ).rowcount
    )


def _announce(
    session: Session, offer: Offer, pass_: Pass, holder: PassHolder, redemption: Redemption
) -> None:
    partner = offer.partner
    network_name = _network_name(session, pass_.network_id)
    outbox.add(
        session,
        "appreciation.pass_redeemed.v1",
        pass_.network_id,
        {
            "redemption_id": redemption.id,
            "pass_id": pass_.id,
            "offer_id": offer.id,
            "offer_title": offer.title,
            "partner_id": partner.id,
            "partner_name": partner.name,
            "network_name": network_name,
            "redeemed_at": redemption.redeemed_at.isoformat(),
            "holder": {"name": holder.name, "email": holder.email, "language": holder.language},
        },
    )


_NETWORK_NAMES: dict[str, tuple[float, str]] = {}
NAME_SECONDS = 300


def _network_name(session: Session, network_id: str) -> str:
    """The network's name for the receipt, remembered a few minutes per process (it rarely changes,
    and this runs on every redemption)."""
    cached = _NETWORK_NAMES.get(network_id)
    if cached and time.monotonic() - cached[0] < NAME_SECONDS:
        return cached[1]
    network = session.get(NetworkReplica, network_id)
    name = network.name if network else ""
    _NETWORK_NAMES[network_id] = (time.monotonic(), name)
    return name


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


def figures(session: Session, principal: Principal) -> list[dict]:
    """Redemptions per partner, offer and month: a partner its own, the coordinator all."""
    query = (
        select(DiscountPartner.name, Offer.title, Redemption.redeemed_at)
        .join(Offer, Offer.id == Redemption.offer_id)
        .join(DiscountPartner, DiscountPartner.id == Redemption.partner_id)
        .where(Redemption.undone_at.is_(None))
    )
    if principal.partner_id and not domain.is_coordinator_of(principal, principal.network_id):
        query = query.where(Redemption.partner_id == principal.partner_id)
    counts: dict[tuple[str, str, str], int] = {}
    for partner, offer, at in session.execute(query):
        key = (partner, offer, at.astimezone(domain.LOCAL_TIME).strftime("%Y-%m"))
        counts[key] = counts.get(key, 0) + 1
    return [
        {"partner": p, "offer": o, "month": m, "redemptions": n} for (p, o, m), n in sorted(counts.items())
    ]
