"""The statements of a redemption at the counter, as SQLAlchemy Core on the session's connection.

A redemption runs on every tap at a counter with a queue behind it, so it skips the ORM: no objects
are loaded, no unit of work is flushed, and the tenancy criteria the ORM would add (shared/tenancy)
are written into each statement here instead (`network_id = :network_id`, bound to the unit of
work's network by `shared.tenancy.required_network`). Each statement is built
once per process and executed with parameters, so SQLAlchemy's compiled cache serves every later
call; the two of every redemption (`presented`, `take_slot_with_event_and_attempt`) run as
`HotStatement`s, straight on the driver on PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from functools import cache

from sqlalchemy import (
    Boolean,
    Insert,
    Select,
    Update,
    bindparam,
    case,
    exists,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from services.appreciation.domain.offers import Outcome
from services.appreciation.models import (
    ApiToken,
    DiscountPartner,
    HolderMembership,
    IdempotentResponse,
    NetworkReplica,
    Offer,
    OutboxMessage,
    Pass,
    PassHolder,
    Redemption,
    RedemptionAttempt,
)
from shared.hot_statement import HotStatement

OFFERS, PARTNERS, NETWORKS = Offer.__table__, DiscountPartner.__table__, NetworkReplica.__table__
PASSES, HOLDERS, MEMBERSHIPS = Pass.__table__, PassHolder.__table__, HolderMembership.__table__
REDEMPTIONS, ATTEMPTS = Redemption.__table__, RedemptionAttempt.__table__
ANSWERS, TOKENS = IdempotentResponse.__table__, ApiToken.__table__
OUTBOX = OutboxMessage.__table__

# The columns `presented` selects, in the order of the fields of CounterOffer and CounterPass below
# (a row is split by position: no dict per row).
OFFER_COLUMNS = (
    OFFERS.c.id,
    OFFERS.c.network_id,
    OFFERS.c.partner_id,
    OFFERS.c.title,
    OFFERS.c.audience,
    OFFERS.c.organisations,
    OFFERS.c.valid_from,
    OFFERS.c.valid_until,
    OFFERS.c.weekdays,
    OFFERS.c.starts_at,
    OFFERS.c.ends_at,
    OFFERS.c.usage,
    OFFERS.c.per_period,
    OFFERS.c.period,
    OFFERS.c.total_quantity,
    OFFERS.c.rules_version,
    PARTNERS.c.name.label("partner_name"),
    NETWORKS.c.name.label("network_name"),
)
PASS_COLUMNS = (
    PASSES.c.id.label("pass_id"),
    PASSES.c.status,
    PASSES.c.valid_from.label("pass_valid_from"),
    PASSES.c.valid_until.label("pass_valid_until"),
    HOLDERS.c.id.label("holder_id"),
    HOLDERS.c.name.label("holder_name"),
    HOLDERS.c.email,
    HOLDERS.c.language,
    HOLDERS.c.is_student,
)


@dataclass(frozen=True, slots=True)
class CounterOffer:
    """What a redemption reads of the offer (fields in the order of OFFER_COLUMNS)."""

    id: str
    network_id: str
    partner_id: str
    title: str
    audience: str
    organisations: list
    valid_from: date | None
    valid_until: date | None
    weekdays: list
    starts_at: time | None
    ends_at: time | None
    usage: str
    per_period: int | None
    period: str | None
    total_quantity: int | None
    rules_version: int
    partner_name: str
    network_name: str | None


@dataclass(slots=True)
class CounterPass:
    """What a redemption reads of the pass and its holder (fields in the order of
    PASS_COLUMNS); the holder's organisations only for offers that ask for them."""

    id: str
    status: str
    valid_from: date
    valid_until: date
    holder_id: str
    name: str
    email: str
    language: str
    is_student: bool
    organisation_ids: list[str] = field(default_factory=list)


@cache
def presented(by_id: bool, with_offer: bool = True) -> HotStatement:
    """The offer (not withdrawn, of the caller's network), with its columns and its partner's and
    network's names if `with_offer` (else its id and rules version only: the caller remembers the
    rest, and reads it afresh when the version moved on), the pass
    with this id or number (of the same network) with its holder, whether the caller's API token
    is still unrevoked (it may have been remembered), and whether the offer is paused (read here
    on every tap, like the withdrawal: the remembered columns never say it): one round trip. No
    row: no such offer here. A row without pass columns: no such pass here."""
    code = PASSES.c.id if by_id else PASSES.c.number
    pass_here = (code == bindparam("code")) & (PASSES.c.network_id == OFFERS.c.network_id)
    token_live = (TOKENS.c.id == bindparam("token_id")) & TOKENS.c.revoked_at.is_(None)
    offers, offer_columns = OFFERS, (OFFERS.c.id, OFFERS.c.rules_version)
    if with_offer:
        offer_columns = OFFER_COLUMNS
        offers = OFFERS.join(PARTNERS, PARTNERS.c.id == OFFERS.c.partner_id).outerjoin(
            NETWORKS, NETWORKS.c.id == OFFERS.c.network_id
        )
    return HotStatement(
        select(
            *offer_columns,
            *PASS_COLUMNS,
            TOKENS.c.id.label("token_live"),
            OFFERS.c.paused_at.is_not(None).label("paused"),  # the row's own column: nothing to join
        )
        .select_from(
            offers.outerjoin(PASSES, pass_here)
            .outerjoin(HOLDERS, HOLDERS.c.id == PASSES.c.holder_id)
            .outerjoin(TOKENS, token_live)
        )
        .where(
            OFFERS.c.id == bindparam("offer_id"),
            OFFERS.c.network_id == bindparam("network_id"),
            OFFERS.c.withdrawn_at.is_(None),
        )
    )


@cache
def organisation_ids() -> Select:
    """The member organisations that nominated a holder (only for offers to given organisations)."""
    return select(MEMBERSHIPS.c.organisation_id).where(MEMBERSHIPS.c.holder_id == bindparam("holder_id"))


@cache
def insert_if_free(dialect: str) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING against the partial unique index of free slots, RETURNING
    the id: a row back means the slot was free, nothing means it was taken (perhaps this very
    moment, at another counter)."""
    dialect_insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return (
        dialect_insert(REDEMPTIONS)
        .on_conflict_do_nothing(
            index_elements=["offer_id", "pass_id", "period", "slot"],
            index_where=REDEMPTIONS.c.undone_at.is_(None),
        )
        .returning(REDEMPTIONS.c.id)
    )


# The columns of a slot, an event and an attempt, in the order of their parameters' names below.
SLOT_COLUMNS = ("id", "network_id", "offer_id", "pass_id", "partner_id", "period", "slot", "redeemed_at")
EVENT_COLUMNS = ("event_id", "type", "network_id", "message", "created_at")
ATTEMPT_COLUMNS = ("network_id", "partner_id", "client", "how", "code_hint", "outcome", "at")
# Values the three rows share are one parameter each (every parameter is adapted by the driver on
# every execution): the network, the partner, and the moment.
SHARED = {
    "network_id": "network",
    "partner_id": "partner",
    "redeemed_at": "moment",
    "created_at": "moment",
    "at": "moment",
}


def _params(table, prefix: str, names: tuple[str, ...]) -> list:
    # Prefixed: SQLAlchemy reserves a column's own name for its VALUES slot.
    return [bindparam(SHARED.get(name, f"{prefix}{name}"), type_=table.c[name].type) for name in names]


@cache
def take_slot_with_event_and_attempt(audited: bool) -> HotStatement:
    """PostgreSQL only: one statement (writable CTEs) that takes the slot (INSERT … ON CONFLICT DO
    NOTHING, as `insert_if_free`), writes the event to the outbox only if the slot was taken and,
    if `audited`, the audit row of the attempt when the slot was taken or this is the last slot to
    try (`final`), with the outcome `redeemed` or `a_refused`. Parameters: the slot's columns
    prefixed `s_`, the event's `e_`, the attempt's `a_`, except those in SHARED. Returns the
    slot's id, or no row. Three round trips become one; SQLite has no writable CTEs and runs the
    INSERTs apart."""
    slot = (
        postgresql_insert(REDEMPTIONS)
        .from_select(SLOT_COLUMNS, select(*_params(REDEMPTIONS, "s_", SLOT_COLUMNS)))
        .on_conflict_do_nothing(
            index_elements=["offer_id", "pass_id", "period", "slot"],
            index_where=REDEMPTIONS.c.undone_at.is_(None),
        )
        .returning(REDEMPTIONS.c.id)
        .cte("slot")
    )
    taken = exists(select(slot.c.id))
    event = insert(OUTBOX).from_select(
        EVENT_COLUMNS, select(*_params(OUTBOX, "e_", EVENT_COLUMNS)).select_from(slot)
    )
    if not audited:  # a redemption without an attempt to audit (redeem.redeem)
        return HotStatement(select(slot.c.id).add_cte(event.cte("event")))
    network, partner, client, how, hint, _, at = _params(ATTEMPTS, "a_", ATTEMPT_COLUMNS)
    last_try = bindparam("final", type_=Boolean())
    refused = bindparam("a_refused", type_=ATTEMPTS.c.outcome.type)
    outcome = case((taken, literal(Outcome.REDEEMED, ATTEMPTS.c.outcome.type)), else_=refused)
    attempt = insert(ATTEMPTS).from_select(
        ATTEMPT_COLUMNS,
        select(network, partner, client, how, hint, outcome, at).where(or_(last_try, taken)),
    )
    return HotStatement(select(slot.c.id).add_cte(event.cte("event"), attempt.cte("attempt")))


@cache
def count_down(step: int) -> Update:
    """Take (step -1) or give back (+1) one unit of a capped offer: conditional, so the count never
    passes the cap; it also holds the offer's row until commit."""
    taken = OFFERS.c.redeemed < OFFERS.c.total_quantity if step < 0 else OFFERS.c.redeemed > 0
    return (
        update(OFFERS)
        .where(OFFERS.c.id == bindparam("offer_id"), taken)
        .values(redeemed=OFFERS.c.redeemed - step)
    )


@cache
def audit() -> Insert:
    return insert(ATTEMPTS)


# Named apart from the columns: SQLAlchemy reserves a column's own name for its VALUES/SET slot.
_THIS_ANSWER = (ANSWERS.c.partner_id == bindparam("for_partner")) & (ANSWERS.c.key == bindparam("for_key"))


@cache
def stored_answer() -> Select:
    """The first answer given to this partner's Idempotency-Key, if any."""
    return select(ANSWERS.c.request_hash, ANSWERS.c.status, ANSWERS.c.body).where(_THIS_ANSWER)


@cache
def hold_key() -> Insert:
    """The key's row, written before the redemption: a concurrent twin with the same key waits on
    the primary key until this transaction ends, then fails and replays the answer stored here."""
    return insert(ANSWERS)


@cache
def keep_answer() -> Update:
    return (
        update(ANSWERS).where(_THIS_ANSWER).values(status=bindparam("new_status"), body=bindparam("new_body"))
    )
