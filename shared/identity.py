"""Who is calling, as plain values: the roles and the principal a request acts for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class Role:
    """The roles a principal can have; each service's `access` rules say what a role may do."""

    PLATFORM = "platform_admin"  # opens networks; the operator of a Knoop installation
    COORDINATOR = "coordinator"
    ORGANISATION = "organisation"
    EDUCATION_PARTNER = "education_partner"
    DISCOUNT_PARTNER = "discount_partner"
    STUDENT = "student"
    VOLUNTEER = "volunteer"

    ALL = (
        PLATFORM,
        COORDINATOR,
        ORGANISATION,
        EDUCATION_PARTNER,
        DISCOUNT_PARTNER,
        STUDENT,
        VOLUNTEER,
    )


@dataclass(frozen=True)
class Principal:
    """An authenticated caller and the network, organisation or partner it acts for."""

    role: str
    network_id: str | None
    organisation_id: str | None = None
    partner_id: str | None = None
    token_id: str | None = None
    # The person a magic-link session is for (a student, a pass holder); API tokens leave it empty.
    person_id: str | None = None
    # How an audit trail names who acted: the address a session logged in with, an API token's name.
    actor: str | None = None


# Finds the principal behind a presented API token (None if unknown or revoked).
Authenticator = Callable[[str], Principal | None]
