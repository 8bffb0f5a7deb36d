"""The refusals of appreciation's rules, one hierarchy (api/__init__.py answers them by class)."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refuses the command."""


class NotFound(DomainError):
    """No such record in the caller's network (or not one the caller may know of)."""


class NotAllowed(DomainError):
    """The caller may not do this to this record."""


class MemberChoice(DomainError):
    """The member organisation a nomination is for is missing or not one of the network's."""

    field = "organisation_id"


class InvalidTransition(DomainError):
    """The record is not in a state that allows this step."""


class TokenRevoked(DomainError):
    """The caller's API token was revoked after it was last checked (see TOKEN_SECONDS)."""
