"""Dutch is consistent: a string has one translation in a service (topic files may not disagree
with each other or with nl.po), and people are addressed as `je`, never `u`."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = [ROOT / "shared/web/translations", *sorted((ROOT / "services").glob("*/translations"))]
FORMAL = re.compile(r"\b(u|uw|U|Uw)\b")


def _entries(directory: Path):
    for path in sorted(directory.glob("nl*.po")):
        with path.open("rb") as fh:
            for message in read_po(fh):
                if message.id and message.string:
                    ids = message.id if isinstance(message.id, tuple) else (message.id,)
                    strings = message.string if isinstance(message.string, tuple) else (message.string,)
                    yield from ((path.name, i, s) for i, s in zip(ids, strings, strict=False))


@pytest.mark.parametrize("directory", CATALOGUES, ids=lambda d: d.parent.name)
def test_a_string_has_one_dutch_translation_per_service(directory):
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for name, msgid, text in _entries(directory):
        if msgid in seen and seen[msgid][1] != text:
            clashes.append(f"{msgid!r}: {seen[msgid][0]} says {seen[msgid][1]!r}, {name} says {text!r}")
        seen.setdefault(msgid, (name, text))
    assert not clashes, "\n".join(clashes)


@pytest.mark.parametrize("directory", CATALOGUES, ids=lambda d: d.parent.name)
def test_people_are_addressed_as_je(directory):
    formal = [f"{name}: {text}" for name, _, text in _entries(directory) if FORMAL.search(text)]
    assert not formal, "\n".join(formal)


def test_every_menu_and_role_name_is_dutch_in_every_service():
    """The menu is the frame's: it must read Dutch on the pages of all three services alike."""
    from shared.i18n import Catalogue
    from shared.web.menu import MENUS, ROLE_NAMES

    shared = Catalogue().messages["nl"]  # what every service's catalogue starts from
    labels = [entry.label.message for entries in MENUS.values() for entry in entries]
    missing = [m for m in [*labels, *(name.message for name in ROLE_NAMES.values())] if m not in shared]
    assert not missing


def test_a_control_character_is_refused_in_dutch_on_pages():
    """The shared schemas' own refusal reads in the page's language, like marshmallow's phrases."""
    from shared.i18n import Catalogue, language

    with language("nl"):
        said = Catalogue().gettext("Control characters are not allowed here.")
    assert said == "Tabs, regelovergangen en andere stuurtekens horen hier niet."
