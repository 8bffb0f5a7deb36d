"""Consent records: the network's privacy text in versions (each save by the coordinator is a new
one), the version a response, alert or student registration agreed to, and how many did."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.recruitment import domain
from services.recruitment.domain import privacy_text
from services.recruitment.models import AlertSubscription, PrivacyText, Response, Student
from services.recruitment.usecases.common import Conflict, UnknownReference, network_of
from shared.identity import Principal

DEFAULT_VERSION = privacy_text.DEFAULT_VERSION


class TextRefused(domain.DomainError):
    """The text cannot be saved as it is (empty, or too long)."""


@dataclass(frozen=True)
class VersionSummary:
    """One version in the history, with how many consents name it."""

    version: int
    saved_by: str
    saved_at: datetime | None
    responses: int
    alerts: int
    students: int

    @property
    def consents(self) -> int:
        return self.responses + self.alerts + self.students


def _versions(network_id: str):
    return select(PrivacyText).where(PrivacyText.network_id == network_id)


def current_text(session: Session, network_id: str) -> PrivacyText | None:
    """The newest version the network saved; None while it shows Knoop's default text."""
    return session.scalar(_versions(network_id).order_by(PrivacyText.version.desc()).limit(1))


def current_version(session: Session, network_id: str) -> int:
    text = current_text(session, network_id)
    return text.version if text else DEFAULT_VERSION


def text_version(session: Session, network_id: str, version: int) -> PrivacyText | None:
    return session.scalar(_versions(network_id).where(PrivacyText.version == version))


def version_to_record(session: Session, network_id: str, shown: object = None) -> int:
    """The version a consent names: the one the form showed the person (it must exist for this
    network), or the current one when the caller does not say (the API as it always was)."""
    if shown is None or shown == "":
        return current_version(session, network_id)
    saved = set(session.scalars(select(PrivacyText.version).where(PrivacyText.network_id == network_id)))
    version = privacy_text.shown_version(shown, saved)
    if version is None:
        raise UnknownReference("consent_version", "This privacy statement is unknown. Reload the page.")
    return version


def save_text(session: Session, principal: Principal, body: str, based_on: int | None = None) -> PrivacyText:
    """Save the coordinator's text as the network's next version; `based_on` (the version the
    editor started from) refuses to bury a version someone else saved in the meantime."""
    if not domain.is_coordinator_of(principal, principal.network_id):
        raise domain.NotAllowed("only the network's coordinator may change its privacy statement")
    html = privacy_text.as_html(body)
    if privacy_text.is_empty(html):
        raise TextRefused("Write the privacy statement first.")
    if len(html) > privacy_text.MAX_LENGTH:
        raise TextRefused("The privacy statement is too long.")
    latest = current_version(session, principal.network_id)
    if based_on is not None and based_on != latest:
        raise Conflict("Someone saved a newer version meanwhile. Reload the page and try again.")
    network = network_of(session, principal.network_id)
    text = PrivacyText(
        network_id=network.id, version=latest + 1, body=html, saved_by=_who(principal, network.contact_email)
    )
    try:
        with session.begin_nested():  # two saves at once: the unique key lets one through
            session.add(text)
    except IntegrityError:
        raise Conflict("Someone saved a newer version meanwhile. Reload the page and try again.") from None
    return text


def _who(principal: Principal, coordinator_address: str) -> str:
    """The coordinator is whoever holds the network's contact address; a machine is its token."""
    return f"API token {principal.token_id}" if principal.token_id else coordinator_address


def _counts(session: Session, model, network_id: str) -> dict[int, int]:
    query = (
        select(model.consent_version, func.count())
        .where(model.network_id == network_id, model.consent_version.is_not(None))
        .where(model.consent_at.is_not(None))
        .group_by(model.consent_version)
    )
    return dict(session.execute(query).all())


def history(session: Session, network_id: str) -> list[VersionSummary]:
    """Every version, newest first, ending with Knoop's default text, each with its consents."""
    counts = [_counts(session, model, network_id) for model in (Response, AlertSubscription, Student)]
    saved = session.scalars(_versions(network_id).order_by(PrivacyText.version.desc()))
    rows = [(t.version, t.saved_by, t.saved_at) for t in saved] + [(DEFAULT_VERSION, "", None)]
    return [VersionSummary(version, by, at, *(c.get(version, 0) for c in counts)) for version, by, at in rows]
