"""Appreciation's API answers a domain error by the nearest class in its hierarchy."""

from services.appreciation.api import STATUS_FOR
from services.appreciation.domain.errors import DomainError, NotAllowed, NotFound, TokenRevoked
from services.appreciation.domain.gatherings import GatheringClosed
from services.appreciation.usecases.nominations import BadCsv
from shared.web import errors


def status_for(error: Exception) -> int:
    return errors.status_for(error, STATUS_FOR)


def test_not_found_is_a_domain_error_answered_404():
    assert issubclass(NotFound, DomainError) and status_for(NotFound("no such pass")) == 404


def test_not_allowed_is_answered_403():
    assert status_for(NotAllowed("no")) == 403


def test_a_revoked_token_is_answered_401():
    assert status_for(TokenRevoked("revoked")) == 401


def test_a_subclass_takes_its_base_class_answer():
    assert status_for(GatheringClosed("closed")) == 409


def test_a_domain_error_without_an_answer_of_its_own_is_422():
    assert status_for(BadCsv("not CSV")) == 422
