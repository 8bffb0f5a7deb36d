"""Languages: Dutch by default, English on request. Source strings are English; each service keeps
a gettext catalogue (`translations/<lang>.po`) with what people read in other languages."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel.messages.pofile import read_po
from flask import Flask, current_app, request
from markupsafe import escape

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
SOURCE_LANGUAGE = "en"
SHARED_TRANSLATIONS = Path(__file__).parent / "web" / "translations"
# The networks are Dutch: pages show times on the Dutch wall clock.
LOCAL_TIME = ZoneInfo("Europe/Amsterdam")
_current = contextvars.ContextVar("knoop_language", default=DEFAULT_LANGUAGE)


def _entries(catalog) -> dict[str, str]:
    """msgid → msgstr; a plural entry (msgid_plural) gives its singular and its plural form."""
    entries: dict[str, str] = {}
    for m in catalog:
        if not m.id or not m.string or m.fuzzy:
            continue
        if isinstance(m.id, tuple):
            entries.update({i: t for i, t in zip(m.id, m.string, strict=False) if t})
        else:
            entries[m.id] = m.string
    return entries


class Catalogue:
    """The translations of one service, read once from its .po files."""

    def __init__(self, *directories: Path):
        self.messages: dict[str, dict[str, str]] = {}
        for directory in (SHARED_TRANSLATIONS, *directories):
            # nl.po first, then the topic files (nl.<topic>.po) in name order: a topic file may
            # correct a string of the main file (one form of address, "je"), and the result is the
            # same on every machine.
            for path in sorted(directory.glob("*.po"), key=lambda p: (p.name.count("."), p.name)):
                with path.open("rb") as fh:
                    catalog = read_po(fh)
                # nl.po, or nl.<topic>.po: a topic's strings may live in a file of their own.
                self.messages.setdefault(path.name.split(".")[0], {}).update(_entries(catalog))

    def knows(self, message: str) -> bool:
        """Whether `message` reads right in the current language (Dutch needs a translation)."""
        lang = _current.get()
        return lang == SOURCE_LANGUAGE or message in self.messages.get(lang, {})

    def gettext(self, message: str, **variables) -> str:
        """`message` in the current language, with %(name)s placeholders filled in."""
        lang = _current.get()
        text = message if lang == SOURCE_LANGUAGE else self.messages.get(lang, {}).get(message, message)
        return text % variables if variables else text

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The translated form for `n` (Dutch and English both: one, or more). Jinja fills in
        %(num)s and the other placeholders itself (newstyle gettext)."""
        return self.gettext(singular if n == 1 else plural)


class LazyText:
    """A message translated when it is shown (form labels are defined once, shown per request)."""

    def __init__(self, message: str, **variables):
        self.message, self.variables = message, variables

    def __str__(self) -> str:
        return current_app.extensions["knoop_catalogue"].gettext(self.message, **self.variables)

    def __html__(self) -> str:
        return escape(str(self))


def lazy_gettext(message: str, **variables) -> LazyText:
    return LazyText(message, **variables)


def current_language() -> str:
    return _current.get()


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Render something (an e-mail) in `lang`, whatever the surrounding request speaks."""
    token = _current.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _current.reset(token)


def requested_language() -> str:
    """`?lang=en` switches (and is remembered for the visit in a cookie); otherwise Dutch."""
    chosen = request.args.get("lang") or request.cookies.get("lang")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def init_i18n(app: Flask, catalogue: Catalogue) -> None:
    """Every page speaks the requested language; templates get `_`, `ngettext` and `lang`."""
    app.extensions["knoop_catalogue"] = catalogue
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(catalogue.gettext, catalogue.ngettext, newstyle=True)

    @app.before_request
    def _choose_language():
        _current.set(requested_language())

    @app.after_request
    def _remember_language(response):
        if request.args.get("lang") in LANGUAGES:
            # For this visit only (no max_age): e-mails and printouts follow the person's own setting.
            response.set_cookie("lang", request.args["lang"], samesite="Lax", httponly=True)
        return response

    @app.template_filter("local")
    def _local(moment, pattern: str = "%d-%m-%Y %H:%M") -> str:
        """A stored (UTC) moment as the Dutch wall clock shows it."""
        return moment.astimezone(LOCAL_TIME).strftime(pattern) if moment else ""

    @app.template_filter("combine_lang")
    def _combine_lang(args: dict, lang: str) -> str:
        """The current query string with another language: switching keeps the search."""
        return urlencode({**args, "lang": lang})

    @app.context_processor
    def _language_context():
        return {"lang": current_language()}
