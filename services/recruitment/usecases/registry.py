"""The network registry: networks, member organisations, activity categories, API tokens."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from services.recruitment import domain
from services.recruitment.models import (
    ActivityCategory,
    ApiToken,
    Network,
    Organisation,
    OrganisationActivity,
    Vacancy,
)
from services.recruitment.usecases.common import Conflict, NotFound, UnknownReference, outbox
from shared.api_tokens import issue_token
from shared.db import utcnow
from shared.identity import Principal, Role


class CategoryInUse(Conflict):
    """Vacancies still use the category: it stays until they move to another."""

    def __init__(self, count: int):
        super().__init__(f"{count} vacancy(ies) still use this category; move them to another first")
        self.count = count


@dataclass(frozen=True)
class Created:
    """A created record together with the API token issued for it (shown once)."""

    record: object
    token: str


def _issue_token(session: Session, **scope) -> str:
    """Issue a token and tell the other services its hash, so it works behind every prefix."""
    row, token = issue_token(session, ApiToken, **scope)
    outbox.add(
        session,
        "recruitment.api_token_issued.v1",
        row.network_id,
        {
            "token_id": row.id,
            "token_hash": row.token_hash,
            "name": row.name,
            "role": row.role,
            "organisation_id": row.organisation_id,
            "partner_id": row.partner_id,
        },
    )
    return token


def issue_platform_token(session: Session, name: str) -> str:
    return _issue_token(session, name=name, role=Role.PLATFORM, network_id=None)


def revoke_token(session: Session, principal: Principal, token_id: str) -> None:
    """The coordinator revokes a token of its own network (platform operators: any)."""
    row = session.get(ApiToken, token_id)
    if row is None or (principal.role != Role.PLATFORM and row.network_id != principal.network_id):
        raise NotFound("no such token")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        outbox.add(session, "recruitment.api_token_revoked.v1", row.network_id, {"token_id": row.id})


def create_network(
    session: Session, name: str, slug: str, region: str = "", contact_email: str = "", moderated: bool = True
) -> Created:
    """Open a network, seed its activity categories and issue its coordinator's token."""
    if session.scalar(select(Network).where(Network.slug == slug)):
        raise Conflict(f"a network with slug {slug!r} exists already")
    network = Network(name=name, slug=slug, region=region, contact_email=contact_email, moderated=moderated)
    session.add(network)
    session.flush()
    for key, label in domain.DEFAULT_ACTIVITIES.items():
        session.add(ActivityCategory(network_id=network.id, key=key, name=label))
    outbox.add(
        session,
        "recruitment.network_created.v1",
        network.id,
        {"network_id": network.id, "name": name, "slug": slug, "region": region},
    )
    token = _issue_token(session, name=f"coordinator of {name}", role=Role.COORDINATOR, network_id=network.id)
    return Created(network, token)


def update_network(session: Session, network_id: str, changes: dict) -> Network:
    """The coordinator changes the network's settings (name, contact, moderation, branding)."""
    network = session.get(Network, network_id)
    if network is None:
        raise NotFound("no such network")
    for name, value in changes.items():
        setattr(network, name, value)
    outbox.add(
        session,
        "recruitment.network_updated.v1",
        network.id,
        {
            "network_id": network.id,
            "name": network.name,
            "slug": network.slug,
            "logo_url": network.logo_url,
            "brand_colour": network.brand_colour,
        },
    )
    return network


def _categories_by_key(session: Session, keys: list[str]) -> list[ActivityCategory]:
    found = list(session.scalars(select(ActivityCategory).where(ActivityCategory.key.in_(keys))))
    missing = set(keys) - {c.key for c in found}
    if missing:
        raise UnknownReference("activities", f"unknown activity categories: {', '.join(sorted(missing))}")
    return found


def admit_organisation(session: Session, network_id: str, fields: dict) -> Created:
    """The coordinator admits a member organisation; it gets its own API token."""
    fields = dict(fields)
    activities = _categories_by_key(session, fields.pop("activities", []))
    organisation = Organisation(network_id=network_id, **fields)
    organisation.activities = activities
    session.add(organisation)
    session.flush()
    token = _issue_token(
        session,
        name=f"organisation {organisation.name}",
        role=Role.ORGANISATION,
        network_id=network_id,
        organisation_id=organisation.id,
    )
    outbox.add(
        session,
        "recruitment.organisation_admitted.v1",
        network_id,
        {"organisation_id": organisation.id, "name": organisation.name, "identity": organisation.identity},
    )
    return Created(organisation, token)


def update_organisation(session: Session, organisation_id: str, changes: dict) -> Organisation:
    """The coordinator edits a member's registry entry."""
    organisation = get_member(session, organisation_id)
    changes = dict(changes)
    if "activities" in changes:
        organisation.activities = _categories_by_key(session, changes.pop("activities"))
    for name, value in changes.items():
        setattr(organisation, name, value)
    outbox.add(
        session,
        "recruitment.organisation_updated.v1",
        organisation.network_id,
        {"organisation_id": organisation.id, "name": organisation.name, "identity": organisation.identity},
    )
    return organisation


def remove_organisation(session: Session, organisation_id: str) -> None:
    """The coordinator removes a member: its tokens stop working, its history stays."""
    organisation = get_member(session, organisation_id)
    organisation.removed_at = utcnow()
    for token in session.scalars(
        select(ApiToken).where(ApiToken.organisation_id == organisation.id, ApiToken.revoked_at.is_(None))
    ):
        token.revoked_at = utcnow()
        outbox.add(session, "recruitment.api_token_revoked.v1", token.network_id, {"token_id": token.id})
    outbox.add(
        session,
        "recruitment.organisation_removed.v1",
        organisation.network_id,
        {"organisation_id": organisation.id},
    )


def get_member(session: Session, organisation_id: str) -> Organisation:
    organisation = session.get(Organisation, organisation_id, options=[selectinload(Organisation.activities)])
    if organisation is None or organisation.removed_at is not None:
        raise NotFound("no such organisation")
    return organisation


def add_category(session: Session, network_id: str, key: str, name: str) -> ActivityCategory:
    if session.scalar(select(ActivityCategory).where(ActivityCategory.key == key)):
        raise Conflict(f"category {key!r} exists already")
    category = ActivityCategory(network_id=network_id, key=key, name=name)
    session.add(category)
    session.flush()
    return category


def _category(session: Session, key: str) -> ActivityCategory:
    category = session.scalar(select(ActivityCategory).where(ActivityCategory.key == key))
    if category is None:
        raise NotFound("no such category")
    return category


def rename_category(session: Session, key: str, name: str) -> ActivityCategory:
    category = _category(session, key)
    category.name = name
    return category


def remove_category(session: Session, key: str) -> None:
    """Remove a category nobody's vacancy uses any more; members simply stop offering it."""
    category = _category(session, key)
    in_use = session.scalar(
        select(func.count()).select_from(Vacancy).where(Vacancy.category_id == category.id)
    )
    if in_use:
        raise CategoryInUse(in_use)
    session.execute(delete(OrganisationActivity).where(OrganisationActivity.category_id == category.id))
    session.delete(category)


def categories(session: Session) -> list[ActivityCategory]:
    return list(session.scalars(select(ActivityCategory).order_by(ActivityCategory.name)))


def network_by_slug(session: Session, slug: str) -> Network:
    network = session.scalar(select(Network).where(Network.slug == slug))
    if network is None:
        raise NotFound("no such network")
    return network


def networks(session: Session) -> list[Network]:
    return list(session.scalars(select(Network).order_by(Network.name)))


def organisations(session: Session) -> list[Organisation]:
    """The network's current members, by name, with the activities they offer."""
    return list(
        session.scalars(
            select(Organisation)
            .where(Organisation.removed_at.is_(None))
            .options(selectinload(Organisation.activities))
            .order_by(Organisation.name)
        )
    )


PROFILE_FIELDS = frozenset({"identity", "phone", "website", "areas", "activities"})


def update_own_profile(session: Session, principal: Principal, changes: dict) -> Organisation:
    """A member edits its own entry in "who offers what", when its network allows members to."""
    network = session.get(Network, principal.network_id)
    if network is None or not network.members_edit_profile:
        raise domain.NotAllowed("the coordinator keeps the members' entries in this network")
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise domain.NotAllowed(f"a member may not change {', '.join(sorted(unknown))}")
    return update_organisation(session, principal.organisation_id, changes)


def removal_outlook(session: Session, organisation_id: str) -> dict[str, int]:
    """What removing a member leaves behind, by vacancy status: its vacancies are not touched."""
    get_member(session, organisation_id)
    rows = session.execute(
        select(Vacancy.status, func.count())
        .where(Vacancy.organisation_id == organisation_id)
        .group_by(Vacancy.status)
    )
    return {status: count for status, count in rows}
