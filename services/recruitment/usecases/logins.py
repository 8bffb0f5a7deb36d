"""Logging in by e-mail: a single-use magic link per role the address may act in."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.recruitment.links import Links
from services.recruitment.models import EducationPartner, Network, Organisation, Student, UsedLoginLink
from services.recruitment.usecases.common import outbox
from shared.identity import Principal, Role
from shared.magic_links import login_mail, redeem


def _identities(session: Session, network: Network, email: str) -> list[tuple[str, dict, str, str]]:
    """(label, identity, contact name, stored address) for every role `email` has in `network`.
    The comparison is exact (case aside): no pattern matching on what a stranger typed."""
    found = []
    if network.contact_email and network.contact_email.lower() == email:
        found.append(
            (
                network.name,
                {"role": Role.COORDINATOR, "network_id": network.id, "actor": network.contact_email},
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
        identity = {
            "role": Role.ORGANISATION,
            "network_id": network.id,
            "organisation_id": member.id,
            "actor": member.contact_email,
        }
        found.append((member.name, identity, member.contact_name, member.contact_email))
    partners = session.scalars(
        select(EducationPartner).where(
            EducationPartner.network_id == network.id, func.lower(EducationPartner.contact_email) == email
        )
    )
    for partner in partners:
        identity = {
            "role": Role.EDUCATION_PARTNER,
            "network_id": network.id,
            "partner_id": partner.id,
            "actor": partner.contact_email,
        }
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
    recipient = {"name": name, "email": address, "language": language}
    offers = [(label, links.login.link(identity, next_path)) for label, identity, _, _ in identities]
    outbox.add(
        session,
        "recruitment.login_link_requested.v1",
        network.id,
        login_mail(recipient, network.name, offers),
    )
    return True


def redeem_login(session: Session, payload: dict) -> Principal:
    """Spend a verified login link's nonce (once: shared.magic_links.LinkAlreadyUsed) and return who
    it logs in."""
    return redeem(session, UsedLoginLink, payload)


def still_allowed(session: Session, principal: Principal) -> bool:
    """Whether a logged-in principal may still act: a removed member's sessions end at once."""
    if principal.role != Role.ORGANISATION:
        return True
    member = session.get(Organisation, principal.organisation_id)
    return member is not None and member.removed_at is None
