"""E-mail rendering: Jinja2 templates per message (subject, plain text, HTML) in the reader's language."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime
from email.utils import format_datetime, parseaddr
from pathlib import Path

import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from services.notifications.mime import Attachment, InlineImage, Outgoing, compose
from shared import ical
from shared.db import utcnow
from shared.i18n import LOCAL_TIME, Catalogue, language

TEMPLATES = Path(__file__).parent / "templates" / "email"


def message_id(event_id: str, recipient: str, template: str, domain: str) -> str:
    """Derived from the delivery key, so a resent message carries the same Message-ID."""
    digest = hashlib.sha256(f"{event_id}|{recipient.lower()}|{template}".encode()).hexdigest()
    return f"<{digest[:40]}@{domain}>"


class EmailRenderer:
    """Renders `email/<template>/{subject.txt, body.txt, body.html}`; HTML is autoescaped."""

    def __init__(self, catalogue: Catalogue, templates: Path = TEMPLATES):
        self.env = Environment(
            loader=FileSystemLoader(templates),
            autoescape=select_autoescape(enabled_extensions=("html",), default=False),
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n"],
        )
        self.env.install_gettext_callables(catalogue.gettext, catalogue.ngettext, newstyle=True)
        self.env.filters["local"] = local_time

    def templates(self) -> list[str]:
        return sorted(p.name for p in TEMPLATES.iterdir() if p.is_dir())

    def render(self, template: str, lang: str, context: dict) -> tuple[str, str, str]:
        """(subject, text, html) of one message in `lang`."""
        with language(lang):
            parts = [
                self.env.get_template(f"{template}/{name}").render(lang=lang, **context)
                for name in ("subject.txt", "body.txt", "body.html")
            ]
        return " ".join(parts[0].split()), parts[1], parts[2]

    def build(
        self,
        *,
        template: str,
        lang: str,
        context: dict,
        sender: str,
        recipient: str,
        recipient_name: str,
        msg_id: str,
    ) -> Outgoing:
        subject, text, html = self.render(template, lang, context)
        headers = {
            "Auto-Submitted": "auto-generated",
            "Content-Language": lang,
        }
        one_click = context.get("unsubscribe_url") or context.get("preferences_url")
        if one_click:
            # One-click unsubscribe (RFC 8058): mail clients POST to the first URL.
            # The page URL answers both: GET shows a page, the mail client's one-click POST unsubscribes.
            headers["List-Unsubscribe"] = f"<{one_click}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        attachments = ()
        if template in CALENDAR_TEMPLATES:
            # The event as a calendar entry (RFC 5545), so it lands in the person's agenda.
            entry = calendar_entry(context["event"], context.get("signup_url", ""))
            attachments = (
                Attachment(entry.encode(), "text", "calendar", CALENDAR_FILE[lang], {"method": "PUBLISH"}),
            )
        # The pass itself: its QR code travels inside the message, shown as cid:pass-qr@knoop.
        inline = InlineImage(qr_png(context["qr_url"]), "png", QR_CID) if context.get("qr_url") else None
        return compose(
            sender=sender,
            recipient=recipient,
            recipient_name=recipient_name,
            subject=subject,
            text=text,
            html=html,
            message_id=msg_id,
            date=format_datetime(utcnow()),
            headers=headers,
            attachments=attachments,
            inline=inline,
        )


QR_CID = "pass-qr@knoop"
CALENDAR_TEMPLATES = {"event_invitation"}
CALENDAR_FILE = {"nl": "uitnodiging.ics", "en": "invitation.ics"}  # the name the reader sees


def _moment(value) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def local_time(value, pattern: str = "%d-%m-%Y %H:%M") -> str:
    """A moment (a datetime, or ISO text as stored in a delivery) on the Dutch wall clock."""
    return _moment(value).astimezone(LOCAL_TIME).strftime(pattern) if value else ""


def calendar_entry(event: dict, url: str) -> str:
    """The invitation's event as a one-entry calendar file."""
    entry = ical.Entry(
        event["event_id"],
        _moment(event["starts_at"]),
        _moment(event["ends_at"]),
        event["title"],
        event["venue"],
        url,
    )
    return ical.calendar([entry], method="PUBLISH")


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def sender_domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "knoop.local"
