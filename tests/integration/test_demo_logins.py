"""The demo that `make run` loads: every role it prints a login address for gets a login link for
that role when the address is typed on the login page `make run` names."""

import re

import pytest
from sqlalchemy import select

from deploy.local.run import DEMO_LOGINS, demo_logins
from services.appreciation.demo import load_demo as load_appreciation_demo
from services.appreciation.models import OutboxMessage as AppreciationOutbox
from services.recruitment.demo import load_demo as load_recruitment_demo
from tests.support.recruitment import events

pytestmark = pytest.mark.integration


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


@pytest.fixture
def demo(stack) -> dict:
    recruitment = stack.app("recruitment")
    summary = load_recruitment_demo(stack.kit("recruitment").db, recruitment.extensions["recruitment_links"])
    appreciation = stack.app("appreciation")
    added = load_appreciation_demo(
        stack.kit("appreciation").db, appreciation.extensions["appreciation_links"], summary
    )
    return {**summary, **added}


def ask_for_link(app, path: str, address: str) -> None:
    """Type the address on the login page, as a person would after `make run`."""
    client = app.test_client()
    page = client.get(path, follow_redirects=True)
    answer = client.post(
        page.request.path, data={"csrf_token": csrf(page.get_data(as_text=True)), "email": address}
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)


def test_make_run_prints_a_login_address_for_every_role(demo):
    printed = demo_logins(demo, "8000")
    for key, who, path in DEMO_LOGINS:
        assert f"{demo['logins'][key]}" in printed and f"http://localhost:8000{path}" in printed, who


def test_every_recruitment_role_of_the_demo_gets_its_login_link(stack, demo):
    app = stack.app("recruitment")
    expected = {  # role: what the login e-mail's link says it logs into
        "coordinator": demo["network_name"],
        "organisation": "Humanitas Enkhuizen",
        "education_partner": "Hogeschool Inholland, Social Work",
        "student": None,  # the cohort's name, which carries the year
    }
    for role, label in expected.items():
        address = demo["logins"][role]
        ask_for_link(app, "/inloggen", address)
        [request] = [
            e
            for e in events(app, "recruitment.login_link_requested.v1")
            if e["recipient"]["email"] == address
        ]
        [link] = request["links"]
        assert label is None or link["label"] == label, role
        assert "/inloggen/" in link["url"]


def test_the_demo_discount_partner_gets_its_login_link(stack, demo):
    app = stack.app("appreciation")
    address = demo["logins"]["discount_partner"]
    ask_for_link(app, "/waardering/inloggen", address)
    with stack.kit("appreciation").db.reader() as session:
        sent = [
            m["data"]
            for m in session.scalars(
                select(AppreciationOutbox.message).where(
                    AppreciationOutbox.type == "appreciation.partner_login_requested.v1"
                )
            )
        ]
    assert [m["recipient"]["email"] for m in sent] == [address]
    assert sent[0]["links"][0]["label"] == "Theater De Drommedaris"
