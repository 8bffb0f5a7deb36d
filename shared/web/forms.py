"""The base of every HTML form: Flask-WTF (so each form carries a CSRF token), with WTForms' own
messages ("This field is required.") in the page's language."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.i18n import get_translations

from shared.i18n import current_language


class LocalisedForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return get_translations([current_language()])


class ActionForm(LocalisedForm):
    """A button that changes something: it carries only its CSRF token."""
