"""The OpenAPI documents tell the truth (issue 15): what is sent is what the document says, and what
the document says is enforced. One test per defect an outside tester's fuzzer found."""

from __future__ import annotations

import re

import pytest
import schemathesis

from tests.support.appreciation import event_body, pass_network
from tests.support.flows import bearer
from tests.support.placements import partner_with_cohort

pytestmark = pytest.mark.integration


def document(app, service: str) -> dict:
    return app.test_client().get(f"/api/{service}/openapi.json").get_json()


def body_schema(app, service: str, path: str, method: str) -> dict:
    """The JSON schema of an operation's request body, its $ref resolved."""
    doc = document(app, service)
    schema = doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def assert_documented(app, service: str, method: str, path: str, response) -> None:
    """The response (status, body) is what the service's document promises for this operation."""
    schema = schemathesis.openapi.from_wsgi(f"/api/{service}/openapi.json", app)
    schema[path][method].validate_response(response)


def assert_error_shape(response, status: int) -> dict:
    body = response.get_json()
    assert response.status_code == status, body
    assert set(body) == {"code", "message", "errors"} and body["code"] == status
    return body


@pytest.fixture
def pn(stack):
    """A network with members, replicated to appreciation."""
    return pass_network(stack)


@pytest.fixture
def net(pn):
    return pn.net


# Fields that can be null are declared nullable.


def test_a_draft_answers_published_at_null_as_its_document_says(net):
    vacancy = net.draft("Humanitas")
    assert vacancy["published_at"] is None
    answer = net.client.get(f"/api/recruitment/vacancies/{vacancy['id']}", headers=net.token("Humanitas"))
    assert_documented(
        net.client.application, "recruitment", "GET", "/api/recruitment/vacancies/{vacancy_id}", answer
    )


def test_a_placement_without_hours_answers_hours_null_as_its_document_says(net):
    cohort = partner_with_cohort(net)
    answer = cohort.api(
        "post",
        f"/cohorts/{cohort.id}/placements",
        who="Humanitas",
        json={"title": "Huisbezoek", "capacity": 1},
    )
    assert answer.status_code == 201 and answer.get_json()["hours"] is None
    path = "/api/recruitment/cohorts/{cohort_id}/placements"
    assert_documented(net.client.application, "recruitment", "POST", path, answer)


def test_a_partner_without_an_agreement_end_answers_null_as_its_document_says(net):
    partner_with_cohort(net)
    answer = net.client.get("/api/recruitment/education-partners", headers=bearer(net.coordinator))
    assert answer.get_json()[0]["agreement_ends"] is None
    path = "/api/recruitment/education-partners"
    assert_documented(net.client.application, "recruitment", "GET", path, answer)


def test_a_student_not_yet_placed_answers_choice_null_as_its_document_says(net):
    cohort = partner_with_cohort(net)
    cohort.offer("Humanitas", "Huisbezoek", 1)
    cohort.register("Sanne Bakker", ["Huisbezoek"])
    answer = cohort.api("get", f"/cohorts/{cohort.id}/students")
    assert answer.get_json()[0]["choice"] is None
    path = "/api/recruitment/cohorts/{cohort_id}/students"
    assert_documented(net.client.application, "recruitment", "GET", path, answer)


# PATCH endpoints require a JSON object body.


@pytest.fixture
def patches(pn) -> list[tuple[object, str, str]]:
    """(app, path, path in the document) of the three PATCH endpoints the tester named."""
    event = pn.api("post", "/events", json=event_body()).get_json()
    recruitment = pn.net.client.application
    return [
        (recruitment, "/api/recruitment/networks/mine", "/api/recruitment/networks/mine"),
        (pn.app, "/api/appreciation/policy", "/api/appreciation/policy"),
        (pn.app, f"/api/appreciation/events/{event['id']}", "/api/appreciation/events/{event_id}"),
    ]


def test_a_patch_without_a_body_is_refused_and_the_document_says_the_body_is_required(patches, net):
    headers = bearer(net.coordinator)
    for app, path, documented_path in patches:
        body = assert_error_shape(app.test_client().patch(path, headers=headers), 422)
        assert body["errors"], body
        service = path.split("/")[2]
        assert document(app, service)["paths"][documented_path]["patch"]["requestBody"]["required"]


def test_a_patch_whose_body_is_not_a_json_object_is_refused(patches, net):
    headers = bearer(net.coordinator)
    for app, path, _ in patches:
        client = app.test_client()
        as_text = client.patch(path, headers={**headers, "Content-Type": "text/plain"}, data='{"name": "x"}')
        assert_error_shape(as_text, 422)
        for body in ([], "moderated", None, 3):
            assert_error_shape(client.patch(path, headers=headers, json=body), 422)
        assert_error_shape(
            client.patch(path, headers={**headers, "Content-Type": "application/json"}, data="{"), 400
        )


# The allocation seed is a strict integer in a documented range.


def test_an_allocation_seed_that_is_not_a_whole_number_is_refused(net):
    cohort = partner_with_cohort(net)
    for seed in (-1.8e-94, 2.5, 1e300, "7", True, -1, 2**31):
        answer = cohort.api("post", f"/cohorts/{cohort.id}/allocation", json={"seed": seed})
        assert "seed" in assert_error_shape(answer, 422)["errors"], seed
    assert cohort.api("post", f"/cohorts/{cohort.id}/allocation", json={"seed": 0}).get_json()["seed"] == 0
    path = "/api/recruitment/cohorts/{cohort_id}/allocation"
    seed = body_schema(net.client.application, "recruitment", path, "post")["properties"]["seed"]
    assert seed["type"] == "integer" and seed["minimum"] == 0 and seed["maximum"] == 2**31 - 1


# Text with control characters: the document says it is refused, and a 422 is documented.


def matches(pattern: str, text: str) -> bool:
    """As a JSON Schema validator reads a pattern: `$` is the end of the text (in Python it also
    matches before a final line break)."""
    return re.search(pattern.replace("$", r"\Z"), text) is not None


def test_the_document_says_which_characters_a_query_argument_may_hold(net):
    app = net.client.application
    operation = document(app, "recruitment")["paths"]["/api/recruitment/vacancies"]["get"]
    [q] = [p for p in operation["parameters"] if p["name"] == "q"]
    assert matches(q["schema"]["pattern"], "fiets maatje €") and not matches(q["schema"]["pattern"], "\x01")
    assert "422" in operation["responses"]
    answer = net.client.get("/api/recruitment/vacancies?network=enkhuizen&q=fiets%01")
    assert "q" in assert_error_shape(answer, 422)["errors"]
    assert_documented(app, "recruitment", "GET", "/api/recruitment/vacancies", answer)


def test_the_document_says_which_characters_a_body_field_may_hold(net):
    properties = document(net.client.application, "recruitment")["components"]["schemas"]["VacancyInput"][
        "properties"
    ]
    one_line, multiline = properties["title"]["pattern"], properties["description"]["pattern"]
    assert (
        matches(one_line, "Maatje\t1") and not matches(one_line, "Maatje\n") and not matches(one_line, "\x00")
    )
    assert matches(multiline, "Een\nmaatje") and not matches(multiline, "\x00")


def test_a_website_is_cleared_with_an_empty_address_as_documented(net):
    path = f"/api/recruitment/organisations/{net.id('Humanitas')}"
    headers = bearer(net.coordinator)
    set_ = net.client.patch(path, headers=headers, json={"website": "https://humanitas.nl/enkhuizen"})
    assert set_.status_code == 200 and set_.get_json()["website"] == "https://humanitas.nl/enkhuizen"
    cleared = net.client.patch(path, headers=headers, json={"website": ""})
    assert cleared.status_code == 200 and cleared.get_json()["website"] == ""
    assert (
        "website"
        in assert_error_shape(net.client.patch(path, headers=headers, json={"website": "humanitas"}), 422)[
            "errors"
        ]
    )
    pattern = body_schema(net.client.application, "recruitment", "/api/recruitment/organisations", "post")[
        "properties"
    ]["website"]["pattern"]
    assert matches(pattern, "") and not matches(pattern, "humanitas")


# CSV answers are documented as CSV.


@pytest.mark.parametrize(
    ("service", "path"),
    [
        ("recruitment", "/api/recruitment/students.csv"),
        ("appreciation", "/api/appreciation/figures/redemptions.csv"),
    ],
)
def test_csv_answers_are_documented_as_text_csv(stack, net, service, path):
    app = stack.app(service)
    answer = app.test_client().get(path, headers=bearer(net.coordinator))
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    content = document(app, service)["paths"][path]["get"]["responses"]["200"]["content"]
    assert list(content) == ["text/csv"]


# A method the path does not have: 405 with the Allow header.


@pytest.mark.parametrize("service", ["recruitment", "appreciation", "notifications"])
def test_a_method_not_allowed_answers_405_with_allow(stack, service):
    paths = {
        "recruitment": ("/api/recruitment/networks", {"GET", "POST"}),
        "appreciation": ("/api/appreciation/policy", {"GET", "PATCH"}),
        "notifications": ("/api/notifications/deliveries", {"GET"}),
    }
    path, methods = paths[service]
    answer = stack.app(service).test_client().open(path, method="TRACE")
    assert_error_shape(answer, 405)
    assert methods <= {m.strip() for m in answer.headers["Allow"].split(",")}


@pytest.mark.parametrize("path", ["/api/recruitment/vacancies/mine", "/api/recruitment/placements/students"])
def test_a_named_collection_is_no_record_id_so_allow_names_only_its_methods(net, path):
    answer = net.client.open(path, method="OPTIONS")
    assert {m.strip() for m in answer.headers["Allow"].split(",")} == {"GET", "HEAD", "OPTIONS"}
    assert_error_shape(net.client.patch(path, headers=bearer(net.coordinator), json={}), 405)


def test_a_boolean_in_a_body_is_true_or_false_as_documented(net):
    headers = bearer(net.coordinator)
    for value in (0, 1, "true", "yes", None):
        answer = net.client.patch(
            "/api/recruitment/networks/mine", headers=headers, json={"moderated": value}
        )
        assert "moderated" in assert_error_shape(answer, 422)["errors"], value
    answer = net.client.patch("/api/recruitment/networks/mine", headers=headers, json={"moderated": True})
    assert answer.status_code == 200 and answer.get_json()["moderated"] is True
