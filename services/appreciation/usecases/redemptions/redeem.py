"""Redeeming an offer, race-free: the database decides.

A redemption takes a *slot*: (offer, pass, period, slot number) is unique among redemptions that
were not undone, so "once per pass" is one slot for ever and "3 a month" three slots per month; two
counters redeeming at the same moment cannot both get the last one (slots.py). A capped offer
counts down in a conditional UPDATE (`redeemed < quantity`) in the same transaction. No rule is
read-then-written in Python.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from services.appreciation.domain import access
from services.appreciation.domain import offers as rules
from services.appreciation.domain.clock import local_date
from services.appreciation.domain.errors import NotFound, TokenRevoked
from services.appreciation.domain.offers import Outcome
from services.appreciation.domain.passes import first_name, normalise_number
from services.appreciation.usecases.redemptions import statements
from services.appreciation.usecases.redemptions.audit import Attempt, attempt_row, record
from services.appreciation.usecases.redemptions.slots import take_slot
from services.appreciation.usecases.redemptions.statements import CounterOffer, CounterPass
from shared.db import UnitOfWork, utcnow
from shared.identity import Principal
from shared.tenancy import required_network


@dataclass(frozen=True)
class Result:
    """What an attempt came to, and what the counter may show of the pass."""

    outcome: str
    pass_id: str | None = None
    redemption_id: str | None = None
    first_name: str = ""
    valid_until: str | None = None

    @property
    def redeemed(self) -> bool:
        return self.outcome == Outcome.REDEEMED


def presented(
    session: UnitOfWork,
    principal: Principal,
    offer_id: str,
    *,
    pass_id: str | None = None,
    number: str | None = None,
) -> tuple[CounterOffer, CounterPass | None, bool]:
    """The offer, the pass behind a scanned QR code (its id, already verified) or a typed number,
    both of the caller's network, and whether the offer is paused, in one query. NotFound for an
    offer that is not there (or withdrawn); None for the pass if no pass has this code."""
    code = pass_id if pass_id is not None else normalise_number(number or "")
    params = {
        "offer_id": offer_id,
        "network_id": required_network(session),
        "code": code,
        "token_id": principal.token_id,
    }
    known = _offers.get(offer_id)
    row = statements.presented(pass_id is not None, known is None).first(session.connection(), params)
    if principal.token_id is not None and row is not None and row[-2] is None:
        raise TokenRevoked("this API token has been revoked")
    if row is None:
        raise NotFound("no such offer")
    if known is None:
        known = _offers.keep(CounterOffer(*row[:_OFFER_END]))
        pass_columns = row[_OFFER_END:-2]
    elif row[1] != known.rules_version:
        # Edited (in another process) since this one remembered it: a second round trip, once.
        _offers.forget(offer_id)
        return presented(session, principal, offer_id, pass_id=pass_id, number=number)
    else:
        pass_columns = row[2:-2]  # after the offer's id and rules version
    return known, (CounterPass(*pass_columns) if pass_columns[0] is not None else None), bool(row[-1])


# Where a row of `presented` splits when it has the offer's columns: the offer's, the pass's (its
# id first), then the token's and whether the offer is paused.
_OFFER_END = len(statements.OFFER_COLUMNS)


class _RememberedOffers:
    """What a redemption reads of an offer, kept a while per process. Withdrawing and pausing an
    offer are checked in the database every time (`presented`), and so is the version of its rules:
    an edit reaches every process at its next tap. Only the partner's and network's names (in the
    receipt) may lag, by up to SECONDS. Saves the offer's columns and two joins on every tap at the
    counter."""

    SECONDS = 60.0
    LIMIT = 1000  # offers of one process's networks; past it, start afresh

    def __init__(self) -> None:
        self._kept: dict[str, tuple[float, CounterOffer]] = {}

    def get(self, offer_id: str) -> CounterOffer | None:
        kept = self._kept.get(offer_id)
        if kept is None or time.monotonic() > kept[0]:
            return None
        return kept[1]

    def forget(self, offer_id: str) -> None:
        self._kept.pop(offer_id, None)

    def keep(self, offer: CounterOffer) -> CounterOffer:
        if len(self._kept) >= self.LIMIT:
            self._kept.clear()
        self._kept[offer.id] = (time.monotonic() + self.SECONDS, offer)
        return offer


_offers = _RememberedOffers()


def forget_offer(offer_id: str) -> None:
    """Read an offer afresh at its next redemption in this process (its rules were edited)."""
    _offers.forget(offer_id)


def redeem(
    session: UnitOfWork,
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
    offer, pass_, paused = presented(session, principal, offer_id, pass_id=pass_id, number=number)
    access.ensure_partner_of(principal, offer.partner_id)
    now = utcnow()
    audit_row = attempt_row(principal, attempt, now) if attempt is not None else None
    if pass_ is None:
        record(session, audit_row, Outcome.UNKNOWN)
        return Result(Outcome.UNKNOWN)
    shown = {
        "pass_id": pass_.id,
        "first_name": first_name(pass_.name),
        "valid_until": pass_.valid_until.isoformat(),
    }
    refusal = Outcome.PAUSED if paused else _refusal(session, offer, pass_, now)
    if refusal is not None:
        record(session, audit_row, refusal)
        return Result(refusal, **shown)
    outcome, redemption_id = take_slot(session, offer, pass_, now, audit_row)
    return Result(outcome, redemption_id=redemption_id, **shown)


def _refusal(session: UnitOfWork, offer: CounterOffer, pass_: CounterPass, now: datetime) -> str | None:
    refusal = rules.pass_refusal(pass_, local_date(now))
    if refusal is not None:
        return refusal
    if offer.audience == "organisations":  # the only rule that needs the holder's memberships
        found = session.connection().execute(statements.organisation_ids(), {"holder_id": pass_.holder_id})
        pass_.organisation_ids = list(found.scalars())
    if not rules.is_eligible(offer, pass_):
        return Outcome.NOT_ELIGIBLE
    if not rules.applies_at(offer, now):
        return Outcome.NOT_NOW
    return None
