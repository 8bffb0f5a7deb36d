"""What appreciation holds about an address, for a person's access request, and its erasure.

The pass holder is anonymised, not deleted: redemptions and invitations keep pointing at the row, so
offers' and events' figures keep their counts. Their pass is revoked; a seat they held at a coming
event goes to the next on the waiting list, as if they had declined.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, cast, delete, func, or_, select
from sqlalchemy.orm import Session

from services.appreciation.domain.passes import PassStatus
from services.appreciation.links import Links
from services.appreciation.models import (
    AuditEntry,
    DeadLetter,
    DiscountPartner,
    IdempotentResponse,
    Invitation,
    OutboxMessage,
    Pass,
    PassHolder,
    Redemption,
)
from services.appreciation.models.imports import NominationImportRow
from services.appreciation.usecases import invitations
from services.appreciation.usecases.common import outbox
from shared.privacy import MessagingTables, placeholder_address, scrub_messaging

MESSAGING = MessagingTables(outbox=OutboxMessage, dead_letters=DeadLetter, audit=AuditEntry)


def anonymise_holder(holder: PassHolder) -> None:
    """Name and address go; the row stays for the figures. Old pass links stop working."""
    holder.name, holder.email = "", placeholder_address(holder.id)
    holder.link_version += 1


def _holder(session: Session, network_id: str, address: str) -> PassHolder | None:
    return session.scalar(
        select(PassHolder).where(PassHolder.network_id == network_id, func.lower(PassHolder.email) == address)
    )


def collect(session: Session, network_id: str, address: str) -> dict[str, list[dict]]:
    """Everything appreciation holds about `address` in the network, as plain JSON records."""
    holder = _holder(session, network_id, address)
    partners = session.scalars(
        select(DiscountPartner).where(
            DiscountPartner.network_id == network_id, func.lower(DiscountPartner.contact_email) == address
        )
    )
    records: dict[str, list[dict]] = {
        "partner_contact_for": [{"partner": p.name, "contact_name": p.contact_name} for p in partners],
        "nomination_rows": [
            {"line": r.line, "name": r.name, "email": r.email, "outcome": r.outcome or ""}
            for r in session.scalars(select(NominationImportRow).where(_nominated(address)))
        ],
    }
    if holder is None:
        return {"pass_holder": [], "passes": [], "redemptions": [], "invitations": [], **records}
    passes = list(session.scalars(select(Pass).where(Pass.holder_id == holder.id).order_by(Pass.issued_at)))
    redemptions = session.scalars(
        select(Redemption)
        .where(Redemption.pass_id.in_([p.id for p in passes]))
        .order_by(Redemption.redeemed_at)
    )
    invited = session.scalars(select(Invitation).where(Invitation.holder_id == holder.id))
    return {
        "pass_holder": [
            {
                "name": holder.name,
                "email": holder.email,
                "language": holder.language,
                "student": holder.is_student,
                "since": holder.created_at.isoformat(),
                "organisations": [m.organisation_id for m in holder.memberships],
            }
        ],
        "passes": [
            {
                "number": p.number,
                "status": p.status,
                "valid_from": p.valid_from.isoformat(),
                "valid_until": p.valid_until.isoformat(),
                "issued_at": p.issued_at.isoformat(),
            }
            for p in passes
        ],
        "redemptions": [
            {
                "offer": r.offer.title if r.offer else r.offer_id,
                "redeemed_at": r.redeemed_at.isoformat(),
                "undone": r.undone_at is not None,
            }
            for r in redemptions
        ],
        "invitations": [
            {
                "event": i.gathering.title,
                "starts_at": i.gathering.starts_at.isoformat(),
                "status": i.status,
                "seats": i.seats,
                "answers": i.answers,
                "checked_in_at": i.checked_in_at.isoformat() if i.checked_in_at else None,
                "feedback": {"mark": i.feedback_mark, "comment": i.feedback_comment}
                if i.feedback_mark
                else None,
            }
            for i in invited
        ],
        **records,
    }


def erase(session: Session, network_id: str, address: str, now: datetime, links: Links) -> dict[str, int]:
    """Revoke the pass, give up seats, anonymise the holder, empty the messages that named them."""
    counts = {"pass holders": 0, "passes revoked": 0, "invitations": 0, "nomination rows": 0}
    holder = _holder(session, network_id, address)
    names: tuple[str, ...] = ()
    if holder is not None:
        names = (holder.name,)
        passes = list(session.scalars(select(Pass).where(Pass.holder_id == holder.id)))
        for pass_ in passes:
            if pass_.status == PassStatus.ACTIVE:
                pass_.status, pass_.ended_at = PassStatus.REVOKED, now
                counts["passes revoked"] += 1
        for invitation in list(session.scalars(select(Invitation).where(Invitation.holder_id == holder.id))):
            if invitation.gathering.starts_at > now:  # a past event's guest list and figures stay
                invitations.decline(session, invitation.id, links)  # a held seat goes to the next in line
                session.refresh(invitation)
            invitation.answers, invitation.feedback_comment = {}, ""
            counts["invitations"] += 1
        redeemed = session.scalars(
            select(Redemption.id).where(Redemption.pass_id.in_([p.id for p in passes]))
        )
        counts["till answers"] = _forget_till_answers(session, list(redeemed))
        anonymise_holder(holder)
        counts["pass holders"] = 1
    rows = session.execute(delete(NominationImportRow).where(_nominated(address)))
    counts["nomination rows"] = rows.rowcount or 0
    session.flush()
    counts.update(scrub_messaging(session, MESSAGING, address, network_id, now, names))
    return counts


def _nominated(address: str):
    return or_(
        func.lower(NominationImportRow.email) == address, func.lower(NominationImportRow.address) == address
    )


def _forget_till_answers(session: Session, redemption_ids: list[str]) -> int:
    """A till's repeated request is answered from a stored answer, which names the holder's first
    name: it goes from the answers to her redemptions; the answers stay, so a till's retry still
    gets the same outcome and never redeems twice."""
    if not redemption_ids:
        return 0
    wanted = set(redemption_ids)
    ours = [
        cast(IdempotentResponse.body, Text).contains(f'"{rid}"', autoescape=True) for rid in redemption_ids
    ]
    answers = [
        a
        for a in session.scalars(select(IdempotentResponse).where(or_(*ours)))
        if a.body and a.body.get("redemption_id") in wanted
    ]
    for answer in answers:
        answer.body = {**answer.body, "first_name": ""}
    return len(answers)


def answer(session: Session, network_id: str, request: dict, now: datetime, links: Links) -> None:
    """`recruitment.personal_data_requested.v1`: collect or erase, and answer in the same transaction."""
    address = request["email"].strip().lower()
    if request["kind"] == "access":
        kind, part = "collected", {"records": collect(session, network_id, address)}
    else:
        kind, part = "erased", {"counts": erase(session, network_id, address, now, links)}
    outbox.add(
        session,
        f"appreciation.personal_data_{kind}.v1",
        network_id,
        {"request_id": request["request_id"], **part},
    )
