"""Logging in by e-mail: a single-use magic link per role the address may act in."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.recruitment import domain
from services.recruitment.links import LOGIN_MINUTES, Links
from services.recruitment.models import EducationPartner, Network, Organisation, Student, UsedLoginLink
from services.recruitment.usecases.common import outbox
from shared.identity import Principal, Role


class LinkAlreadyUsed(domain.DomainError):
    """This login link has logged someone in before."""


def _identities(session: Session, network: Network, email: str) -> list[tuple[str, dict, str, str]]:
    """(label, identity, contact name, stored address) for every role `email` has in `network`.
    The comparison is exact (case aside): no pattern matching on what a stranger typed."""
    found = []
    if network.contact_email and network.contact_email.lower() == email:
        found.append(
            (
                network.name,
                {"role": Role.COORDINATOR, "network_id": network.id},
                network.name,
                network.contact_email,
            )
        )
    members = session.scalars(
        select(Organisation).where(
            Organisation.network_id == network.id,
            Organisation.removed_at.is_(None),
            func.lower(Organisation.contact_email) == email,
        )
    )
    for member in members:
        identity = {"role": Role.ORGANISATION, "network_id": network.id, "organisation_id": member.id}
        found.append((member.name, identity, member.contact_name, member.contact_email))
    partners = session.scalars(
        select(EducationPartner).where(
            EducationPartner.network_id == network.id, func.lower(EducationPartner.contact_email) == email
        )
    )
    for partner in partners:
        identity = {"role": Role.EDUCATION_PARTNER, "network_id": network.id, "partner_id": partner.id}
        label = f"{partner.institution}, {partner.programme}"
        found.append((label, identity, partner.contact_name or label, partner.contact_email))
    registrations = session.scalars(
        select(Student).where(
            Student.network_id == network.id, Student.email == email, Student.verified_at.is_not(None)
        )
    )
    for student in registrations:
        identity = {"role": Role.STUDENT, "network_id": network.id, "person_id": student.id}
        found.append((student.cohort.name, identity, student.name, student.email))
    return found


def request_login(
    session: Session,
    network: Network,
    email: str,
    language: str,
    links: Links,
    next_path: str | None = None,
) -> bool:
    """Send login links if `email` may act in this network; the caller never says whether it may.
    The links go to the address on record, never to the address as typed; each opens `next_path`
    (the page the person was sent to log in from) after logging in."""
    identities = _identities(session, network, email.strip().lower())
    if not identities:
        return False
    _, _, name, address = identities[0]
    outbox.add(
        session,
        "recruitment.login_link_requested.v1",
        network.id,
        {
            "recipient": {"name": name, "email": address, "language": language},
            "network_name": network.name,
            "minutes_valid": LOGIN_MINUTES,
            "links": [
                {"label": label, "url": links.login_link(identity, next_path)}
                for label, identity, _, _ in identities
            ],
        },
    )
    return True


def redeem_login(session: Session, payload: dict) -> Principal:
    """Spend a verified login link's nonce (once) and return who it logs in."""
    session.add(UsedLoginLink(nonce=payload["nonce"]))
    try:
        session.flush()
    except IntegrityError:
        raise LinkAlreadyUsed("this login link has been used already") from None
    return Principal(
        role=payload["role"],
        network_id=payload["network_id"],
        organisation_id=payload.get("organisation_id"),
        partner_id=payload.get("partner_id"),
        person_id=payload.get("person_id"),
    )


def still_allowed(session: Session, principal: Principal) -> bool:
    """Whether a logged-in principal may still act: a removed member's sessions end at once."""
    if principal.role != Role.ORGANISATION:
        return True
    member = session.get(Organisation, principal.organisation_id)
    return member is not None and member.removed_at is None
