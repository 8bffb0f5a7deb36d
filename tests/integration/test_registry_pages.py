"""The coordinator's registry pages through the Flask test client: who may open them, the forms
offer what the API's schemas take, the logo is checked by what the file is, and each page acts
through the same use cases (and events) as the API."""

import io
import re

import pytest
from PIL import Image

from services.recruitment.api.education_schemas import PartnerInputSchema
from services.recruitment.api.schemas import (
    CategorySchema,
    NetworkSettingsSchema,
    OrganisationCreateSchema,
    ProfileSchema,
)
from tests.integration.test_portal import follow_login, log_in
from tests.support.flows import bearer
from tests.support.forms import assert_form_offers_schema
from tests.support.recruitment import events, network_with_members

pytestmark = pytest.mark.integration
COORDINATOR = "coordinator@example.org"


@pytest.fixture
def app(stack):
    return stack.app("recruitment")


def logged_in(app, net, email: str):
    client, link = log_in(app, net, email)
    follow_login(client, link)
    return client


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def png(size=(8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "#0b6e4f").save(out, "PNG")
    return out.getvalue()


COORDINATOR_PAGES = [
    "/portaal/netwerk",
    "/portaal/leden",
    "/portaal/leden/nieuw",
    "/portaal/categorieen",
    "/portaal/onderwijspartners",
    "/portaal/onderwijspartners/nieuw",
    "/portaal/toegang",
]


def test_a_member_cannot_open_the_coordinators_registry_pages(app):
    net = network_with_members(app)
    member = logged_in(app, net, "humanitas@enkhuizen.example.org")
    for path in [*COORDINATOR_PAGES, f"/portaal/leden/{net.id('Present')}/verwijderen"]:
        page = member.get(path)
        assert page.status_code == 403, path
        assert "Je mag deze pagina niet openen" in page.get_data(as_text=True)
    assert member.get(f"/portaal/toegang/leden/{net.id('Humanitas')}").status_code == 403


def test_the_coordinator_opens_every_registry_page(app):
    net = network_with_members(app)
    coordinator = logged_in(app, net, COORDINATOR)
    for path in [*COORDINATOR_PAGES, f"/portaal/leden/{net.id('Present')}"]:
        assert coordinator.get(path).status_code == 200, path


def test_the_forms_offer_what_the_api_takes(app):
    net = network_with_members(app)
    coordinator = logged_in(app, net, COORDINATOR)
    settings = coordinator.get("/portaal/netwerk").get_data(as_text=True)
    # logo_url is set by uploading a logo (its own form), never typed
    assert_form_offers_schema(settings, NetworkSettingsSchema(), "/portaal/netwerk", leave_out=("logo_url",))
    admit = coordinator.get("/portaal/leden/nieuw").get_data(as_text=True)
    assert_form_offers_schema(admit, OrganisationCreateSchema(), "/portaal/leden/nieuw")
    edit_path = f"/portaal/leden/{net.id('Present')}"
    assert_form_offers_schema(
        coordinator.get(edit_path).get_data(as_text=True), OrganisationCreateSchema(), edit_path
    )
    categories = coordinator.get("/portaal/categorieen").get_data(as_text=True)
    assert_form_offers_schema(categories, CategorySchema(), "/portaal/categorieen")
    partner = coordinator.get("/portaal/onderwijspartners/nieuw").get_data(as_text=True)
    assert_form_offers_schema(partner, PartnerInputSchema(), "/portaal/onderwijspartners/nieuw")


def test_a_logo_that_is_too_big_or_not_an_image_is_refused_in_dutch(app):
    net = network_with_members(app)
    coordinator = logged_in(app, net, COORDINATOR)
    token = csrf(coordinator.get("/portaal/netwerk").get_data(as_text=True))
    for data, message in (
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
            "Het logo moet een PNG- of JPEG-afbeelding zijn.",
        ),
        (b"\x89PNG\r\n\x1a\nnot really a png", "Het logo moet een PNG- of JPEG-afbeelding zijn."),
        (png() + b"\0" * (600 * 1024), "Het logo mag hoogstens 512 kB groot zijn."),
    ):
        answer = coordinator.post(
            "/portaal/netwerk/logo",
            data={"csrf_token": token, "logo": (io.BytesIO(data), "logo.png")},
            content_type="multipart/form-data",
        )
        assert answer.status_code == 422
        assert message in answer.get_data(as_text=True)
    assert app.test_client().get(f"/n/{net.slug}/logo").status_code == 404


def test_an_uploaded_logo_is_served_and_becomes_the_networks_logo_url(app):
    net = network_with_members(app)
    coordinator = logged_in(app, net, COORDINATOR)
    token = csrf(coordinator.get("/portaal/netwerk").get_data(as_text=True))
    answer = coordinator.post(
        "/portaal/netwerk/logo",
        data={"csrf_token": token, "logo": (io.BytesIO(png()), "logo.png")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 303
    served = app.test_client().get(f"/n/{net.slug}/logo")
    assert served.status_code == 200 and served.mimetype == "image/png" and served.data == png()
    updated = events(app, "recruitment.network_updated.v1")[-1]
    assert re.search(rf"/n/{net.slug}/logo\?v=\w+$", updated["logo_url"])


def test_a_member_edits_its_own_profile_only_when_the_network_allows(app):
    net = network_with_members(app)
    member = logged_in(app, net, "humanitas@enkhuizen.example.org")
    page = member.get("/portaal/profiel")
    assert page.status_code == 200 and 'action="/portaal/profiel"' not in page.get_data(as_text=True)
    refused = member.post("/portaal/profiel", data={"csrf_token": csrf(page.get_data(as_text=True))})
    assert refused.status_code == 403
    assert (
        net.client.patch(
            "/api/recruitment/networks/mine",
            headers=bearer(net.coordinator),
            json={"members_edit_profile": True},
        ).status_code
        == 200
    )
    html = member.get("/portaal/profiel").get_data(as_text=True)
    assert_form_offers_schema(html, ProfileSchema(), "/portaal/profiel")
    saved = member.post(
        "/portaal/profiel",
        data={
            "csrf_token": csrf(html),
            "identity": "humanistisch",
            "areas": "Oost, West",
            "activities": ["outings"],
        },
    )
    assert saved.status_code == 303
    changed = events(app, "recruitment.organisation_updated.v1")[-1]
    assert changed["organisation_id"] == net.id("Humanitas")
    listed = net.client.get(f"/api/recruitment/organisations?network={net.slug}").get_json()
    humanitas = next(o for o in listed if o["name"] == "Humanitas")
    assert humanitas["areas"] == ["Oost", "West"] and [a["key"] for a in humanitas["activities"]] == [
        "outings"
    ]


def test_a_member_cannot_edit_another_members_entry(app):
    net = network_with_members(app)
    member = logged_in(app, net, "humanitas@enkhuizen.example.org")
    assert member.get(f"/portaal/leden/{net.id('Present')}").status_code == 403
    token = csrf(member.get("/portaal/profiel").get_data(as_text=True))
    assert (
        member.post(
            f"/portaal/leden/{net.id('Present')}", data={"csrf_token": token, "name": "X"}
        ).status_code
        == 403
    )


def test_a_category_in_use_is_not_removed_and_the_page_says_why(app):
    net = network_with_members(app)
    net.publish("Humanitas", category="home-visits")
    coordinator = logged_in(app, net, COORDINATOR)
    page = coordinator.get("/portaal/categorieen/home-visits/verwijderen").get_data(as_text=True)
    answer = coordinator.post(
        "/portaal/categorieen/home-visits/verwijderen", data={"csrf_token": csrf(page)}, follow_redirects=True
    )
    assert "1 vacature gebruikt deze categorie nog" in answer.get_data(as_text=True)


def test_the_coordinator_issues_and_revokes_a_members_api_key(app):
    net = network_with_members(app)
    coordinator = logged_in(app, net, COORDINATOR)
    path = f"/portaal/toegang/leden/{net.id('Present')}"
    page = coordinator.get(path).get_data(as_text=True)
    issued = coordinator.post(path, data={"csrf_token": csrf(page), "name": "website"}).get_data(as_text=True)
    key = re.search(r'id="new-token" value="([^"]+)"', issued).group(1)
    assert net.client.get("/api/recruitment/vacancies/mine", headers=bearer(key)).status_code == 200
    assert key not in coordinator.get(path).get_data(as_text=True)  # shown once
    token_id = events(app, "recruitment.api_token_issued.v1")[-1]["token_id"]
    confirm = coordinator.get(f"/portaal/toegang/sleutels/{token_id}/intrekken").get_data(as_text=True)
    coordinator.post(f"/portaal/toegang/sleutels/{token_id}/intrekken", data={"csrf_token": csrf(confirm)})
    assert events(app, "recruitment.api_token_revoked.v1")[-1]["token_id"] == token_id
    assert net.client.get("/api/recruitment/vacancies/mine", headers=bearer(key)).status_code == 401


def test_a_refused_form_says_why_in_dutch_beside_the_field_and_keeps_what_was_typed(app):
    net = network_with_members(app)
    coordinator = logged_in(app, net, COORDINATOR)
    page = coordinator.get("/portaal/onderwijspartners/nieuw").get_data(as_text=True)
    typed = {
        "csrf_token": csrf(page),
        "institution": "Horizon College",
        "programme": "Zorg",
        "contact_name": "Joost",
        "contact_email": "geen adres",
        "agreement_starts": "2026-09-01",
        "agreement_ends": "2026-08-01",
    }
    answer = coordinator.post("/portaal/onderwijspartners/nieuw", data=typed)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'id="ep-contact_email-error">Geef een geldig e-mailadres.' in html
    assert 'value="Horizon College"' in html
    answer = coordinator.post(
        "/portaal/onderwijspartners/nieuw", data={**typed, "contact_email": "joost@horizon.example.org"}
    )
    assert answer.status_code == 422
    assert (
        'id="ep-agreement_ends-error">De afspraak kan niet eindigen voordat hij ingaat.'
        in answer.get_data(as_text=True)
    )


def test_admitting_a_member_is_the_api_s_use_case_with_its_event(app):
    net = network_with_members(app)
    coordinator = logged_in(app, net, COORDINATOR)
    page = coordinator.get("/portaal/leden/nieuw").get_data(as_text=True)
    answer = coordinator.post(
        "/portaal/leden/nieuw",
        data={
            "csrf_token": csrf(page),
            "name": "Buurtkracht",
            "contact_name": "Fatima",
            "contact_email": "info@buurtkracht.example.org",
            "areas": "Binnenstad, Oost",
            "activities": ["shopping", "outings"],
            "language": "nl",
        },
        follow_redirects=True,
    )
    assert "Buurtkracht is toegelaten als lid." in answer.get_data(as_text=True)
    admitted = events(app, "recruitment.organisation_admitted.v1")[-1]
    assert admitted["name"] == "Buurtkracht"
    issued = events(app, "recruitment.api_token_issued.v1")[-1]
    assert issued["organisation_id"] == admitted["organisation_id"]  # the same token the API issues
    listed = net.client.get(f"/api/recruitment/organisations?network={net.slug}").get_json()
    entry = next(o for o in listed if o["name"] == "Buurtkracht")
    assert entry["areas"] == ["Binnenstad", "Oost"]
    assert sorted(a["key"] for a in entry["activities"]) == ["outings", "shopping"]
