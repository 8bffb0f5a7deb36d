"""The HTML forms (Flask-WTF, so every form carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.i18n import get_translations
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from shared.i18n import current_language
from shared.i18n import lazy_gettext as _l


class LocalisedForm(FlaskForm):
    """WTForms' own messages ("This field is required.") in the page's language."""

    class Meta:
        def get_translations(self, form):
            return get_translations([current_language()])


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


class LoginForm(LocalisedForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email()])


class ActionForm(LocalisedForm):
    """A button that changes something: it carries only its CSRF token."""


class RejectForm(LocalisedForm):
    reason = TextAreaField(_l("Reason for the member"), validators=[DataRequired(), Length(min=3, max=2000)])


class ResponseStatusForm(LocalisedForm):
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("contacted", _l("contacted")),
            SelectChoice("started", _l("started")),
            SelectChoice("declined", _l("declined")),
        ],
    )
