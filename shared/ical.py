"""iCalendar (RFC 5545) files: one event for an invitation, or a person's feed of many. Lines end
in CRLF and text is escaped as the standard asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Entry:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str
    url: str = ""


def _text(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets go on after CRLF and a space (RFC 5545 §3.1)."""
    raw, parts = line.encode(), []
    while len(raw) > 75:
        cut = 75 if not parts else 74
        while (raw[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        parts.append(raw[:cut].decode())
        raw = raw[cut:]
    parts.append(raw.decode())
    return "\r\n ".join(parts)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(entries: list[Entry], method: str | None = None) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Knoop//appreciation events//NL"]
    if method:
        lines.append(f"METHOD:{method}")
    now = _stamp(datetime.now(UTC))
    for entry in entries:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{entry.uid}@knoop",
            f"DTSTAMP:{now}",
            f"DTSTART:{_stamp(entry.starts_at)}",
            f"DTEND:{_stamp(entry.ends_at)}",
            f"SUMMARY:{_text(entry.summary)}",
            f"LOCATION:{_text(entry.location)}",
            *([f"URL:{entry.url}"] if entry.url else []),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
