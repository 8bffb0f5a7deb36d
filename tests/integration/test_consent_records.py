"""Consent records and the network's privacy statement, through pages and API on both databases:
each consent (response, alert, student registration) names the version of the statement the
person was shown, every save is a new version, the history counts consents, and only the network's
own coordinator writes it."""

import re
from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from services.recruitment.models import AlertSubscription, PrivacyText, Response, Student
from tests.integration.test_education_admin import import_csv, invitations
from tests.integration.test_portal import follow_login, log_in
from tests.support.placements import csrf, partner_with_cohort
from tests.support.recruitment import events, network_with_members

pytestmark = pytest.mark.integration
COORDINATOR = "coordinator@example.org"
EDITOR = "/portaal/privacytekst"
UNKNOWN = "Deze privacyverklaring kennen we niet"


@pytest.fixture
def app(stack):
    return stack.app("recruitment")


@pytest.fixture
def net(app):
    return network_with_members(app)


def logged_in(app, net, email: str):
    client, link = log_in(app, net, email)
    assert follow_login(client, link).status_code == 303
    return client


def shown_version(page: str) -> str:
    return re.search(r'name="consent_version" value="(\d+)"', page).group(1)


def save_text(client, body: str):
    page = client.get(EDITOR).get_data(as_text=True)
    based_on = re.search(r'name="based_on" value="(\d+)"', page).group(1)
    return client.post(EDITOR, data={"csrf_token": csrf(page), "body": body, "based_on": based_on})


def rows(app, model, **where):
    with app.extensions["knoop"].db.reader() as session:
        query = select(model).filter_by(**where)
        return [(r.consent_version, r.consent_at) for r in session.scalars(query)]


def test_a_network_without_its_own_text_shows_the_default_naming_it_and_the_request_page(app, net):
    page = app.test_client().get(f"/n/{net.slug}/privacy")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Privacyverklaring van Netwerk enkhuizen" in text and 'href="/n/enkhuizen/privacy/verzoek"' in text
    assert "Als je op een vacature reageert" in text and "coordinator@example.org" in text
    english = app.test_client().get(f"/n/{net.slug}/privacy?lang=en").get_data(as_text=True)
    assert "Privacy statement of Netwerk enkhuizen" in english and "When you respond to a vacancy" in english
    bank = app.test_client().get(f"/n/{net.slug}").get_data(as_text=True)
    assert f'href="/n/{net.slug}/privacy?versie=0"' in bank  # the footer and the alert sign-up


def test_each_save_is_a_new_version_and_old_ones_stay_readable(app, net):
    coordinator = logged_in(app, net, COORDINATOR)
    assert save_text(coordinator, "Eerste versie.\n\nTweede alinea & meer").status_code == 303
    assert (
        save_text(coordinator, "<p>Nieuwe <strong>tekst</strong></p><script>x()</script>").status_code == 303
    )
    public = app.test_client()
    current = public.get(f"/n/{net.slug}/privacy").get_data(as_text=True)
    assert "Nieuwe <strong>tekst</strong>" in current and "Versie 2" in current and "x()" not in current
    first = public.get(f"/n/{net.slug}/privacy?versie=1").get_data(as_text=True)
    assert "<p>Eerste versie.</p><p>Tweede alinea &amp; meer</p>" in first
    assert "Dit is een eerdere versie." in first
    assert public.get(f"/n/{net.slug}/privacy?versie=3").status_code == 404
    with app.extensions["knoop"].db.reader() as session:
        saved = session.scalars(select(PrivacyText).order_by(PrivacyText.version)).all()
        assert [(t.version, t.saved_by) for t in saved] == [(1, COORDINATOR), (2, COORDINATOR)]


def test_a_save_based_on_an_older_version_is_refused(app, net):
    coordinator = logged_in(app, net, COORDINATOR)
    page = coordinator.get(EDITOR).get_data(as_text=True)
    assert save_text(coordinator, "Versie een").status_code == 303
    stale = coordinator.post(EDITOR, data={"csrf_token": csrf(page), "body": "Oud", "based_on": "0"})
    assert stale.status_code == 422 and "nieuwere versie opgeslagen" in stale.get_data(as_text=True)
    with app.extensions["knoop"].db.reader() as session:
        assert session.scalars(select(PrivacyText.body)).all() == ["<p>Versie een</p>"]


def test_a_response_records_the_version_the_page_showed_not_one_saved_meanwhile(app, net):
    coordinator = logged_in(app, net, COORDINATOR)
    save_text(coordinator, "Versie een")
    vacancy = net.publish("Humanitas")
    volunteer = app.test_client()
    page = volunteer.get(f"/vacatures/{vacancy['id']}").get_data(as_text=True)
    assert shown_version(page) == "1" and f"/n/{net.slug}/privacy?versie=1" in page
    save_text(coordinator, "Versie twee")
    form = {"name": "Sanne", "email": "sanne@example.org", "consent": "y", "consent_version": "1"}
    sent = volunteer.post(f"/vacatures/{vacancy['id']}/reageren", data={**form, "csrf_token": csrf(page)})
    assert sent.status_code == 303
    [(version, at)] = rows(app, Response, email="sanne@example.org")
    assert version == 1 and at is not None
    api = net.client.post(
        f"/api/recruitment/vacancies/{vacancy['id']}/responses",
        json={"name": "Ali", "email": "ali@example.org", "consent": True},
    )
    assert api.status_code == 201 and rows(app, Response, email="ali@example.org")[0][0] == 2


def test_a_version_the_network_never_showed_is_refused_at_the_consent(app, net):
    other = network_with_members(app, slug="hoorn")
    save_text(logged_in(app, other, COORDINATOR), "Hoorn's eigen tekst")  # version 1 exists in Hoorn only
    vacancy = net.publish("Humanitas")
    volunteer = app.test_client()
    page = volunteer.get(f"/vacatures/{vacancy['id']}").get_data(as_text=True)
    for version in ("1", "abc"):
        form = {"name": "Sanne", "email": "sanne@example.org", "consent": "y", "consent_version": version}
        sent = volunteer.post(f"/vacatures/{vacancy['id']}/reageren", data={**form, "csrf_token": csrf(page)})
        assert sent.status_code == 422 and UNKNOWN in sent.get_data(as_text=True)
    api = net.client.post(
        f"/api/recruitment/vacancies/{vacancy['id']}/responses",
        json={"name": "Ali", "email": "ali@example.org", "consent": True, "consent_version": 1},
    )
    assert api.status_code == 422 and "consent_version" in api.get_json()["errors"]
    assert rows(app, Response) == []


def test_an_alert_records_the_version_shown_and_consents_when_confirmed(app, net):
    save_text(logged_in(app, net, COORDINATOR), "Versie een")
    client = app.test_client()
    bank = client.get(f"/n/{net.slug}?q=koken").get_data(as_text=True)
    assert shown_version(bank) == "1"
    form = {
        "csrf_token": csrf(bank),
        "email": "fan@example.org",
        "frequency": "weekly",
        "consent_version": "1",
    }
    assert client.post(f"/n/{net.slug}/alerts", data=form).status_code == 202
    [(version, at)] = rows(app, AlertSubscription)
    assert version == 1 and at is None  # not yet: the confirmation is the consent
    [requested] = events(app, "recruitment.alert_requested.v1")
    assert client.get(urlparse(requested["confirm_url"]).path).status_code == 200
    [(version, at)] = rows(app, AlertSubscription)
    assert version == 1 and at is not None
    refused = client.post(f"/n/{net.slug}/alerts", data={**form, "consent_version": "4"})
    assert refused.status_code == 422 and UNKNOWN in refused.get_data(as_text=True)
    api = net.client.post("/api/recruitment/alerts", json={"network": net.slug, "email": "api@example.org"})
    assert api.status_code == 202 and rows(app, AlertSubscription, email="api@example.org")[0][0] == 1


def test_a_student_registration_and_an_imported_students_invitation_record_the_version_shown(app, net):
    cohort = partner_with_cohort(net)
    cohort.offer("Humanitas", "Huisbezoek", 2)
    coordinator = logged_in(app, net, COORDINATOR)
    save_text(coordinator, "Versie een")
    student = app.test_client()
    page = student.get(f"/inschrijven/{cohort.link}").get_data(as_text=True)
    assert shown_version(page) == "1" and f"/n/{net.slug}/privacy?versie=1" in page
    save_text(coordinator, "Versie twee")
    form = {
        "csrf_token": csrf(page),
        "name": "Ali Yilmaz",
        "email": "ali@student.example.org",
        "student_number": "500123",
        "consent": "y",
        "consent_version": "1",
        "choice_1": cohort.placements["Huisbezoek"],
    }
    assert student.post(f"/inschrijven/{cohort.link}", data=form).status_code == 200
    assert rows(app, Student, email="ali@student.example.org")[0][0] == 1

    import_csv(cohort)
    [invited] = invitations(cohort, "ada@student.example.org")
    link = urlparse(invited["invitation_url"]).path
    page = student.get(link).get_data(as_text=True)
    assert shown_version(page) == "2"
    answer = {"csrf_token": csrf(page), "consent": "1", "consent_version": "2"}
    assert student.post(link, data=answer).status_code == 303
    [(version, at)] = rows(app, Student, email="ada@student.example.org")
    assert version == 2 and at is not None


def test_the_history_shows_every_version_with_its_consents(app, net):
    coordinator = logged_in(app, net, COORDINATOR)
    vacancy = net.publish("Humanitas")
    respond = f"/api/recruitment/vacancies/{vacancy['id']}/responses"
    net.client.post(respond, json={"name": "Een", "email": "een@example.org", "consent": True})
    save_text(coordinator, "Versie een")
    for who in ("twee", "drie"):
        net.client.post(respond, json={"name": who, "email": f"{who}@example.org", "consent": True})
    page = coordinator.get(EDITOR).get_data(as_text=True)
    table = page[page.index('id="privacy-versions"') : page.index("</table>")]
    cells = [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
        if "<td" in row
    ]
    # version, saved, by, responses, alerts, students
    assert [(c[0], c[2], c[3], c[4], c[5]) for c in cells] == [
        ("1", COORDINATOR, "2", "0", "0"),
        ("0 (standaard)", "\u2013", "1", "0", "0"),
    ]


def test_only_the_networks_own_coordinator_writes_its_statement(app, net):
    member = logged_in(app, net, "humanitas@enkhuizen.example.org")
    assert member.get(EDITOR).status_code == 403
    assert member.post(EDITOR, data={"body": "x"}).status_code in (400, 403)
    anonymous = app.test_client().get(EDITOR)
    assert anonymous.status_code == 303 and "/inloggen" in anonymous.location
    other = network_with_members(app, slug="hoorn")
    save_text(logged_in(app, other, COORDINATOR), "Alleen voor Hoorn")
    ours = app.test_client().get(f"/n/{net.slug}/privacy").get_data(as_text=True)
    assert "Alleen voor Hoorn" not in ours and "Standaardverklaring van Knoop" in ours
    assert "Alleen voor Hoorn" in app.test_client().get("/n/hoorn/privacy").get_data(as_text=True)
