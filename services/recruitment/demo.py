"""Demo data: a small network modelled on the Enkhuizen network from the handbook's domain page."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from services.recruitment.api.education_schemas import RegistrationInputSchema
from services.recruitment.links import Links
from services.recruitment.models import Network, Student
from services.recruitment.usecases import education, registry, students, vacancies
from shared.db import Database, utcnow
from shared.identity import Principal, Role

NETWORK = {
    "name": "Netwerk Vrijwilligerszorg Enkhuizen",
    "slug": "enkhuizen",
    "region": "Enkhuizen",
    "contact_email": "coordinator@example.org",
}

ORGANISATIONS = [
    {
        "name": "Humanitas Enkhuizen",
        "identity": "humanistisch",
        "contact_name": "Anne de Vries",
        "contact_email": "humanitas@example.org",
        "areas": ["Binnenstad", "Noord"],
        "activities": ["home-visits", "buddy-care", "home-administration"],
        "website": "https://example.org/humanitas",
    },
    {
        "name": "De Zonnebloem afdeling Enkhuizen",
        "identity": "",
        "contact_name": "Piet Bakker",
        "contact_email": "zonnebloem@example.org",
        "areas": ["Binnenstad", "Oost", "West"],
        "activities": ["outings", "home-visits", "social-isolation"],
    },
    {
        "name": "VPTZ West-Friesland",
        "identity": "palliatieve terminale zorg",
        "contact_name": "Els Visser",
        "contact_email": "vptz@example.org",
        "areas": ["Oost"],
        "activities": ["palliative-care", "informal-carers"],
    },
    {
        "name": "Present Enkhuizen",
        "identity": "christelijk",
        "contact_name": "Johan Smit",
        "contact_email": "present@example.org",
        "areas": ["West"],
        "activities": ["odd-jobs", "shopping"],
    },
    {
        "name": "Rode Kruis West-Friesland",
        "identity": "",
        "contact_name": "Fatima El Amrani",
        "contact_email": "rodekruis@example.org",
        "language": "en",
        "areas": ["Binnenstad"],
        "activities": ["hospital-visits", "outings"],
    },
]

# (drafting member, co-publishers, fields)
VACANCIES = [
    (
        0,
        [1],
        {
            "title": "Maatje voor een oudere buurtbewoner",
            "place": "Enkhuizen",
            "areas": ["Binnenstad"],
            "category": "buddy-care",
            "hours_per_week": 2,
            "long_term": True,
            "frequency": "weekly",
            "description": "<p>Wekelijks op bezoek bij iemand die eenzaam is.</p>"
            "<p>Je bouwt een band op met één persoon, voor langere tijd.</p>",
        },
    ),
    (
        1,
        [4],
        {
            "title": "Begeleider dagjes uit",
            "place": "Enkhuizen",
            "areas": ["Noord"],
            "category": "outings",
            "hours_per_week": 4,
            "suitable_for_students": True,
            "description": "<p>Ga mee op uitstapjes met mensen met een beperking.</p>",
        },
    ),
    (
        2,
        [],
        {
            "title": "Vrijwilliger palliatieve thuiszorg",
            "place": "Enkhuizen",
            "areas": ["Oost"],
            "category": "palliative-care",
            "hours_per_week": 6,
            "vog_required": True,
            "minimum_age": 21,
            "description": "<p>Waken en er zijn bij mensen in hun laatste levensfase, thuis.</p>",
        },
    ),
    (
        3,
        [],
        {
            "title": "Klussendienst: handige handen gezocht",
            "place": "Enkhuizen",
            "areas": ["West"],
            "category": "odd-jobs",
            "hours_per_week": 3,
            "suitable_for_students": True,
            "description": "<p>Kleine klusjes in huis bij ouderen: een lamp ophangen, een kraan.</p>",
        },
    ),
    (
        4,
        [],
        {
            "title": "Begeleiding bij ziekenhuisbezoek",
            "place": "Enkhuizen",
            "areas": ["Binnenstad"],
            "category": "hospital-visits",
            "hours_per_week": 2,
            "languages": ["Nederlands", "Arabisch"],
            "description": "<p>Rijd mee naar het ziekenhuis en wacht samen op de afspraak.</p>",
        },
    ),
]

EDUCATION_PARTNER = {
    "institution": "Hogeschool Inholland",
    "programme": "Social Work",
    "contact_name": "Mira Jansen",
    "contact_email": "stages@example.org",
}

# A student who registered through the cohort's link and confirmed the address, so the student's
# login works and the allocation has someone to place (preferences: placements by index).
STUDENT = {
    "name": "Sanne Bakker",
    "email": "sanne@student.example.org",
    "student_number": "500123",
    "availability": "dinsdag- en donderdagmiddag",
    "consent": True,
}
STUDENT_PREFERENCES = [1, 0]

# (member index, title, capacity, area, times)
PLACEMENTS = [
    (0, "Kennismaking: op huisbezoek bij een oudere", 4, "Binnenstad", "dinsdag- of donderdagmiddag"),
    (1, "Kennismaking: een uitstapje begeleiden", 6, "Oost", "een zaterdag per maand"),
    (2, "Kennismaking: meelopen in de palliatieve zorg", 2, "West", "in overleg"),
]


def load_demo(db: Database, links: Links) -> dict | None:
    """Create the demo network through the ordinary use cases (so its events flow too)."""
    with db.reader() as session:
        if session.scalar(select(Network).where(Network.slug == NETWORK["slug"])):
            return None
    with db.transaction() as session:
        network = registry.create_network(session, **NETWORK)
    network_id = network.record.id
    tokens, members = {}, []
    with db.transaction(network_id=network_id) as session:
        for fields in ORGANISATIONS:
            created = registry.admit_organisation(session, network_id, dict(fields))
            tokens[fields["name"]] = created.token
            members.append(created.record.id)
    coordinator = Principal(Role.COORDINATOR, network_id)
    partner_token, cohort = _open_cohort(db, network_id, members, coordinator, links)
    for drafter, partners, fields in VACANCIES:
        _publish_jointly(db, network_id, members, drafter, partners, fields, coordinator, links)
    return {
        "network_id": network_id,
        "network_slug": NETWORK["slug"],
        "network_name": NETWORK["name"],
        "coordinator_token": network.token,
        "organisation_tokens": tokens,
        "organisation_ids": dict(zip((o["name"] for o in ORGANISATIONS), members, strict=True)),
        "education_partner_token": partner_token,
        "registration_url": links.registration_page(cohort.registration_token),
        "registration_code": cohort.short_code,
        # Who logs in where (recruitment's /inloggen); appreciation adds its discount partner.
        "logins": {
            "coordinator": NETWORK["contact_email"],
            "organisation": ORGANISATIONS[0]["contact_email"],
            "education_partner": EDUCATION_PARTNER["contact_email"],
            "student": STUDENT["email"],
        },
    }


def _publish_jointly(db, network_id, members, drafter, partners, fields, coordinator, links) -> None:
    actor = Principal(Role.ORGANISATION, network_id, members[drafter])
    with db.transaction(network_id=network_id) as session:
        vacancy = vacancies.draft_vacancy(session, actor, dict(fields))
        for partner in partners:
            vacancies.invite_co_publisher(session, actor, vacancy.id, members[partner])
            vacancies.answer_invitation(
                session, Principal(Role.ORGANISATION, network_id, members[partner]), vacancy.id, True
            )
        vacancies.submit(session, actor, vacancy.id, links)
        vacancies.approve(session, coordinator, vacancy.id, links)


def _open_cohort(db, network_id, members, coordinator, links):
    """The education partner, a cohort open for registration for a month, and three placements."""
    now = utcnow()
    with db.transaction(network_id=network_id) as session:
        partner = education.add_partner(session, network_id, dict(EDUCATION_PARTNER))
        cohort = education.create_cohort(
            session,
            coordinator,
            {
                "partner_id": partner.record.id,
                "name": f"Social Work jaar 1, {now.year}-{now.year + 1}",
                "kind": "introduction",
                "required_hours": 40,
                "max_preferences": 3,
                "opens_at": now - timedelta(days=1),
                "closes_at": now + timedelta(days=30),
            },
        )
        offered = []
        for member, title, capacity, area, times in PLACEMENTS:
            fields = {"organisation_id": members[member], "title": title, "capacity": capacity}
            offered.append(
                education.offer_placement(
                    session, coordinator, cohort.id, {**fields, "area": area, "times": times}
                ).id
            )
        _register_student(session, cohort, [offered[i] for i in STUDENT_PREFERENCES], links)
    return partner.token, cohort


def _register_student(session, cohort, preferences: list[str], links: Links) -> None:
    """Register through the same use case as the registration page, and confirm the address."""
    fields = RegistrationInputSchema().load({**STUDENT, "preferences": preferences})
    students.register(session, cohort, fields, links)
    session.flush()
    student_id = session.scalar(
        select(Student.id).where(Student.cohort_id == cohort.id, Student.email == STUDENT["email"])
    )
    students.verify(session, student_id)
