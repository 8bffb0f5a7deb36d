"""A valid sample of every appreciation event (contract tests and e-mail rendering use them)."""

_NETWORK = "Netwerk Vrijwilligerszorg Enkhuizen"
_JOOP = {"name": "Joop Visser", "email": "joop@example.org", "language": "nl"}

_EVENT = {
    "event_id": "5b7c1a52-0000-4000-8000-000000000030",
    "title": "Vrijwilligersdag 2026",
    "kind": "volunteer_day",
    "venue": "Zuiderzeemuseum, Enkhuizen",
    "starts_at": "2026-12-12T13:00:00+00:00",
    "ends_at": "2026-12-12T17:00:00+00:00",
    "network_name": _NETWORK,
}

SAMPLES = {
    "appreciation.pass_issued.v1": {
        "pass_id": "5b7c1a52-0000-4000-8000-000000000020",
        "holder": _JOOP,
        "number": "1234 5678 9012",
        "valid_from": "2026-11-23",
        "valid_until": "2026-12-31",
        "network_name": _NETWORK,
        "pass_url": "http://localhost:8000/waardering/pas/t7",
        "qr_url": "http://localhost:8000/waardering/p/t9",
        "reason": "nominated",
    },
    "appreciation.pass_redeemed.v1": {
        "redemption_id": "5b7c1a52-0000-4000-8000-000000000021",
        "pass_id": "5b7c1a52-0000-4000-8000-000000000020",
        "offer_id": "5b7c1a52-0000-4000-8000-000000000022",
        "offer_title": "Twee kaartjes voor de prijs van één",
        "partner_id": "5b7c1a52-0000-4000-8000-000000000023",
        "partner_name": "Theater De Drommedaris",
        "network_name": _NETWORK,
        "redeemed_at": "2026-11-23T19:30:00+00:00",
        "holder": _JOOP,
    },
    "appreciation.partner_login_requested.v1": {
        "recipient": {"name": "Theater De Drommedaris", "email": "kassa@example.org", "language": "nl"},
        "network_name": _NETWORK,
        "links": [{"label": "Theater De Drommedaris", "url": "http://localhost:8000/waardering/inloggen/t8"}],
        "minutes_valid": 15,
    },
    "appreciation.partner_admitted.v1": {
        "partner_id": "5b7c1a52-0000-4000-8000-000000000023",
        "recipient": {"name": "Theater De Drommedaris", "email": "kassa@example.org", "language": "nl"},
        "partner_name": "Theater De Drommedaris",
        "network_name": _NETWORK,
        "login_url": "http://localhost:8000/waardering/n/enkhuizen/inloggen",
    },
    "appreciation.invitations_sent.v1": {
        "event": _EVENT,
        "network_name": _NETWORK,
        "description": "Een middag om jullie te bedanken, met muziek en een hapje.",
        "signup_deadline": "2026-12-05T23:00:00+00:00",
        "invitees": [{**_JOOP, "signup_url": "http://localhost:8000/waardering/uitnodiging/t10"}],
    },
    "appreciation.signup_answered.v1": {
        "invitation_id": "5b7c1a52-0000-4000-8000-000000000031",
        "event": _EVENT,
        "network_name": _NETWORK,
        "person": _JOOP,
        "status": "waiting",
        "waiting_position": 3,
        "seats": 2,
        "manage_url": "http://localhost:8000/waardering/uitnodiging/t10",
    },
    "appreciation.place_offered.v1": {
        "invitation_id": "5b7c1a52-0000-4000-8000-000000000031",
        "event": _EVENT,
        "network_name": _NETWORK,
        "person": _JOOP,
        "confirm_url": "http://localhost:8000/waardering/uitnodiging/t10",
        "expires_at": "2026-12-07T12:00:00+00:00",
    },
    "appreciation.event_reminder_due.v1": {
        "event": _EVENT,
        "network_name": _NETWORK,
        "people": [{**_JOOP, "url": "http://localhost:8000/waardering/uitnodiging/t10"}],
    },
    "appreciation.event_changed.v1": {
        "event": _EVENT,
        "network_name": _NETWORK,
        "people": [{**_JOOP, "url": "http://localhost:8000/waardering/uitnodiging/t10"}],
        "previous_starts_at": "2026-12-12T12:00:00+00:00",
        "previous_venue": "Stadhuis",
    },
    "appreciation.event_cancelled.v1": {
        "event": _EVENT,
        "network_name": _NETWORK,
        "people": [{**_JOOP, "url": "http://localhost:8000/waardering/uitnodiging/t10"}],
    },
    "appreciation.feedback_requested.v1": {
        "event": _EVENT,
        "network_name": _NETWORK,
        "people": [{**_JOOP, "url": "http://localhost:8000/waardering/uitnodiging/t10/feedback"}],
    },
}
