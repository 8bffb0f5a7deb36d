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


class FixedOncePublished(InvalidTransition):
    """A field of an event that stays as it was published (the invitations went out on it)."""

    def __init__(self, field: str):
        super().__init__("This stays as it was when the event was published.")
        self.field = field


class FieldRefused(DomainError):
    """A rule refuses the value of one field (the API answers beside it)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class TokenRevoked(DomainError):
    """The caller's API token was revoked after it was last checked (see TOKEN_SECONDS)."""
