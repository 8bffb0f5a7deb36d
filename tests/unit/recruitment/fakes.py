"""Plain stand-ins for the records recruitment's rules read: only the attributes a rule looks at."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from shared.identity import Principal, Role

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
NETWORK = "n1"


def organisation(org_id: str = "o1", name: str = "Humanitas") -> SimpleNamespace:
    return SimpleNamespace(id=org_id, name=name)


def vacancy(status: str = "draft", **values) -> SimpleNamespace:
    """A vacancy of organisation o1 in network n1, with the fields alerts and the workflow read."""
    fields = {
        "status": status,
        "organisation_id": "o1",
        "organisation": organisation(),
        "network_id": NETWORK,
        "co_publishers": [],
        "category": None,
        "areas": [],
        "suitable_for_students": False,
        "vog_required": False,
        "long_term": False,
        "hours_per_week": None,
        "submitted_at": None,
        "published_at": None,
        "closed_at": None,
    }
    return SimpleNamespace(**{**fields, **values})


def co_publisher(org: SimpleNamespace, status: str = "accepted") -> SimpleNamespace:
    return SimpleNamespace(organisation=org, status=status)


def member(org_id: str = "o1", network_id: str = NETWORK) -> Principal:
    return Principal(Role.ORGANISATION, network_id, organisation_id=org_id)


def coordinator(network_id: str = NETWORK) -> Principal:
    return Principal(Role.COORDINATOR, network_id)


def partner(partner_id: str = "e1", network_id: str = NETWORK) -> Principal:
    return Principal(Role.EDUCATION_PARTNER, network_id, partner_id=partner_id)
