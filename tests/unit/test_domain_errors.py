"""Domain errors answer by class hierarchy: the nearest listed ancestor decides the status."""

from flask import Flask

from shared.web.errors import install_domain_errors, status_for


class DomainError(Exception):
    pass


class Conflict(DomainError):
    pass


class CategoryInUse(Conflict):
    pass


class NotFound(Exception):  # not a DomainError, as appreciation's once was
    pass


class BadField(DomainError):
    field = "name"


TABLE = {Conflict: 409, NotFound: 404, DomainError: 400}


def test_a_refinement_answers_as_its_nearest_listed_ancestor():
    assert status_for(CategoryInUse(), TABLE) == 409
    assert status_for(Conflict(), TABLE) == 409
    assert status_for(BadField(), TABLE) == 400
    assert status_for(NotFound(), TABLE) == 404
    assert status_for(ValueError(), TABLE) == 422


def test_api_paths_answer_json_with_the_field_and_pages_an_http_error():
    app = Flask(__name__)
    install_domain_errors(app, "/api/", TABLE, catch=(DomainError, NotFound), page=lambda e: e.get_response())

    @app.get("/api/in-use")
    def in_use():
        raise CategoryInUse("in use")

    @app.get("/api/field")
    def bad_field():
        raise BadField("too long")

    @app.get("/page")
    def page():
        raise NotFound("gone")

    client = app.test_client()
    answer = client.get("/api/in-use")
    assert answer.status_code == 409 and answer.get_json() == {"code": 409, "message": "in use", "errors": {}}
    assert client.get("/api/field").get_json()["errors"] == {"name": ["too long"]}
    assert client.get("/page").status_code == 404
