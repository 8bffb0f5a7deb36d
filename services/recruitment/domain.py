"""Recruitment's rules, free of Flask, Celery and sessions."""

from __future__ import annotations

import re
from datetime import datetime

from shared.auth import Principal, Role


class DomainError(Exception):
    """A rule of the domain refuses the command."""


class NotAllowed(DomainError):
    """The caller may not do this to this record."""


class InvalidTransition(DomainError):
    """The record is not in a state that allows this step."""


class VacancyStatus:
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"


SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def may_edit_vacancy(principal: Principal, vacancy) -> bool:
    """A member edits only its own vacancies; the coordinator of the network may edit any."""
    if principal.role == Role.COORDINATOR:
        return principal.network_id == vacancy.network_id
    return principal.role == Role.ORGANISATION and principal.organisation_id == vacancy.organisation_id


def ensure_may_edit(principal: Principal, vacancy) -> None:
    if not may_edit_vacancy(principal, vacancy):
        raise NotAllowed("only the organisation that drafted this vacancy may change it")


def publish(vacancy, now: datetime) -> None:
    """Only a draft can be published; publishing stamps the moment."""
    if vacancy.status != VacancyStatus.DRAFT:
        raise InvalidTransition(f"a {vacancy.status} vacancy cannot be published")
    vacancy.status = VacancyStatus.PUBLISHED
    vacancy.published_at = now


def ensure_editable(vacancy) -> None:
    if vacancy.status != VacancyStatus.DRAFT:
        raise InvalidTransition("only a draft vacancy can be edited")
