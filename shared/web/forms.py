"""The base of every HTML form: Flask-WTF (so each form carries a CSRF token), with WTForms' own
messages ("This field is required.") in the page's language."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.i18n import get_translations
from wtforms.validators import ValidationError

from shared.i18n import current_language, lazy_gettext
from shared.web.schemas import FIRST_DAY, LAST_DAY


class LocalisedForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return get_translations([current_language()])

        def render_field(self, field, render_kw):
            # A page may hold many forms: their hidden CSRF fields carry no id, so no id repeats.
            if field.type == "CSRFTokenField":
                render_kw = {**render_kw, "id": False}
            return super().render_field(field, render_kw)


class ActionForm(LocalisedForm):
    """A button that changes something: it carries only its CSRF token."""


def plausible_day(form, field) -> None:
    """A WTForms validator: the day lies where the API's PlausibleDate says a day may lie."""
    if field.data is not None and not FIRST_DAY <= field.data <= LAST_DAY:
        raise ValidationError(
            str(lazy_gettext("Give a day between %(first)s and %(last)s.", first=FIRST_DAY, last=LAST_DAY))
        )
