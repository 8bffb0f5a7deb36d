"""Demo data for the volunteer pass: two discount partners with offers, and passes for a few
volunteers of the demo network's members (their pass e-mails land in the mail sink)."""

from __future__ import annotations

from sqlalchemy import select

from services.appreciation.links import Links
from services.appreciation.models import DiscountPartner, NetworkReplica
from services.appreciation.usecases import offers, partners, passes
from shared.db import Database
from shared.identity import Principal, Role

PARTNERS = [
    (
        {
            "name": "Theater De Drommedaris",
            "place": "Enkhuizen",
            "category": "theatre",
            "contact_name": "Kassa Drommedaris",
            "contact_email": "kassa@drommedaris.example.org",
        },
        [
            {"title": "Twee kaartjes voor de prijs van één", "discount_kind": "two_for_one", "usage": "once"},
            {
                "title": "Koffie bij de matinee",
                "discount_kind": "free",
                "usage": "per_period",
                "per_period": 1,
                "period": "month",
                "weekdays": [7],
            },
        ],
    ),
    (
        {
            "name": "Zuiderzeemuseum",
            "place": "Enkhuizen",
            "category": "museum",
            "contact_name": "Balie Zuiderzeemuseum",
            "contact_email": "balie@zuiderzeemuseum.example.org",
        },
        [
            {
                "title": "Entree met 50% korting",
                "discount_kind": "percentage",
                "discount_value": 50,
                "usage": "per_period",
                "per_period": 2,
                "period": "year",
            },
            {"title": "Gratis rondleiding", "discount_kind": "free", "total_quantity": 25},
        ],
    ),
]

# (member name as in recruitment's demo, volunteer name, address)
VOLUNTEERS = [
    ("Humanitas Enkhuizen", "Joop Visser", "joop@example.org"),
    ("De Zonnebloem afdeling Enkhuizen", "Fatima El Amrani", "fatima@example.org"),
]


def load_demo(db: Database, links: Links, summary: dict) -> dict | None:
    """Once: partners with their offers and tokens, and passes for the demo volunteers."""
    network_id = summary["network_id"]
    with db.reader(network_id=network_id) as session:
        if session.scalar(select(DiscountPartner).limit(1)):
            return None
    tokens = {}
    with db.transaction(network_id=network_id) as session:
        if session.get(NetworkReplica, network_id) is None:
            # The demo runs before recruitment's events have arrived; the replica they bring will
            # find this row and keep it current.
            replica = NetworkReplica(
                id=network_id, name=summary["network_name"], slug=summary["network_slug"]
            )
            session.add(replica)
        for fields, partner_offers in PARTNERS:
            partner, token = partners.admit_discount_partner(session, network_id, dict(fields), links)
            tokens[partner.name] = token
            principal = Principal(Role.DISCOUNT_PARTNER, network_id, partner_id=partner.id)
            for offer in partner_offers:
                offers.add_offer(session, principal, dict(offer))
        for member, name, email in VOLUNTEERS:
            person = {"name": name, "email": email, "organisation_id": summary["organisation_ids"][member]}
            passes.issue(session, network_id, person, links, reason="nominated")
    logins = {**summary.get("logins", {}), "discount_partner": PARTNERS[0][0]["contact_email"]}
    return {"discount_partner_tokens": tokens, "logins": logins}
