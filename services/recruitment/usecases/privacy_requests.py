"""A person's request to see or erase their data (AVG art. 15 and 17), from asking to done.

The network's privacy desk lives in recruitment: a person asks on the network's page and confirms
through a link sent to the address (so nobody asks for someone else's data), or the coordinator asks
on their behalf. Recruitment answers for its own data at once; the other services answer by event
(`shared.contracts.privacy`) and the request is done when every service has. A service that is down
meanwhile answers when it is back: its event waits on its queue, its answer in its outbox.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.recruitment import domain
from services.recruitment.links import PRIVACY_CONFIRM_DAYS, PRIVACY_DOWNLOAD_DAYS, Links
from services.recruitment.models import (
    AuditEntry,
    DeadLetter,
    OutboxMessage,
    PrivacyRequest,
    PrivacyRequestPart,
)
from services.recruitment.usecases import privacy
from services.recruitment.usecases.common import NotFound, network_of, outbox
from shared.db import utcnow
from shared.identity import Principal, Role
from shared.privacy import MessagingTables, address_digest, normalised, scrub_messaging

log = logging.getLogger(__name__)
SERVICES = ("recruitment", "appreciation", "notifications")
RUNNING = {"access": "collecting", "erasure": "erasing"}
RESEND_AFTER = timedelta(hours=1)  # a confirmation mail per address and kind at most this often
STALLED_AFTER = timedelta(hours=1)  # a service that has not answered by then is asked again
MESSAGING = MessagingTables(outbox=OutboxMessage, dead_letters=DeadLetter, audit=AuditEntry)


class RequestGone(domain.DomainError):
    """The request expired, or its download was deleted."""


def ask(
    session: Session, network_id: str, email: str, kind: str, language: str, links: Links, secret_key: str
) -> PrivacyRequest:
    """A person asks: the request waits for the confirmation that the message to `email` asks for.
    Asked again within the hour, the same request stands and no second message goes: the page
    cannot be used to flood an address with mail."""
    network = network_of(session, network_id)
    digest = address_digest(secret_key, email)
    recent = session.scalar(
        select(PrivacyRequest).where(
            PrivacyRequest.network_id == network_id,
            PrivacyRequest.email_digest == digest,
            PrivacyRequest.kind == kind,
            PrivacyRequest.status == "unconfirmed",
            PrivacyRequest.requested_at > utcnow() - RESEND_AFTER,
        )
    )
    if recent is not None:
        return recent
    request = _new(session, network_id, email, kind, language, "person", secret_key)
    outbox.add(
        session,
        "recruitment.privacy_request_received.v1",
        network_id,
        {
            "request_id": request.id,
            "kind": kind,
            "recipient": {"name": "", "email": request.email, "language": language},
            "network_name": network.name,
            "confirm_url": links.privacy_confirmation(request.id),
            "days_valid": PRIVACY_CONFIRM_DAYS,
        },
    )
    return request


def ask_on_behalf(
    session: Session,
    principal: Principal,
    email: str,
    kind: str,
    language: str,
    secret_key: str,
    now: datetime,
) -> PrivacyRequest:
    """The coordinator asks for someone (who asked by phone, by letter, at the desk): no confirmation."""
    _coordinator(principal)
    request = _new(session, principal.network_id, email, kind, language, "coordinator", secret_key)
    _start(session, request, now)
    return request


def confirm(session: Session, request_id: str, now: datetime) -> PrivacyRequest:
    """The person followed the link: the request starts (a second click changes nothing)."""
    request = _get(session, request_id, locked=True)
    if request.status == "unconfirmed":
        _start(session, request, now)
    elif request.status == "expired":
        raise RequestGone("this request has expired")
    return request


def record_part(
    session: Session,
    request_id: str,
    service: str,
    network_id: str | None,
    now: datetime,
    links: Links,
    records: dict | None = None,
    counts: dict | None = None,
) -> None:
    """A service answered. A late or repeated answer (the request is done or gone), or one that does
    not fit it (another network, the other kind), changes nothing. The row is locked: two answers
    arriving at once in two workers each see the other's part."""
    request = session.get(PrivacyRequest, request_id, with_for_update=True)
    if request is None or request.status != RUNNING[request.kind] or request.network_id != network_id:
        return
    if (records is None) != (request.kind == "erasure"):
        log.warning("a %s answer to %s request %s ignored", service, request.kind, request.id)
        return
    if session.get(PrivacyRequestPart, (request.id, service)) is None:
        request.parts.append(PrivacyRequestPart(service=service, records=records or {}, counts=counts or {}))
        session.flush()
    if {part.service for part in request.parts} >= set(SERVICES):
        _complete(session, request, now, links)


def expire(session: Session, now: datetime) -> int:
    """Forget the address of requests nobody confirmed in time, and delete downloads past their date."""
    unconfirmed = select(PrivacyRequest).where(
        PrivacyRequest.status == "unconfirmed",
        PrivacyRequest.requested_at < now - timedelta(days=PRIVACY_CONFIRM_DAYS),
    )
    downloads = select(PrivacyRequest).where(
        PrivacyRequest.status == "ready", PrivacyRequest.expires_at < now
    )
    gone = [*session.scalars(unconfirmed), *session.scalars(downloads)]
    for request in gone:
        _forget(request, "expired")
    return len(gone)


def ask_again(session: Session, now: datetime) -> int:
    """Requests some service has not answered within the hour are sent again (its answer may
    have ended as a dead letter while its relay was down). Answering twice does no harm: the work is
    the same and a second answer is ignored; a service still down answers when it is back."""
    stalled = select(PrivacyRequest).where(
        PrivacyRequest.status.in_(list(RUNNING.values())), PrivacyRequest.confirmed_at < now - STALLED_AFTER
    )
    requests = list(session.scalars(stalled))
    for request in requests:  # the beat runs this hourly: an hour between tries
        _publish(session, request)
    return len(requests)


def download(session: Session, request_id: str, now: datetime) -> PrivacyRequest:
    """An access request's assembled data, while its download lasts."""
    request = _get(session, request_id)
    if request.status != "ready" or request.expires_at is None or request.expires_at < now:
        raise RequestGone("this download has expired")
    return request


def status(session: Session, request_id: str) -> PrivacyRequest:
    """The request as its confirmation page shows it."""
    return _get(session, request_id)


def export(request: PrivacyRequest) -> dict:
    """An access request's download: each service's records, by kind of record."""
    return {
        "email": request.email,
        "requested_at": request.requested_at.isoformat(),
        "completed_at": request.completed_at.isoformat() if request.completed_at else None,
        "services": {part.service: part.records for part in request.parts},
    }


def requests_of_network(session: Session, principal: Principal) -> list[PrivacyRequest]:
    """The coordinator's overview, newest first."""
    _coordinator(principal)
    return list(session.scalars(select(PrivacyRequest).order_by(PrivacyRequest.requested_at.desc())))


def services_answered(request: PrivacyRequest) -> list[str]:
    return [part.service for part in request.parts]


# --- steps ---------------------------------------------------------------------------------------


def _new(
    session: Session, network_id: str, email: str, kind: str, language: str, by: str, secret_key: str
) -> PrivacyRequest:
    address = normalised(email)
    request = PrivacyRequest(
        network_id=network_id,
        kind=kind,
        email=address,
        email_digest=address_digest(secret_key, address),
        language=language,
        requested_by=by,
    )
    session.add(request)
    session.flush()
    return request


def _start(session: Session, request: PrivacyRequest, now: datetime) -> None:
    request.confirmed_at, request.status = now, RUNNING[request.kind]
    if request.kind == "access":
        own = {"records": privacy.collect(session, request.network_id, request.email)}
    else:
        own = {"counts": privacy.erase(session, request.network_id, request.email, now)}
    request.parts.append(PrivacyRequestPart(service="recruitment", **own))
    _publish(session, request)


def _publish(session: Session, request: PrivacyRequest) -> None:
    outbox.add(
        session,
        "recruitment.personal_data_requested.v1",
        request.network_id,
        {"request_id": request.id, "kind": request.kind, "email": request.email},
    )


def _complete(session: Session, request: PrivacyRequest, now: datetime, links: Links) -> None:
    request.completed_at = now
    if not request.email:  # a later erasure of the same person finished first and did this one's work
        _forget(request, "done")
        return
    if request.kind == "access":
        request.status, request.expires_at = "ready", now + timedelta(days=PRIVACY_DOWNLOAD_DAYS)
        outbox.add(
            session,
            "recruitment.personal_data_ready.v1",
            request.network_id,
            {
                "request_id": request.id,
                "recipient": {"name": "", "email": request.email, "language": request.language},
                "network_name": network_of(session, request.network_id).name,
                "download_url": links.privacy_download_page(request.id),
                "expires_on": request.expires_at.date(),
            },
        )
        return
    # What arrived since the start (a response sent meanwhile) goes too; then the messages that
    # named the address, and the address in every request of this person, this one included.
    privacy.erase(session, request.network_id, request.email, now)
    scrub_messaging(session, MESSAGING, request.email, request.network_id, now)
    same_person = select(PrivacyRequest).where(
        PrivacyRequest.network_id == request.network_id, PrivacyRequest.email_digest == request.email_digest
    )
    for earlier in session.scalars(same_person):
        if earlier.id == request.id:
            continue
        if earlier.kind == "access" or earlier.status == "unconfirmed":
            _forget(earlier, "expired")  # its download, or its link, would bring the address back
        else:
            earlier.email = ""
    _forget(request, "done")


def _forget(request: PrivacyRequest, status: str) -> None:
    request.email, request.status = "", status
    for part in request.parts:
        part.records = {}


def _get(session: Session, request_id: str, locked: bool = False) -> PrivacyRequest:
    request = session.get(PrivacyRequest, request_id, with_for_update=locked)
    if request is None:
        raise NotFound("no such request")
    return request


def _coordinator(principal: Principal) -> None:
    if principal.role != Role.COORDINATOR:
        raise domain.NotAllowed("only the network's coordinator handles privacy requests")
