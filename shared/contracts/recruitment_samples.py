"""A valid sample of every recruitment event: contract tests round-trip them and e-mail tests render
every message from them. Keep one per event type."""

_VACANCY = "5b7c1a52-0000-4000-8000-000000000003"
_NETWORK = "Netwerk Vrijwilligerszorg Enkhuizen"
_ANNE = {"name": "Anne de Vries", "email": "anne@example.org", "language": "nl"}

SAMPLES = {
    "recruitment.network_created.v1": {
        "network_id": "5b7c1a52-0000-4000-8000-000000000001",
        "name": "Netwerk Vrijwilligerszorg Enkhuizen",
        "slug": "enkhuizen",
        "region": "Enkhuizen",
    },
    "recruitment.organisation_admitted.v1": {
        "organisation_id": "5b7c1a52-0000-4000-8000-000000000002",
        "name": "Humanitas Enkhuizen",
        "identity": "humanistisch",
    },
    "recruitment.vacancy_published.v1": {
        "vacancy_id": "5b7c1a52-0000-4000-8000-000000000003",
        "title": "Maatje voor een oudere buurtbewoner",
        "organisation_id": "5b7c1a52-0000-4000-8000-000000000002",
        "organisation_names": ["Humanitas Enkhuizen", "De Zonnebloem Enkhuizen"],
        "network_name": "Netwerk Vrijwilligerszorg Enkhuizen",
        "url": "http://localhost:8000/vacatures/5b7c1a52-0000-4000-8000-000000000003",
        "contact_name": "Anne de Vries",
        "contact_email": "anne@example.org",
        "language": "nl",
    },
    "recruitment.api_token_issued.v1": {
        "token_id": "5b7c1a52-0000-4000-8000-000000000004",
        "token_hash": "0" * 64,
        "name": "organisation Humanitas Enkhuizen",
        "role": "organisation",
        "organisation_id": "5b7c1a52-0000-4000-8000-000000000002",
        "partner_id": None,
    },
    "recruitment.api_token_revoked.v1": {"token_id": "5b7c1a52-0000-4000-8000-000000000004"},
    "recruitment.organisation_updated.v1": {
        "organisation_id": "5b7c1a52-0000-4000-8000-000000000002",
        "name": "Humanitas Enkhuizen",
        "identity": "humanistisch",
    },
    "recruitment.network_updated.v1": {
        "network_id": "5b7c1a52-0000-4000-8000-000000000001",
        "name": _NETWORK,
        "slug": "enkhuizen",
        "logo_url": "https://example.org/logo.png",
        "brand_colour": "#c0392b",
    },
    "recruitment.organisation_removed.v1": {"organisation_id": "5b7c1a52-0000-4000-8000-000000000002"},
    "recruitment.vacancy_submitted.v1": {
        "vacancy_id": _VACANCY,
        "title": "Maatje voor een oudere buurtbewoner",
        "organisation_name": "Humanitas Enkhuizen",
        "network_name": _NETWORK,
        "moderator": {"name": "Vrijwilligerscentrale", "email": "coordinator@example.org", "language": "nl"},
        "url": "http://localhost:8000/api/recruitment/vacancies/" + _VACANCY,
    },
    "recruitment.vacancy_rejected.v1": {
        "vacancy_id": _VACANCY,
        "title": "Maatje voor een oudere buurtbewoner",
        "reason": "Vermeld graag hoeveel uur per week het kost.",
        "network_name": _NETWORK,
        "contact": _ANNE,
    },
    "recruitment.vacancy_closed.v1": {"vacancy_id": _VACANCY, "title": "Maatje", "reason": "filled"},
    "recruitment.co_publishing_invited.v1": {
        "vacancy_id": _VACANCY,
        "title": "Maatje voor een oudere buurtbewoner",
        "inviting_organisation": "Humanitas Enkhuizen",
        "network_name": _NETWORK,
        "invitee": {"name": "Piet Bakker", "email": "zonnebloem@example.org", "language": "nl"},
    },
    "recruitment.response_received.v1": {
        "response_id": "5b7c1a52-0000-4000-8000-000000000005",
        "vacancy_id": _VACANCY,
        "title": "Maatje voor een oudere buurtbewoner",
        "network_name": _NETWORK,
        "volunteer": {"name": "Sanne Jansen", "email": "sanne@example.org", "language": "nl"},
        "phone": "06 12345678",
        "motivation": "Ik wil graag iets betekenen voor iemand in mijn buurt.",
        "availability": "dinsdagmiddag",
        "publishers": [_ANNE, {"name": "Piet Bakker", "email": "zonnebloem@example.org", "language": "en"}],
        "url": "http://localhost:8000/vacatures/" + _VACANCY,
    },
    "recruitment.response_reminder_due.v1": {
        "response_id": "5b7c1a52-0000-4000-8000-000000000005",
        "title": "Maatje voor een oudere buurtbewoner",
        "volunteer_name": "Sanne Jansen",
        "days": 3,
        "network_name": _NETWORK,
        "publishers": [_ANNE],
    },
    "recruitment.match_question_due.v1": {
        "response_id": "5b7c1a52-0000-4000-8000-000000000005",
        "title": "Maatje voor een oudere buurtbewoner",
        "network_name": _NETWORK,
        "volunteer": {"name": "Sanne Jansen", "email": "sanne@example.org", "language": "nl"},
        "volunteer_yes_url": "http://localhost:8000/match/t1?antwoord=ja",
        "volunteer_no_url": "http://localhost:8000/match/t1?antwoord=nee",
        "organisation": _ANNE,
        "organisation_yes_url": "http://localhost:8000/match/t2?antwoord=ja",
        "organisation_no_url": "http://localhost:8000/match/t2?antwoord=nee",
    },
    "recruitment.alert_requested.v1": {
        "subscription_id": "5b7c1a52-0000-4000-8000-000000000006",
        "subscriber": {"name": "", "email": "sanne@example.org", "language": "nl"},
        "network_name": _NETWORK,
        "description": "maatje · Binnenstad",
        "confirm_url": "http://localhost:8000/alerts/bevestigen/t3",
    },
    "recruitment.alert_due.v1": {
        "subscription_id": "5b7c1a52-0000-4000-8000-000000000006",
        "subscriber": {"name": "", "email": "sanne@example.org", "language": "en"},
        "network_name": _NETWORK,
        "frequency": "daily",
        "description": "maatje · Binnenstad",
        "vacancies": [
            {
                "title": "Maatje voor een oudere buurtbewoner",
                "url": "http://localhost:8000/vacatures/" + _VACANCY,
                "organisations": ["Humanitas Enkhuizen"],
            }
        ],
        "unsubscribe_url": "http://localhost:8000/alerts/afmelden/t4",
        "unsubscribe_post_url": "http://localhost:8000/api/recruitment/alerts/unsubscribe/t4",
    },
    "recruitment.login_link_requested.v1": {
        "recipient": _ANNE,
        "network_name": _NETWORK,
        "links": [{"label": "Humanitas Enkhuizen", "url": "http://localhost:8000/inloggen/t5"}],
        "minutes_valid": 15,
    },
}
