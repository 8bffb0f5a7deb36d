"""The HTML forms (Flask-WTF, so every form carries a CSRF token)."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from shared.i18n import lazy_gettext as _l
from shared.web.forms import LocalisedForm, plausible_day


class ResponseForm(LocalisedForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email()])
    phone = StringField(_l("Phone number"), validators=[Optional(), Length(max=40)])
    motivation = TextAreaField(
        _l("Why would you like to do this?"), validators=[Optional(), Length(max=5000)]
    )
    availability = StringField(_l("When are you available?"), validators=[Optional(), Length(max=500)])
    consent = BooleanField(
        _l("I agree that my details are shared with the organisations that publish this vacancy."),
        validators=[InputRequired(_l("Please give your consent."))],
    )
    consent_version = HiddenField()  # the privacy statement's version the page showed


class AlertForm(LocalisedForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email()])
    frequency = SelectField(
        _l("How often"),
        choices=[
            SelectChoice("immediately", _l("Immediately")),
            SelectChoice("daily", _l("Daily")),
            SelectChoice("weekly", _l("Weekly")),
        ],
    )
    q = HiddenField()
    category = HiddenField()
    area = HiddenField()
    organisation = HiddenField()
    students = HiddenField()
    no_vog = HiddenField()
    long_term = HiddenField()
    max_hours = HiddenField()
    consent_version = HiddenField(_l("Privacy statement"))


class LoginForm(LocalisedForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email()])
    next = HiddenField()


# --- student placements ----------------------------------------------------------------------


class CodeForm(LocalisedForm):
    code = StringField(_l("Registration code"), validators=[DataRequired(), Length(max=20)])


class RegistrationForm(LocalisedForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email()])
    student_number = StringField(_l("Student number"), validators=[DataRequired(), Length(max=40)])
    phone = StringField(_l("Phone number"), validators=[Optional(), Length(max=40)])
    availability = StringField(_l("When are you available?"), validators=[Optional(), Length(max=500)])
    languages = StringField(_l("Languages you speak"), validators=[Optional(), Length(max=200)])
    consent = BooleanField(
        _l(
            "I agree that the network shares these details with my education partner and the "
            "organisations of my placement."
        ),
        validators=[InputRequired(_l("Please give your consent."))],
    )
    consent_version = HiddenField()


def preference_fields(form: RegistrationForm, count: int, choices: list[tuple[str, str]]) -> list:
    """The ranked choices: one select per rank, as many as the cohort allows."""
    from flask import request

    formdata = request.form if request.method == "POST" else None
    bound = []
    for rank in range(1, count + 1):
        options = [SelectChoice("", "—"), *(SelectChoice(value, label) for value, label in choices)]
        unbound = SelectField(_l("Choice %(rank)s", rank=rank), choices=options)
        field = unbound.bind(form, f"choice_{rank}")
        field.process(formdata)
        bound.append(field)
    return bound


class HoursForm(LocalisedForm):
    day = DateField(_l("Date"), validators=[DataRequired(), plausible_day])
    hours = DecimalField(_l("Hours"), places=2, validators=[DataRequired(), NumberRange(min=0.25, max=24)])
    activity = StringField(_l("What did you do?"), validators=[DataRequired(), Length(max=500)])


class ReviewForm(LocalisedForm):
    hours = DecimalField(_l("Hours"), places=2, validators=[Optional(), NumberRange(min=0, max=24)])
    note = StringField(_l("Note for the student"), validators=[Optional(), Length(max=500)])


class UploadForm(LocalisedForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()])
