"""Samples of the privacy request's contracts (shared.contracts.privacy)."""

_NETWORK = "Netwerk Vrijwilligerszorg Enkhuizen"
_REQUEST = "7d1e2f30-0000-4000-8000-000000000001"
_PERSON = {"name": "", "email": "sanne@example.org", "language": "nl"}
_ANNE = {"name": "Anne de Vries", "email": "anne@zonnebloem.example", "language": "nl"}

SAMPLES = {
    "recruitment.privacy_request_received.v1": {
        "request_id": _REQUEST,
        "kind": "erasure",
        "recipient": _PERSON,
        "network_name": _NETWORK,
        "confirm_url": "http://localhost:8000/privacy/bevestigen/t1",
        "days_valid": 7,
    },
    "recruitment.personal_data_requested.v1": {
        "request_id": _REQUEST,
        "kind": "access",
        "email": _PERSON["email"],
    },
    "recruitment.personal_data_ready.v1": {
        "request_id": _REQUEST,
        "recipient": _PERSON,
        "network_name": _NETWORK,
        "download_url": "http://localhost:8000/privacy/gegevens/t2",
        "expires_on": "2026-12-21",
    },
    "recruitment.response_withdrawn.v1": {
        "response_id": "5b7c1a52-0000-4000-8000-000000000002",
        "vacancy_id": "5b7c1a52-0000-4000-8000-000000000001",
        "title": "Maatje voor een wandeling",
        "network_name": _NETWORK,
        "publishers": [_ANNE],
        "responded_on": "2026-11-02",
    },
    "appreciation.personal_data_collected.v1": {
        "request_id": _REQUEST,
        "records": {"passes": [{"number": "1234"}]},
    },
    "appreciation.personal_data_erased.v1": {"request_id": _REQUEST, "counts": {"passes revoked": 1}},
    "notifications.personal_data_collected.v1": {"request_id": _REQUEST, "records": {"messages": []}},
    "notifications.personal_data_erased.v1": {"request_id": _REQUEST, "counts": {"deliveries": 3}},
}
