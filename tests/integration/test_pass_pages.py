"""The pass in pages: the coordinator's policy, holder search, revoke and reissue after a
confirmation; a member's nominations (one, or a CSV with its per-row report), last four digits
only, withdrawal, and nobody else's volunteers. Pages and the API share the use cases."""

from io import BytesIO

import pytest

from services.appreciation.api.schemas import CoordinatorNominationSchema, NominationSchema, PolicySchema
from tests.support.appreciation import appreciation_events, pass_network
from tests.support.appreciation import page_session as browser
from tests.support.forms import assert_form_offers_schema
from tests.support.placements import csrf

pytestmark = pytest.mark.integration


@pytest.fixture
def pn(stack):
    return pass_network(stack)


def confirm(client, path: str):
    """Open a confirmation page, then press its button."""
    page = client.get(path)
    assert page.status_code == 200
    return client.post(path, data={"csrf_token": csrf(page.get_data(as_text=True))})


def test_the_coordinator_saves_the_pass_policy_and_the_api_shows_it(pn):
    client = browser(pn)
    page = client.get("/waardering/passen/beleid").get_data(as_text=True)
    assert "Tot het einde van het kalenderjaar" in page
    assert_form_offers_schema(page, PolicySchema(), action=None)
    saved = client.post(
        "/waardering/passen/beleid",
        data={"csrf_token": csrf(page), "validity_kind": "twelve_months", "students_get_pass": "1"},
    )
    assert saved.status_code == 303
    assert pn.api("get", "/policy").get_json() == {
        "validity_kind": "twelve_months",
        "students_get_pass": True,
    }
    shown = client.get("/waardering/passen/beleid").get_data(as_text=True)
    assert 'value="twelve_months" selected' in shown and "checked" in shown
    bad = client.post(
        "/waardering/passen/beleid", data={"csrf_token": csrf(page), "validity_kind": "forever"}
    )
    assert bad.status_code == 422
    assert browser(pn, "Humanitas").get("/waardering/passen/beleid").status_code == 403


def test_the_coordinator_finds_a_holder_by_the_last_digits_and_sees_their_record(pn):
    joop = pn.nominate("Humanitas", "Joop Visser")
    pn.nominate("Humanitas", "Anna de Boer")
    client = browser(pn)
    found = client.get(f"/waardering/passen?q={joop['number'][-5:]}").get_data(as_text=True)
    assert "Joop Visser" in found and "Anna de Boer" not in found
    assert "Anna de Boer" in client.get("/waardering/passen?q=anna@exam").get_data(as_text=True)
    assert "Anna de Boer" not in client.get("/waardering/passen?q=%25").get_data(as_text=True)
    record = client.get(f"/waardering/passen/houders/{joop['holder_id']}").get_data(as_text=True)
    assert joop["number"] in record and "Humanitas" in record and "geldig" in record


def test_the_coordinator_revokes_and_reissues_only_after_confirming(pn):
    joop = pn.nominate("Humanitas", "Joop Visser")
    client = browser(pn)
    asked = client.get(f"/waardering/passen/{joop['id']}/vervangen")
    assert asked.status_code == 200 and joop["number"] in asked.get_data(as_text=True)
    assert "de pashouder krijgt een nieuwe pas per e-mail" in asked.get_data(as_text=True)
    assert len(appreciation_events(pn.app, "appreciation.pass_issued.v1")) == 1  # asking changes nothing
    assert confirm(client, f"/waardering/passen/{joop['id']}/vervangen").status_code == 303
    new = pn.issued("joop@example.org")
    assert new["pass_id"] != joop["id"] and new["reason"] == "reissued"
    assert confirm(client, f"/waardering/passen/{new['pass_id']}/intrekken").status_code == 303
    statuses = [p["pass"]["status"] for p in pn.api("get", "/passes").get_json()]
    assert sorted(statuses) == ["replaced", "revoked"]
    record = client.get(f"/waardering/passen/houders/{joop['holder_id']}").get_data(as_text=True)
    assert "ingetrokken" in record and "Intrekken" not in record
    page = client.get(f"/waardering/passen/{new['pass_id']}/intrekken").get_data(as_text=True)
    again = client.post(
        f"/waardering/passen/{new['pass_id']}/intrekken",
        data={"csrf_token": csrf(page)},
        follow_redirects=True,
    )
    assert "deze pas is niet meer geldig" in again.get_data(as_text=True)


def test_a_member_nominates_one_volunteer_through_the_apis_schema(pn):
    client = browser(pn, "Humanitas")
    page = client.get("/waardering/nominaties/nieuw").get_data(as_text=True)
    assert_form_offers_schema(page, NominationSchema(), action="/waardering/nominaties/nieuw")
    data = {"csrf_token": csrf(page), "name": "Joop Visser", "email": "niet-een-adres"}
    wrong = client.post("/waardering/nominaties/nieuw", data=data)
    assert wrong.status_code == 422 and "Joop Visser" in wrong.get_data(as_text=True)
    done = client.post("/waardering/nominaties/nieuw", data={**data, "email": "joop@example.org"})
    assert done.status_code == 303
    assert pn.issued("joop@example.org")["reason"] == "nominated"


def test_a_csv_with_one_bad_row_reports_every_row_and_nominates_the_good_ones(pn):
    client = browser(pn, "Humanitas")
    page = client.get("/waardering/nominaties/nieuw").get_data(as_text=True)
    csv = b"name;email\nJoop Visser;joop@example.org\nAnna de Boer;geen-adres\nPiet Jansen;piet@example.org\n"
    answer = client.post(
        "/waardering/nominaties/bestand",
        data={"csrf_token": csrf(page), "file": (BytesIO(csv), "vrijwilligers.csv")},
        content_type="multipart/form-data",
    )
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "2 voorgedragen, 0 met al een pas, 1 geweigerd" in text
    assert "geen-adres" in text and "het e-mailadres is niet geldig" in text
    issued = {e["holder"]["email"] for e in appreciation_events(pn.app, "appreciation.pass_issued.v1")}
    assert issued == {"joop@example.org", "piet@example.org"}


def test_a_member_sees_only_its_own_nominations_with_the_last_four_digits(pn):
    joop = pn.nominate("Humanitas", "Joop Visser")
    pn.nominate("Zonnebloem", "Anna de Boer")
    page = browser(pn, "Humanitas").get("/waardering/nominaties").get_data(as_text=True)
    assert "Joop Visser" in page and "Anna de Boer" not in page
    assert "Voordracht intrekken" in page
    assert "•••• •••• " + joop["number"][-4:] in page and joop["number"] not in page


def test_a_member_withdraws_its_nomination_and_another_member_cannot(pn):
    joop = pn.nominate("Humanitas", "Joop Visser")
    other = browser(pn, "Zonnebloem")
    assert other.get(f"/waardering/nominaties/{joop['id']}/intrekken").status_code == 404
    assert other.get(f"/waardering/passen/{joop['id']}/intrekken").status_code == 403
    assert other.get(f"/waardering/passen/houders/{joop['holder_id']}").status_code == 403
    member = browser(pn, "Humanitas")
    assert confirm(member, f"/waardering/nominaties/{joop['id']}/intrekken").status_code == 303
    assert [p["pass"]["status"] for p in pn.api("get", "/passes").get_json()] == ["revoked"]
    assert "Joop Visser" not in member.get("/waardering/nominaties").get_data(as_text=True)


def test_the_coordinator_nominates_for_a_chosen_member_one_person_or_a_csv(pn):
    client = browser(pn)
    page = client.get("/waardering/nominaties/nieuw").get_data(as_text=True)
    assert_form_offers_schema(page, CoordinatorNominationSchema(), action="/waardering/nominaties/nieuw")
    data = {"csrf_token": csrf(page), "name": "Joop Visser", "email": "joop@example.org"}
    unchosen = client.post("/waardering/nominaties/nieuw", data=data)
    assert unchosen.status_code == 422 and "f-organisation_id-error" in unchosen.get_data(as_text=True)
    done = client.post(
        "/waardering/nominaties/nieuw", data={**data, "organisation_id": pn.net.id("Humanitas")}
    )
    assert done.status_code == 303 and done.location.startswith("/waardering/passen/houders/")
    assert [r["name"] for r in pn.api("get", "/passes", who="Humanitas").get_json()] == ["Joop Visser"]
    csv = b"name,email\nAnna de Boer,anna@example.org\nPiet,piet@\n"
    no_member = client.post(
        "/waardering/nominaties/bestand",
        data={"csrf_token": csrf(page), "file": (BytesIO(csv), "lijst.csv")},
        content_type="multipart/form-data",
    )
    assert no_member.status_code == 422 and "kies de lidorganisatie" in no_member.get_data(as_text=True)
    report = client.post(
        "/waardering/nominaties/bestand",
        data={
            "csrf_token": csrf(page),
            "organisation_id": pn.net.id("Zonnebloem"),
            "file": (BytesIO(csv), "lijst.csv"),
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "1 voorgedragen, 0 met al een pas, 1 geweigerd" in report
    assert [r["name"] for r in pn.api("get", "/passes", who="Zonnebloem").get_json()] == ["Anna de Boer"]


def test_a_file_that_is_not_a_csv_with_the_columns_is_refused_in_words(pn):
    client = browser(pn, "Humanitas")
    page = client.get("/waardering/nominaties/nieuw").get_data(as_text=True)
    answer = client.post(
        "/waardering/nominaties/bestand",
        data={"csrf_token": csrf(page), "file": (BytesIO(b"naam;adres\nJoop;joop@example.org\n"), "x.csv")},
        content_type="multipart/form-data",
    )
    assert (
        answer.status_code == 422
        and "de eerste regel moet de kolommen name en email noemen" in answer.get_data(as_text=True)
    )


def test_withdrawing_leaves_the_pass_of_a_volunteer_another_member_also_nominated(pn):
    joop = pn.nominate("Humanitas", "Joop Visser")
    pn.nominate("Zonnebloem", "Joop Visser")
    member = browser(pn, "Humanitas")
    asked = member.get(f"/waardering/nominaties/{joop['id']}/intrekken").get_data(as_text=True)
    assert "Heeft geen andere lidorganisatie deze vrijwilliger voorgedragen" in asked
    assert confirm(member, f"/waardering/nominaties/{joop['id']}/intrekken").status_code == 303
    assert [p["pass"]["status"] for p in pn.api("get", "/passes", who="Zonnebloem").get_json()] == ["active"]
    assert pn.api("get", "/passes", who="Humanitas").get_json() == []
