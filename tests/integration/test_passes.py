"""The volunteer pass: nominations, passes for students, reissue, offers, redemption at the counter
and from a till (race-free, idempotent, rate limited), and who may do what."""

from datetime import timedelta
from urllib.parse import urlparse

import pytest
from sqlalchemy import update

from services.appreciation.domain import passes as domain
from services.appreciation.domain.clock import local_today
from services.appreciation.models import Offer
from tests.support.appreciation import appreciation_events, pass_network, replicate
from tests.support.placements import partner_with_cohort

pytestmark = pytest.mark.integration


@pytest.fixture
def pn(stack):
    pn = pass_network(stack)
    pn.admit_partner("Theater De Drommedaris")
    pn.admit_partner("Zuiderzeemuseum", category="museum")
    return pn


def test_a_nominated_volunteer_gets_one_pass_with_a_typeable_checked_number(pn):
    first = pn.nominate("Humanitas", "Joop Visser")
    again = pn.api(
        "post", "/passes", who="Humanitas", json={"name": "Joop Visser", "email": "JOOP@example.org"}
    )
    assert again.status_code == 200 and again.get_json()["created"] is False
    assert again.get_json()["pass"]["id"] == first["id"]
    assert again.get_json()["pass"]["number"] == "•••• •••• " + first["number"][-4:]  # a member sees 4 digits
    digits = first["number"].replace(" ", "")
    assert len(first["number"].split()) == 3 and domain.normalise_number(first["number"]) == digits
    typo = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    assert domain.normalise_number(typo) is None  # a mistyped digit is caught before any lookup
    [issued] = appreciation_events(pn.app, "appreciation.pass_issued.v1")
    assert issued["holder"]["email"] == "joop@example.org" and issued["number"] == first["number"]
    assert issued["valid_until"].endswith("-12-31")  # the default policy: the calendar year


def test_an_organisation_manages_only_its_own_volunteers_passes(pn):
    joop = pn.nominate("Humanitas", "Joop Visser")
    pn.nominate("Zonnebloem", "Fatima El Amrani")
    mine = pn.api("get", "/passes", who="Humanitas").get_json()
    assert [p["name"] for p in mine] == ["Joop Visser"]
    assert pn.api("post", f"/passes/{joop['id']}/revoke", who="Zonnebloem").status_code == 404
    assert pn.api("post", f"/passes/{joop['id']}/reissue", who="Zonnebloem").status_code == 404
    assert len(pn.api("get", "/passes").get_json()) == 2  # the coordinator sees every pass
    stranger = pn.api(
        "post", "/passes", who="Theater De Drommedaris", json={"name": "X", "email": "x@example.org"}
    )
    assert stranger.status_code == 403


def test_a_volunteer_of_two_members_keeps_the_pass_until_both_withdraw(pn):
    joop = pn.nominate("Humanitas", "Joop Visser")
    second = pn.api(
        "post", "/passes", who="Zonnebloem", json={"name": "Iemand Anders", "email": "joop@example.org"}
    )
    assert second.status_code == 200 and second.get_json()["pass"]["number"].startswith("••••")
    [listed] = pn.api("get", "/passes", who="Zonnebloem").get_json()
    assert listed["name"] == "Joop Visser"  # a second member cannot rename the holder
    withdrawn = pn.api("post", f"/passes/{joop['id']}/revoke", who="Zonnebloem").get_json()
    assert withdrawn["status"] == "active"  # Humanitas still nominates Joop
    assert pn.api("get", "/passes", who="Zonnebloem").get_json() == []
    assert pn.api("post", f"/passes/{joop['id']}/revoke", who="Humanitas").get_json()["status"] == "revoked"
    assert pn.api("post", f"/passes/{joop['id']}/revoke").status_code == 409  # not active any more


def test_an_edit_made_in_another_process_applies_at_the_next_tap_here(pn):
    offer = pn.offer("Theater De Drommedaris", "Twee voor één", usage="unlimited")
    number = pn.nominate("Humanitas", "Joop Visser")["number"]
    assert pn.redeem("Theater De Drommedaris", offer, number=number).get_json()["outcome"] == "redeemed"
    # This process now remembers the offer. Another web process moves its first day to tomorrow:
    # the row changes and its version moves on, but nothing tells this process to forget its copy.
    tomorrow = local_today() + timedelta(days=1)
    with pn.app.extensions["knoop"].db.transaction() as session:
        session.execute(
            update(Offer)
            .where(Offer.id == offer)
            .values(valid_from=tomorrow, rules_version=Offer.rules_version + 1)
        )
    again = pn.redeem("Theater De Drommedaris", offer, number=number)
    assert again.status_code == 409 and again.get_json()["outcome"] == "not_now"


def test_once_per_pass_redeems_once_and_a_partner_can_undo_within_ten_minutes(pn):
    offer = pn.offer("Theater De Drommedaris", "Twee voor één", usage="once")
    number = pn.nominate("Humanitas", "Joop Visser")["number"]
    first = pn.redeem("Theater De Drommedaris", offer, number=number)
    assert first.status_code == 201 and first.get_json()["outcome"] == "redeemed"
    assert first.get_json()["first_name"] == "Joop"
    second = pn.redeem("Theater De Drommedaris", offer, number=number)
    assert second.status_code == 409 and second.get_json()["outcome"] == "already_used"
    undone = pn.api(
        "post", f"/redemptions/{first.get_json()['redemption_id']}/undo", who="Theater De Drommedaris"
    )
    assert undone.status_code == 200
    assert pn.redeem("Theater De Drommedaris", offer, number=number).status_code == 201
    [*_, receipt] = appreciation_events(pn.app, "appreciation.pass_redeemed.v1")
    assert (
        receipt["partner_name"] == "Theater De Drommedaris"
        and receipt["holder"]["email"] == "joop@example.org"
    )


def test_a_partner_redeems_only_its_own_offers_and_undoes_only_its_own(pn):
    offer = pn.offer("Theater De Drommedaris", "Twee voor één")
    number = pn.nominate("Humanitas", "Joop Visser")["number"]
    assert pn.redeem("Zuiderzeemuseum", offer, number=number).status_code == 403
    done = pn.redeem("Theater De Drommedaris", offer, number=number).get_json()
    assert (
        pn.api("post", f"/redemptions/{done['redemption_id']}/undo", who="Zuiderzeemuseum").status_code == 404
    )
    assert (
        pn.api(
            "post", "/redemptions", who="Humanitas", json={"offer_id": offer, "number": number}
        ).status_code
        == 403
    )


def test_a_withdrawn_offer_is_refused_at_once_though_the_server_remembers_it(pn):
    offer = pn.offer("Theater De Drommedaris", "Twee voor één")
    joop = pn.nominate("Humanitas", "Joop Visser")["number"]
    fatima = pn.nominate("Zonnebloem", "Fatima El Amrani")["number"]
    assert pn.redeem("Theater De Drommedaris", offer, number=joop).status_code == 201  # now remembered
    assert pn.api("delete", f"/offers/{offer}", who="Theater De Drommedaris").status_code == 200
    assert pn.redeem("Theater De Drommedaris", offer, number=fatima).status_code == 404


def test_limits_per_period_quantity_and_audience_are_kept(pn):
    twice = pn.offer(
        "Zuiderzeemuseum",
        "Gratis entree",
        discount_kind="free",
        usage="per_period",
        per_period=2,
        period="month",
    )
    capped = pn.offer("Theater De Drommedaris", "Première", total_quantity=1)
    students = pn.offer(
        "Theater De Drommedaris",
        "Studentenkorting",
        discount_kind="percentage",
        discount_value=25,
        audience="students",
    )
    joop = pn.nominate("Humanitas", "Joop Visser")["number"]
    fatima = pn.nominate("Zonnebloem", "Fatima El Amrani")["number"]
    outcomes = [pn.redeem("Zuiderzeemuseum", twice, number=joop).get_json()["outcome"] for _ in range(3)]
    assert outcomes == ["redeemed", "redeemed", "limit_reached"]
    assert pn.redeem("Theater De Drommedaris", capped, number=joop).status_code == 201
    assert pn.redeem("Theater De Drommedaris", capped, number=fatima).get_json()["outcome"] == "sold_out"
    assert pn.redeem("Theater De Drommedaris", students, number=joop).get_json()["outcome"] == "not_eligible"


def test_a_reissued_pass_replaces_the_old_number_and_qr_code(pn):
    old = pn.nominate("Humanitas", "Joop Visser")
    old_qr = pn.qr_token("joop@example.org")
    offer = pn.offer("Theater De Drommedaris", "Twee voor één")
    new = pn.api("post", f"/passes/{old['id']}/reissue", who="Humanitas")
    assert new.status_code == 201 and new.get_json()["number"] != old["number"]
    assert pn.redeem("Theater De Drommedaris", offer, number=old["number"]).get_json()["outcome"] == "revoked"
    assert pn.redeem("Theater De Drommedaris", offer, qr=old_qr).get_json()["outcome"] == "revoked"
    assert pn.redeem("Theater De Drommedaris", offer, qr=pn.qr_token("joop@example.org")).status_code == 201
    assert pn.issued("joop@example.org")["reason"] == "reissued"
    [first_mail, second_mail] = [
        e["pass_url"] for e in appreciation_events(pn.app, "appreciation.pass_issued.v1")
    ]
    assert pn.client.get(urlparse(first_mail).path).status_code == 404  # the lost pass's page link
    assert pn.client.get(urlparse(second_mail).path).status_code == 200


def test_an_idempotency_key_returns_the_first_answer(pn):
    offer = pn.offer("Theater De Drommedaris", "Twee voor één", usage="once")
    number = pn.nominate("Humanitas", "Joop Visser")["number"]
    first = pn.redeem("Theater De Drommedaris", offer, number=number, key="till-7-0001")
    repeat = pn.redeem("Theater De Drommedaris", offer, number=number, key="till-7-0001")
    assert (first.status_code, repeat.status_code) == (201, 201) and first.get_json() == repeat.get_json()
    other = pn.redeem("Theater De Drommedaris", offer, number=number, key="till-7-0002")
    assert other.get_json()["outcome"] == "already_used"
    reused = pn.api(
        "post",
        "/redemptions",
        who="Theater De Drommedaris",
        json={"offer_id": offer, "qr": "x"},
        headers={"Idempotency-Key": "till-7-0001"},
    )
    assert reused.status_code == 422
    assert len(appreciation_events(pn.app, "appreciation.pass_redeemed.v1")) == 1


def test_wrong_codes_are_refused_audited_and_rate_limited(pn):
    offer = pn.offer("Theater De Drommedaris", "Twee voor één")
    real = pn.nominate("Humanitas", "Joop Visser")["number"].replace(" ", "")
    wrong = [f"{n:011d}" for n in range(30)]
    wrong = [w + domain.luhn_check_digit(w) for w in wrong if w + domain.luhn_check_digit(w) != real]
    statuses = [pn.redeem("Theater De Drommedaris", offer, number=w).status_code for w in wrong[:21]]
    assert statuses[:20] == [404] * 20 and statuses[20] == 429
    # The same client address is blocked for every partner now, and so is a correct code.
    assert pn.redeem("Zuiderzeemuseum", offer, number=real).status_code == 429
    from sqlalchemy import func, select

    from services.appreciation.models import RedemptionAttempt

    with pn.app.extensions["knoop"].db.reader() as session:
        unknown = session.scalar(
            select(func.count()).select_from(RedemptionAttempt).where(RedemptionAttempt.outcome == "unknown")
        )
    assert unknown >= 20


def test_bad_offer_input_gets_field_messages(pn):
    bad = pn.api(
        "post",
        "/offers",
        who="Theater De Drommedaris",
        json={
            "title": "Korting",
            "discount_kind": "percentage",
            "discount_value": 150,
            "usage": "per_period",
        },
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]) >= {"discount_value", "per_period"}
    odd = pn.api(
        "post",
        "/offers",
        who="Theater De Drommedaris",
        json={"title": "X", "discount_kind": "free", "audience": "organisations", "organisations": ["nope"]},
    )
    assert odd.status_code == 422 and "organisations" in odd.get_json()["errors"]


CSV = """name;email;language
Joop Visser;joop@example.org;nl
Fatima El Amrani;fatima@example.org;en
Joop Visser;JOOP@example.org;nl
;leeg@example.org;nl
Kees;geen-adres;nl
"""


def test_nominating_from_csv_reports_every_row_and_one_pass_per_person(pn):
    report = pn.api(
        "post", "/passes/import", who="Humanitas", data=CSV.encode(), content_type="text/csv"
    ).get_json()
    assert report["summary"] == {"issued": 2, "existing": 1, "refused": 2}
    assert [r["outcome"] for r in report["rows"]] == ["issued", "issued", "existing", "refused", "refused"]
    again = pn.api(
        "post", "/passes/import", who="Humanitas", data=CSV.encode(), content_type="text/csv"
    ).get_json()
    assert again["summary"] == {"issued": 0, "existing": 3, "refused": 2}


def test_a_confirmed_student_gets_a_pass_where_the_policy_says_so(pn, stack):
    assert pn.api("patch", "/policy", json={"students_get_pass": True}).status_code == 200
    cohort = partner_with_cohort(pn.net)
    cohort.offer("Humanitas", "Huisbezoek", 1)
    sanne = cohort.register("Sanne Bakker", ["Huisbezoek"])
    cohort.api("post", f"/cohorts/{cohort.id}/allocation", json={"seed": 1})
    cohort.api("post", f"/cohorts/{cohort.id}/allocation/publish")
    cohort.api("post", f"/placements/students/{sanne['id']}/confirm", who="Humanitas")
    replicate(stack.app("recruitment"), pn.app)
    replicate(stack.app("recruitment"), pn.app)  # a redelivery changes nothing
    issued = [
        e for e in appreciation_events(pn.app, "appreciation.pass_issued.v1") if e["reason"] == "student"
    ]
    assert [e["holder"]["email"] for e in issued] == [sanne["email"]]
    students_only = pn.offer("Theater De Drommedaris", "Studentenkorting", audience="students")
    number = pn.api("get", "/passes").get_json()[0]["pass"]["number"]
    assert pn.redeem("Theater De Drommedaris", students_only, number=number).status_code == 201


def test_figures_per_partner_offer_and_month_each_partner_its_own(pn):
    theatre = pn.offer("Theater De Drommedaris", "Twee voor één")
    museum = pn.offer("Zuiderzeemuseum", "Gratis entree", discount_kind="free")
    number = pn.nominate("Humanitas", "Joop Visser")["number"]
    pn.redeem("Theater De Drommedaris", theatre, number=number)
    pn.redeem("Theater De Drommedaris", theatre, number=number)
    pn.redeem("Zuiderzeemuseum", museum, number=number)
    mine = pn.api("get", "/figures/redemptions", who="Theater De Drommedaris").get_json()
    assert [(f["partner"], f["offer"], f["redemptions"]) for f in mine] == [
        ("Theater De Drommedaris", "Twee voor één", 2)
    ]
    everything = pn.api("get", "/figures/redemptions").get_json()
    assert sorted(f["partner"] for f in everything) == ["Theater De Drommedaris", "Zuiderzeemuseum"]
    exported = pn.api("get", "/figures/redemptions.csv", who="Zuiderzeemuseum").get_data(as_text=True)
    assert "Gratis entree" in exported and "Twee voor één" not in exported


def test_the_public_offers_page_and_the_counter_need_the_right_people(pn, stack):
    pn.offer("Theater De Drommedaris", "Twee kaartjes voor de prijs van één")
    page = pn.client.get("/waardering/n/enkhuizen/aanbod").get_data(as_text=True)
    assert "Korting met de vrijwilligerspas" in page and "Twee kaartjes voor de prijs van één" in page
    assert "twee voor de prijs van één" in page
    pn.nominate("Humanitas", "Joop Visser")
    scanned = pn.client.get(f"/waardering/p/{pn.qr_token('joop@example.org')}")
    assert scanned.status_code == 401 and "Voor kortingspartners" in scanned.get_data(as_text=True)
    holder_page = pn.client.get("/waardering/pas/not-a-valid-link")
    assert holder_page.status_code == 404


def test_a_partner_login_link_works_once(pn):
    from tests.support.placements import csrf

    pn.api(
        "patch",
        f"/partners/{pn.partners['Zuiderzeemuseum']['id']}",
        json={"contact_email": "balie@museum.example.org"},
    )
    client = pn.app.test_client()
    page = client.get("/waardering/n/enkhuizen/inloggen").get_data(as_text=True)
    sent = client.post(
        "/waardering/n/enkhuizen/inloggen",
        data={"csrf_token": csrf(page), "email": "BALIE@museum.example.org"},
    )
    assert sent.status_code == 200 and "inloglink onderweg" in sent.get_data(as_text=True)
    [request] = appreciation_events(pn.app, "appreciation.partner_login_requested.v1")
    assert request["recipient"]["email"] == "balie@museum.example.org"
    link = request["links"][0]["url"].split("localhost:8000", 1)[1]
    confirm = client.get(link).get_data(as_text=True)
    assert client.post(link, data={"csrf_token": csrf(confirm)}).status_code == 303
    counter = client.get("/waardering/kassa")
    assert counter.status_code == 200 and "Zuiderzeemuseum" in counter.get_data(as_text=True)
    other = pn.app.test_client()
    again = other.post(link, data={"csrf_token": csrf(other.get(link).get_data(as_text=True))})
    assert again.status_code == 410
    wrong = client.post(
        "/waardering/kassa",
        data={"csrf_token": csrf(counter.get_data(as_text=True)), "number": "1234 5678 9012"},
    )
    assert wrong.status_code == 404 and "Geen pas heeft deze code" in wrong.get_data(as_text=True)


def test_odd_input_at_the_counter_is_a_clear_answer_not_an_error(pn):
    from sqlalchemy import select

    from services.appreciation.models import RedemptionAttempt
    from tests.support.placements import csrf

    offer = pn.offer("Theater De Drommedaris", "Twee voor één")
    superscript = pn.redeem("Theater De Drommedaris", offer, number="²" * 12)
    assert superscript.status_code == 404 and superscript.get_json()["outcome"] == "unknown"
    unknown_offer = pn.api(
        "post", "/redemptions", who="Theater De Drommedaris", json={"offer_id": "nope", "number": "1"}
    )
    assert unknown_offer.status_code == 404
    pn.nominate("Humanitas", "Joop Visser")
    client = pn.app.test_client()
    with client.session_transaction() as browser:
        browser["principal"] = {
            "role": "discount_partner",
            "network_id": pn.net.client.application.extensions["recruitment_networks"]
            .by_slug("enkhuizen")
            .id,
            "partner_id": pn.partners["Theater De Drommedaris"]["id"],
            "since": __import__("time").time(),
        }
    token = pn.qr_token("joop@example.org")
    page = client.get(f"/waardering/p/{token}").get_data(as_text=True)
    pn.api("delete", f"/offers/{offer}", who="Theater De Drommedaris")  # withdrawn while the page is open
    answer = client.post(f"/waardering/p/{token}", data={"csrf_token": csrf(page), "offer_id": offer})
    assert answer.status_code == 200 and "Deze aanbieding geldt nu niet" in answer.get_data(as_text=True)
    with pn.app.extensions["knoop"].db.reader() as session:  # and the attempt is in the audit trail
        outcomes = list(session.scalars(select(RedemptionAttempt.outcome).order_by(RedemptionAttempt.at)))
    assert outcomes[-1] == "not_now"


def test_odd_bodies_to_the_redemption_api_get_clear_answers(pn):
    """The till API's body, parsed once and taken the quick way when plainly well-formed: every
    other body gets the schema's answer, never a 500."""
    offer = pn.offer("Theater De Drommedaris", "Twee voor één")

    def post(data, content_type="application/json"):
        answer = pn.api(
            "post", "/redemptions", who="Theater De Drommedaris", data=data, content_type=content_type
        )
        return answer.status_code, answer.get_json()

    assert post("{not json")[0] == 400
    assert post('{"offer_id": "\xff"}'.encode("latin-1"))[0] == 400  # not UTF-8
    assert post('"\ud800"'.encode("utf-8", "surrogatepass"))[0] == 400  # half a character, as bytes
    assert post("null")[0] == 422  # as webargs answers it for every other endpoint
    assert post("[]")[0] == 422
    status, body = post("{}")
    assert status == 422 and "offer_id" in body["errors"]
    status, body = post(f'{{"offer_id": "{offer}", "number": "1234", "qr": "tok"}}')
    assert status == 422 and "number" in body["errors"]
    status, body = post(f'{{"offer_id": "{offer}", "number": "1234", "pass": "extra"}}')
    assert status == 422 and "pass" in body["errors"]
    status, body = post(f'{{"offer_id": "{offer}", "qr": "\\ud800"}}')  # a lone surrogate
    assert status == 422 and "qr" in body["errors"]
    status, body = post(f'{{"offer_id": "{offer}", "number": "1234"}}', content_type="text/plain")
    assert status == 422 and "offer_id" in body["errors"]  # not sent as JSON: empty
    assert post(f'{{"offer_id": "{offer}", "number": "1234 5678 9012"}}')[0] == 404  # no such pass
