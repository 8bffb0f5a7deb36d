"""A discount partner's start page: today's redemptions at its counter, and its current offers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.appreciation.domain import offers as rules
from services.appreciation.domain.clock import LOCAL_TIME, local_date
from services.appreciation.models import Offer, Pass, Redemption
from services.appreciation.usecases.redemptions.counter import UNDO_WINDOW
from shared.identity import Principal


@dataclass(frozen=True)
class TodaysRedemption:
    """One redemption as the start page lists it: never more of the pass than its last digits."""

    id: str
    at: datetime  # local time
    offer_title: str
    last_digits: str
    undone: bool
    undoable: bool


def todays_redemptions(session: Session, principal: Principal, now: datetime) -> list[TodaysRedemption]:
    """The calling partner's redemptions since local midnight, newest first."""
    midnight = datetime.combine(local_date(now), time.min, LOCAL_TIME)
    rows = session.execute(
        select(Redemption.id, Redemption.redeemed_at, Redemption.undone_at, Offer.title, Pass.number)
        .join(Offer, Offer.id == Redemption.offer_id)
        .join(Pass, Pass.id == Redemption.pass_id)
        .where(Redemption.partner_id == principal.partner_id, Redemption.redeemed_at >= midnight)
        .order_by(Redemption.redeemed_at.desc())
    )
    return [
        TodaysRedemption(
            id=id_,
            at=at.astimezone(LOCAL_TIME),
            offer_title=title,
            last_digits=number[-4:],
            undone=undone_at is not None,
            undoable=undone_at is None and now - at <= UNDO_WINDOW,
        )
        for id_, at, undone_at, title, number in rows
    ]


def current_offers(session: Session, principal: Principal, now: datetime) -> list[Offer]:
    """The calling partner's offers that are not withdrawn and not past their last day."""
    today = local_date(now)
    offers = session.scalars(
        select(Offer)
        .where(Offer.partner_id == principal.partner_id, Offer.withdrawn_at.is_(None))
        .order_by(Offer.title)
    )
    return [offer for offer in offers if rules.is_current(offer, today)]
