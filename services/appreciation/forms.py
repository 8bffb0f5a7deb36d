"""The HTML forms of appreciation's pages (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, StringField
from wtforms.i18n import get_translations
from wtforms.validators import DataRequired, Email, Length

from shared.i18n import current_language
from shared.i18n import lazy_gettext as _l


class LocalisedForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return get_translations([current_language()])


class LoginForm(LocalisedForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email()])


class NumberForm(LocalisedForm):
    number = StringField(_l("Pass number"), validators=[DataRequired(), Length(max=30)])


class RedeemForm(LocalisedForm):
    """One tap: the offer, and the code the pass was presented with (QR token or number)."""

    offer_id = HiddenField(validators=[DataRequired()])
    number = HiddenField()


class ActionForm(LocalisedForm):
    """A button that changes something: only its CSRF token."""
