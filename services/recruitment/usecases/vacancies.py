"""Joint vacancies: drafting, co-publishing, moderation, publication and the end of a vacancy."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.recruitment import domain
from services.recruitment.domain import VacancyStatus
from services.recruitment.links import Links
from services.recruitment.models import ActivityCategory, CoPublisher, Organisation, Vacancy
from services.recruitment.usecases import alerts, registry, search
from services.recruitment.usecases.common import (
    NotFound,
    UnknownReference,
    get,
    network_of,
    outbox,
    recipient,
)
from services.recruitment.usecases.registry import get_member
from shared.db import utcnow
from shared.identity import Principal, Role

COPY_FIELDS = (
    "title",
    "description",
    "category_id",
    "place",
    "hours_per_week",
    "period",
    "frequency",
    "long_term",
    "start_date",
    "end_date",
    "vog_required",
    "minimum_age",
    "languages",
    "suitable_for_students",
    "contact_name",
    "contact_email",
    "contact_phone",
)


def _apply(session: Session, vacancy: Vacancy, fields: dict) -> None:
    fields = dict(fields)
    if "category" in fields:
        key = fields.pop("category")
        vacancy.category = key and session.scalar(select(ActivityCategory).where(ActivityCategory.key == key))
        if key and vacancy.category is None:
            raise UnknownReference("category", f"unknown activity category {key!r}")
    if "description" in fields:
        fields["description"] = domain.safe_description(fields["description"])
    for name, value in fields.items():
        setattr(vacancy, name, value)


def draft_vacancy(session: Session, principal: Principal, fields: dict) -> Vacancy:
    """A member organisation drafts a vacancy of its own."""
    if principal.role != Role.ORGANISATION:
        raise domain.NotAllowed("only a member organisation drafts vacancies")
    organisation = get_member(session, principal.organisation_id)
    vacancy = Vacancy(
        network_id=principal.network_id,
        organisation=organisation,
        contact_name=organisation.contact_name,
        contact_email=organisation.contact_email,
    )
    _apply(session, vacancy, fields)
    session.add(vacancy)
    session.flush()
    session.refresh(vacancy)  # load defaults and relationships: the caller's response shows them
    search.index(session, vacancy)
    return vacancy


def get_vacancy(session: Session, vacancy_id: str) -> Vacancy:
    return get(session, Vacancy, vacancy_id, "vacancy")


def visible_vacancy(session: Session, principal: Principal | None, vacancy_id: str) -> Vacancy:
    """Published vacancies for anyone; others only for their publishers and the coordinator."""
    vacancy = get_vacancy(session, vacancy_id)
    if vacancy.status == VacancyStatus.PUBLISHED:
        return vacancy
    if principal and (domain.may_edit_vacancy(principal, vacancy) or _is_invited(principal, vacancy)):
        return vacancy
    raise NotFound("no such vacancy")


def _is_invited(principal: Principal, vacancy: Vacancy) -> bool:
    return any(c.organisation_id == principal.organisation_id for c in vacancy.co_publishers)


def edit_vacancy(session: Session, principal: Principal, vacancy_id: str, changes: dict) -> Vacancy:
    """Change a draft. Its own member or the coordinator."""
    vacancy = get_vacancy(session, vacancy_id)
    domain.ensure_may_edit(principal, vacancy)
    domain.ensure_editable(vacancy)
    _apply(session, vacancy, changes)
    search.index(session, vacancy)
    return vacancy


def revise_published(
    session: Session, principal: Principal, vacancy_id: str, changes: dict, links: Links
) -> Vacancy:
    """Change a published vacancy. In a moderated network a member's change goes back to the
    coordinator: the vacancy is submitted again and leaves the bank until approved, so the public
    never sees a text the coordinator has not seen (responses and co-publishers stay). In an open
    network, and for the coordinator's own changes, the change shows at once."""
    vacancy = get_vacancy(session, vacancy_id)
    domain.ensure_may_edit(principal, vacancy)
    domain.ensure_revisable(vacancy)
    to_moderation = edit_goes_to_moderation(session, principal, vacancy)
    _apply(session, vacancy, changes)
    if to_moderation:
        vacancy.status, vacancy.submitted_at = VacancyStatus.SUBMITTED, utcnow()
        _ask_moderator(session, vacancy, network_of(session, vacancy.network_id), links)
    search.index(session, vacancy)
    return vacancy


def save_changes(
    session: Session, principal: Principal, vacancy_id: str, changes: dict, links: Links
) -> Vacancy:
    """What the editor's Save does: a draft is edited, a published vacancy revised."""
    if get_vacancy(session, vacancy_id).status == VacancyStatus.PUBLISHED:
        return revise_published(session, principal, vacancy_id, changes, links)
    return edit_vacancy(session, principal, vacancy_id, changes)


def edit_goes_to_moderation(session: Session, principal: Principal, vacancy: Vacancy) -> bool:
    """Whether saving changes to this vacancy now sends it back to the coordinator (the page says so
    before saving)."""
    network = network_of(session, vacancy.network_id)
    return principal.role == Role.ORGANISATION and domain.edit_needs_moderation(vacancy, network.moderated)


def invite_co_publisher(
    session: Session, principal: Principal, vacancy_id: str, organisation_id: str, links: Links | None = None
) -> CoPublisher:
    """The drafting member invites another member to publish jointly."""
    vacancy = get_vacancy(session, vacancy_id)
    if not domain.is_drafter(principal, vacancy):
        raise domain.NotAllowed("only the drafting organisation invites co-publishers")
    if vacancy.status in VacancyStatus.ENDED:
        raise domain.InvalidTransition("this vacancy has ended")
    invitee = get_member(session, organisation_id)
    if invitee.id == vacancy.organisation_id or any(
        c.organisation_id == invitee.id for c in vacancy.co_publishers
    ):
        raise domain.InvalidTransition("this organisation is already a publisher or invited")
    invitation = CoPublisher(organisation=invitee)
    vacancy.co_publishers.append(invitation)
    outbox.add(
        session,
        "recruitment.co_publishing_invited.v1",
        vacancy.network_id,
        {
            "vacancy_id": vacancy.id,
            "title": vacancy.title,
            "inviting_organisation": vacancy.organisation.name,
            "network_name": network_of(session, vacancy.network_id).name,
            "invitee": recipient(invitee),
            **({"url": links.url(f"/portaal/vacatures/{vacancy.id}")} if links else {}),
        },
    )
    return invitation


def answer_invitation(session: Session, principal: Principal, vacancy_id: str, accept: bool) -> Vacancy:
    """The invited member accepts (and is shown by name) or declines."""
    vacancy = get_vacancy(session, vacancy_id)
    invitation = next(
        (
            c
            for c in vacancy.co_publishers
            if principal.role == Role.ORGANISATION and c.organisation_id == principal.organisation_id
        ),
        None,
    )
    if invitation is None:
        raise NotFound("no invitation for your organisation")
    if invitation.status != "invited":
        raise domain.InvalidTransition(f"the invitation was {invitation.status} already")
    invitation.status = "accepted" if accept else "declined"
    invitation.answered_at = utcnow()
    return vacancy


def submit(session: Session, principal: Principal, vacancy_id: str, links: Links) -> Vacancy:
    """The member submits; a moderated network waits for the coordinator, others publish now."""
    vacancy = get_vacancy(session, vacancy_id)
    domain.ensure_may_edit(principal, vacancy)
    network = network_of(session, vacancy.network_id)
    published_before = vacancy.published_at
    domain.transition(vacancy, "submit", utcnow())
    if not network.moderated:
        return _publish(session, vacancy, links, published_before)
    _ask_moderator(session, vacancy, network, links)
    return vacancy


def _ask_moderator(session: Session, vacancy: Vacancy, network, links: Links | None) -> None:
    if network.contact_email and links is not None:
        outbox.add(
            session,
            "recruitment.vacancy_submitted.v1",
            vacancy.network_id,
            {
                "vacancy_id": vacancy.id,
                "title": vacancy.title,
                "organisation_name": vacancy.organisation.name,
                "network_name": network.name,
                # The coordinator reads the network's own language (its settings).
                "moderator": {
                    "name": network.name,
                    "email": network.contact_email,
                    "language": network.language,
                },
                "url": links.url("/portaal/moderatie"),
            },
        )


def withdraw(session: Session, principal: Principal, vacancy_id: str) -> Vacancy:
    """The member takes a submitted vacancy back to draft, e.g. to change it before approval."""
    vacancy = get_vacancy(session, vacancy_id)
    domain.ensure_may_edit(principal, vacancy)
    domain.transition(vacancy, "withdraw", utcnow())
    search.index(session, vacancy)
    return vacancy


def approve(session: Session, principal: Principal, vacancy_id: str, links: Links) -> Vacancy:
    vacancy = get_vacancy(session, vacancy_id)
    domain.ensure_coordinator(principal, vacancy.network_id)
    published_before = vacancy.published_at
    domain.transition(vacancy, "approve", utcnow())
    return _publish(session, vacancy, links, published_before)


def _publish(
    session: Session, vacancy: Vacancy, links: Links, published_before: datetime | None = None
) -> Vacancy:
    # An approved edit of a vacancy that was public before is no news for alert subscribers and
    # digests: it keeps its first publication moment.
    first_time = published_before is None
    vacancy.status, vacancy.published_at = VacancyStatus.PUBLISHED, published_before or utcnow()
    vacancy.rejection_reason = ""
    search.index(session, vacancy)
    network = network_of(session, vacancy.network_id)
    organisation = vacancy.organisation
    outbox.add(
        session,
        "recruitment.vacancy_published.v1",
        vacancy.network_id,
        {
            "vacancy_id": vacancy.id,
            "title": vacancy.title,
            "organisation_id": organisation.id,
            "organisation_names": [o.name for o in domain.publishers(vacancy)],
            "network_name": network.name,
            "url": links.url(f"/vacatures/{vacancy.id}"),
            "contact_name": organisation.contact_name,
            "contact_email": organisation.contact_email,
            "language": organisation.language,
        },
    )
    if first_time:
        alerts.announce(session, vacancy, network, links)
    return vacancy


def reject(session: Session, principal: Principal, vacancy_id: str, reason: str) -> Vacancy:
    """The coordinator sends a submitted vacancy back to draft with a reason the member sees."""
    vacancy = get_vacancy(session, vacancy_id)
    domain.ensure_coordinator(principal, vacancy.network_id)
    domain.transition(vacancy, "reject", utcnow())
    vacancy.rejection_reason = reason
    outbox.add(
        session,
        "recruitment.vacancy_rejected.v1",
        vacancy.network_id,
        {
            "vacancy_id": vacancy.id,
            "title": vacancy.title,
            "reason": reason,
            "network_name": network_of(session, vacancy.network_id).name,
            "contact": recipient(vacancy.organisation),
        },
    )
    return vacancy


def close(session: Session, principal: Principal, vacancy_id: str, filled: bool) -> Vacancy:
    """Take a vacancy out of the bank: filled (a match!) or closed."""
    vacancy = get_vacancy(session, vacancy_id)
    domain.ensure_may_edit(principal, vacancy)
    domain.transition(vacancy, "fill" if filled else "close", utcnow())
    _announce_closed(session, vacancy)
    return vacancy


def _announce_closed(session: Session, vacancy: Vacancy) -> None:
    outbox.add(
        session,
        "recruitment.vacancy_closed.v1",
        vacancy.network_id,
        {"vacancy_id": vacancy.id, "title": vacancy.title, "reason": vacancy.status},
    )


def duplicate(session: Session, principal: Principal, vacancy_id: str) -> Vacancy:
    """A new draft with the same content (e.g. next year's edition), for the same member."""
    source = get_vacancy(session, vacancy_id)
    domain.ensure_may_edit(principal, source)
    copy = Vacancy(
        network_id=source.network_id,
        organisation=source.organisation,
        **{f: getattr(source, f) for f in COPY_FIELDS},
    )
    copy.areas = source.areas
    session.add(copy)
    session.flush()
    session.refresh(copy)
    search.index(session, copy)
    return copy


def expire_due(session: Session, today: date) -> int:
    """Beat: published vacancies whose end date has passed leave the bank."""
    due = session.scalars(
        select(Vacancy).where(Vacancy.status == VacancyStatus.PUBLISHED, Vacancy.end_date < today)
    ).all()
    for vacancy in due:
        domain.transition(vacancy, "expire", utcnow())
        _announce_closed(session, vacancy)
    return len(due)


def member_vacancies(session: Session, principal: Principal) -> list[Vacancy]:
    """The member portal: vacancies it drafted or was invited to co-publish."""
    invited = select(CoPublisher.vacancy_id).where(CoPublisher.organisation_id == principal.organisation_id)
    return list(
        session.scalars(
            select(Vacancy)
            .where(or_(Vacancy.organisation_id == principal.organisation_id, Vacancy.id.in_(invited)))
            .order_by(Vacancy.created_at.desc())
        ).unique()
    )


def moderation_queue(session: Session) -> list[Vacancy]:
    return list(
        session.scalars(
            select(Vacancy).where(Vacancy.status == VacancyStatus.SUBMITTED).order_by(Vacancy.submitted_at)
        ).unique()
    )


def who_offers_what(session: Session) -> tuple[list[Organisation], list[ActivityCategory]]:
    """The flyer's table: members (rows) by the activities they offer (columns)."""
    members = registry.organisations(session)
    used = {c.id for m in members for c in m.activities}
    categories = [
        c for c in session.scalars(select(ActivityCategory).order_by(ActivityCategory.name)) if c.id in used
    ]
    return members, categories
