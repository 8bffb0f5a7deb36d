"""Demo data: a small network modelled on the Enkhuizen network from the handbook's domain page."""

from __future__ import annotations

from sqlalchemy import select

from services.recruitment import services
from services.recruitment.models import Network
from shared.auth import Principal, Role
from shared.db import Database

NETWORK = {
    "name": "Netwerk Vrijwilligerszorg Enkhuizen",
    "slug": "enkhuizen",
    "region": "Enkhuizen",
}

ORGANISATIONS = [
    {
        "name": "Humanitas Enkhuizen",
        "identity": "humanistisch",
        "contact_name": "Anne de Vries",
        "contact_email": "humanitas@example.org",
    },
    {
        "name": "De Zonnebloem afdeling Enkhuizen",
        "identity": "",
        "contact_name": "Piet Bakker",
        "contact_email": "zonnebloem@example.org",
    },
    {
        "name": "VPTZ West-Friesland",
        "identity": "palliatieve terminale zorg",
        "contact_name": "Els Visser",
        "contact_email": "vptz@example.org",
    },
    {
        "name": "Present Enkhuizen",
        "identity": "christelijk",
        "contact_name": "Johan Smit",
        "contact_email": "present@example.org",
    },
    {
        "name": "Rode Kruis West-Friesland",
        "identity": "",
        "contact_name": "Fatima El Amrani",
        "contact_email": "rodekruis@example.org",
        "language": "en",
    },
]

VACANCIES = [
    (
        0,
        {
            "title": "Maatje voor een oudere buurtbewoner",
            "place": "Enkhuizen",
            "area": "Binnenstad",
            "hours_per_week": 2,
            "description": "Wekelijks op bezoek bij iemand die eenzaam is.\n\n"
            "Je bouwt een band op met één persoon, voor langere tijd.",
        },
    ),
    (
        1,
        {
            "title": "Begeleider dagjes uit",
            "place": "Enkhuizen",
            "area": "Noord",
            "hours_per_week": 4,
            "description": "Ga mee op uitstapjes met mensen met een beperking.",
        },
    ),
    (
        2,
        {
            "title": "Vrijwilliger palliatieve thuiszorg",
            "place": "Enkhuizen",
            "area": "Oost",
            "hours_per_week": 6,
            "vog_required": True,
            "description": "Waken en er zijn bij mensen in hun laatste levensfase, thuis.",
        },
    ),
    (
        3,
        {
            "title": "Klussendienst: handige handen gezocht",
            "place": "Enkhuizen",
            "area": "West",
            "hours_per_week": 3,
            "description": "Kleine klusjes in huis bij ouderen.",
        },
    ),
    (
        4,
        {
            "title": "Begeleiding bij ziekenhuisbezoek",
            "place": "Enkhuizen",
            "area": "Binnenstad",
            "hours_per_week": 2,
            "description": "Rijd mee naar het ziekenhuis en wacht samen.",
        },
    ),
]

EDUCATION_PARTNER = {
    "institution": "Hogeschool Inholland",
    "programme": "Social Work",
    "contact_email": "stages@example.org",
}


def load_demo(db: Database, public_base_url: str) -> dict | None:
    """Create the demo network through the ordinary use cases (so its events flow too)."""
    with db.reader() as session:
        if session.scalar(select(Network).where(Network.slug == NETWORK["slug"])):
            return None
    with db.transaction() as session:
        network = services.create_network(session, **NETWORK)
    network_id = network.record.id
    tokens, organisation_ids = {}, []
    with db.transaction(network_id=network_id) as session:
        for fields in ORGANISATIONS:
            created = services.admit_organisation(session, network_id, dict(fields))
            tokens[fields["name"]] = created.token
            organisation_ids.append(created.record.id)
        services.add_education_partner(session, network_id, dict(EDUCATION_PARTNER))
    for index, fields in VACANCIES:
        actor = Principal(Role.ORGANISATION, network_id, organisation_ids[index])
        with db.transaction(network_id=network_id) as session:
            vacancy = services.draft_vacancy(session, actor, dict(fields))
            services.publish_vacancy(session, actor, vacancy.id, public_base_url)
    return {
        "network_id": network_id,
        "network_slug": NETWORK["slug"],
        "coordinator_token": network.token,
        "organisation_tokens": tokens,
    }
