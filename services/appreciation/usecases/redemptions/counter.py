"""The one redemption path: a pass presented at a counter (the partner's page) or from a till (the
API), by scanned QR code or typed number, looked up and redeemed the same way, every attempt
audited once; and undoing a wrong tap."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from services.appreciation.domain import offers as rules
from services.appreciation.domain.clock import local_date
from services.appreciation.domain.errors import InvalidTransition, NotAllowed, NotFound
from services.appreciation.domain.offers import Outcome
from services.appreciation.domain.passes import normalise_number
from services.appreciation.links import Links
from services.appreciation.models import Offer, Pass, PassHolder, Redemption
from services.appreciation.usecases.redemptions.audit import Attempt, attempt_row, record
from services.appreciation.usecases.redemptions.redeem import Result, redeem
from shared.db import utcnow
from shared.identity import Principal
from shared.tokens import InvalidToken

UNDO_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class Presented:
    """A pass as presented: a scanned QR token or a typed number, from a client address."""

    qr: str | None = None
    number: str | None = None
    client: str = ""

    @property
    def attempt(self) -> Attempt:
        """The attempt as the audit trail keeps it."""
        if self.qr:
            return Attempt(self.client, "qr", self.qr)
        return Attempt(self.client, "number", self.number or "")

    def pass_id(self, links: Links) -> str | None:
        """The pass id a QR token carries ("" for a forged or stale token, which no pass has);
        None for a typed number."""
        if not self.qr:
            return None
        try:
            return links.qr.verify(self.qr)
        except InvalidToken:
            return ""


def redeem_presented(
    session: Session, principal: Principal, links: Links, offer_id: str, presented: Presented
) -> Result:
    """Redeem an offer of the calling partner for a presented pass; every refusal is a Result, and
    the attempt is audited with it. NotFound for an offer that is not there (or withdrawn),
    NotAllowed for another partner's, TokenRevoked for a revoked till token."""
    pass_id = presented.pass_id(links)
    number = None if pass_id is not None else presented.number
    return redeem(session, principal, offer_id, pass_id=pass_id, number=number, attempt=presented.attempt)


def present_at_counter(
    session: Session, principal: Principal, links: Links, presented: Presented, offer_id: str | None
) -> tuple[Pass | None, Result | None]:
    """The counter page: the pass behind a presented code and, given an offer, its redemption. An
    offer withdrawn while the page was open, or another partner's, is "not now" there (the tills' API
    answers 404 and 403 instead), and audited as such."""
    pass_ = look_up(session, principal, links, presented)
    if pass_ is None or not offer_id:
        return pass_, None
    try:
        return pass_, redeem_presented(session, principal, links, offer_id, presented)
    except (NotFound, NotAllowed):
        record(session, attempt_row(principal, presented.attempt, utcnow()), Outcome.NOT_NOW)
        return pass_, Result(Outcome.NOT_NOW)


def look_up(session: Session, principal: Principal, links: Links, presented: Presented) -> Pass | None:
    """The pass behind a presented code, to show at the counter before redeeming; an unknown code
    is an attempt too, and audited."""
    pass_id = presented.pass_id(links)
    if pass_id is not None:
        found = session.get(Pass, pass_id)
    elif (digits := normalise_number(presented.number or "")) is not None:
        found = session.scalar(select(Pass).where(Pass.number == digits))
    else:
        found = None
    if found is None:
        record(session, attempt_row(principal, presented.attempt, utcnow()), Outcome.UNKNOWN)
    return found


@dataclass(frozen=True)
class OfferForPass:
    """An offer as the counter lists it for a presented pass: usable now, or why not and when."""

    offer: Offer
    availability: rules.Availability


# A pass's uses older than the longest period (a year, plus a week's slack) never count.
_USES_KEPT = timedelta(days=373)


def offers_for_pass(
    session: Session, principal: Principal, pass_: Pass, moment: datetime
) -> list[OfferForPass]:
    """The partner's current offers, each with this pass's availability (one query)."""
    # The offers and this pass's uses of them come in one query: the counter page stays quick.
    holder = session.get(PassHolder, pass_.holder_id)
    used = and_(
        Redemption.offer_id == Offer.id,
        Redemption.pass_id == pass_.id,
        Redemption.undone_at.is_(None),
        Offer.usage != "unlimited",
        or_(Offer.usage == "once", Redemption.redeemed_at >= moment - _USES_KEPT),
    )
    rows = session.execute(
        select(Offer, Redemption.redeemed_at)
        .outerjoin(Redemption, used)
        .where(Offer.partner_id == principal.partner_id, Offer.withdrawn_at.is_(None))
        .order_by(Offer.title, Offer.id)
    )
    offers: dict[str, Offer] = {}
    uses: dict[str, list[datetime]] = {}
    for offer, redeemed_at in rows:
        offers.setdefault(offer.id, offer)
        uses.setdefault(offer.id, []).extend([redeemed_at] if redeemed_at is not None else [])
    today = local_date(moment)
    return [
        OfferForPass(offer, rules.availability(offer, holder, uses[offer.id], moment))
        for offer in offers.values()
        if rules.is_current(offer, today)
    ]


def undo(session: Session, principal: Principal, redemption_id: str) -> Redemption:
    """A partner takes back its own redemption within ten minutes (a wrong tap at the counter)."""
    redemption = session.get(Redemption, redemption_id)
    if redemption is None or redemption.partner_id != principal.partner_id:
        raise NotFound("no such redemption")
    if redemption.undone_at is not None:
        return redemption
    if utcnow() - redemption.redeemed_at > UNDO_WINDOW:
        raise InvalidTransition("a redemption can be undone within 10 minutes only")
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
