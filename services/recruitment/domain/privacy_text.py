"""The network's privacy text: what a coordinator may save, and which version a consent may name."""

from __future__ import annotations

import re
from html import escape

from services.recruitment.domain import ALLOWED_TAGS, safe_description

DEFAULT_VERSION = 0  # Knoop's own text, shown while the network has saved none of its own
MAX_LENGTH = 20_000
_TAG = re.compile(r"<[a-zA-Z/][^>]*>")
# HTML is what the editor (or an API client) sends: it has one of the tags we keep. Anything else,
# "<naam>" included, is typed text.
_FORMATTED = re.compile(rf"</?({'|'.join(sorted(ALLOWED_TAGS))})\b", re.IGNORECASE)
_BLANK_LINE = re.compile(r"\n\s*\n")


def as_html(body: str) -> str:
    """The editor's simple HTML, cleaned like a vacancy's description; typed plain text (the form
    without JavaScript) becomes paragraphs at its blank lines, so what was typed reads as typed."""
    if not _FORMATTED.search(body):
        paragraphs = [p.strip() for p in _BLANK_LINE.split(body.replace("\r\n", "\n")) if p.strip()]
        body = "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return safe_description(body)


def is_empty(html: str) -> bool:
    """Whether the cleaned text says nothing at all (only tags and spaces)."""
    return not _TAG.sub("", html).replace("&nbsp;", "").strip()


def shown_version(value: object, saved: set[int]) -> int | None:
    """The version a form says the person saw, if the network has it (the default always counts);
    None for nonsense or a version the network never saved."""
    if isinstance(value, bool):
        return None
    try:
        version = int(str(value).strip())
    except ValueError:
        return None
    return version if version == DEFAULT_VERSION or version in saved else None
