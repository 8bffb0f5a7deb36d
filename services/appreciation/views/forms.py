"""The HTML forms of appreciation's pages (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from wtforms import EmailField, HiddenField, StringField
from wtforms.validators import DataRequired, Email, Length

from shared.i18n import lazy_gettext as _l
from shared.web.forms import LocalisedForm


class LoginForm(LocalisedForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email()])
    next = HiddenField()


class NumberForm(LocalisedForm):
    number = StringField(_l("Pass number"), validators=[DataRequired(), Length(max=30)])


class RedeemForm(LocalisedForm):
    """One tap: the offer, and the code the pass was presented with (QR token or number)."""

    offer_id = HiddenField(validators=[DataRequired()])
    number = HiddenField()
