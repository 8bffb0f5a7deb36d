"""A page's form read with the API's schema: typed values become the schema's types, and what
cannot be read is an error at its field (in Dutch), never a crash."""

from flask import Flask, session
from flask_wtf.csrf import generate_csrf
from marshmallow import fields

from shared.i18n import Catalogue, init_i18n
from shared.web.schema_form import SchemaForm
from shared.web.schemas import BaseSchema, Number, WholeNumber


class EventSchema(BaseSchema):
    starts_at = fields.AwareDateTime(required=True)
    seats = WholeNumber(1, 500, required=True)
    hours = Number(0, 24, load_default=None, allow_none=True)
    areas = fields.List(fields.String(), load_default=list)


def _post(form: dict) -> SchemaForm:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "test"
    init_i18n(app, Catalogue())
    with app.test_request_context("/"):
        token = generate_csrf()
        cookie = dict(session)
    with app.test_request_context("/", method="POST", data={**form, "csrf_token": token}):
        session.update(cookie)
        result = SchemaForm(EventSchema(), typed_lists=("areas",))
        result.validate()
        return result


def test_typed_values_become_the_schemas_types():
    form = _post({"starts_at": "2027-03-01T19:30", "seats": "12", "hours": "2,5", "areas": "Oost, West"})
    assert form.errors == {}
    assert form.data["starts_at"].isoformat() == "2027-03-01T19:30:00+01:00"  # Dutch wall clock
    assert (form.data["seats"], form.data["hours"], form.data["areas"]) == (12, 2.5, ["Oost", "West"])


def test_an_impossible_moment_is_an_error_at_its_field_not_a_crash():
    form = _post({"starts_at": "2027-02-30T10:00", "seats": "twaalf"})
    assert form.errors == {"starts_at": ["Geef een datum en tijd."], "seats": ["Geef een heel getal."]}
    assert form.text("starts_at") == "2027-02-30T10:00"  # what was typed stays in the field
