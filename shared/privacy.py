"""What every service does alike for a person's data request (AVG art. 15 and 17).

A request names an e-mail address in one network. Each service finds what it holds about that address
by itself; what is alike everywhere lives here: the payloads of the service's own outbox and dead
letters that mention the address, and the digest by which a finished request is still recognised
after the address itself is gone.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Text, cast, or_, select
from sqlalchemy.orm import Session

ERASED_DOMAIN = "erased.invalid"  # RFC 2606: never an address anyone has
ERASED_ADDRESSES = f"%@{ERASED_DOMAIN}"  # a LIKE pattern: rows already anonymised
ERASED_ERROR = "payload removed: personal data erased on request (AVG art. 17)"
KINDS = ("access", "erasure")


class OutboxNotDrained(RuntimeError):
    """An unsent event still names the person: erasing now would either lose it or leave it behind.
    Raised inside a task, it is retried once the relay has sent it (seconds, normally)."""


ERASED_SUBJECT = "(erased on request)"


@dataclass(frozen=True)
class MessagingTables:
    """A service's tables that every service has alike: what it sent, what failed, who looked."""

    outbox: type
    dead_letters: type
    audit: type


def placeholder_address(record_id: str | int) -> str:
    """What stands where an erased address stood: unique per record (the tables' keys need that)."""
    return f"erased-{record_id}@{ERASED_DOMAIN}"


def normalised(address: str) -> str:
    return address.strip().lower()


def address_digest(secret_key: str, address: str) -> str:
    """A keyed digest of an address: a request record keeps this instead of the address, so a repeat
    request is recognised without the network keeping who asked."""
    return hmac.new(secret_key.encode(), normalised(address).encode(), hashlib.sha256).hexdigest()


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def mentions(column, address: str):
    """A condition: the JSON column holds the address as a whole value (any case), so erasing
    an@example.org leaves jan@example.org's messages alone."""
    return cast(column, Text).ilike(_like(f'"{normalised(address)}"'), escape="\\")


def names_address(text: str, address: str) -> bool:
    """Whether free text (an error, a search, bytes read as text) holds the address as a whole."""
    return (
        re.search(rf"(?<![\w.+-]){re.escape(normalised(address))}(?![\w-])(?!\.\w)", text.lower()) is not None
    )


def _in_network(model, network_id: str):
    return or_(model.network_id == network_id, model.network_id.is_(None))


def messages_mentioning(session: Session, outbox, address: str, network_id: str) -> list:
    """Outbox rows of the network whose message names the address, sent or not."""
    found = select(outbox).where(_in_network(outbox, network_id), mentions(outbox.message, address))
    return list(session.scalars(found))


def scrub_messaging(
    session: Session,
    tables: MessagingTables,
    address: str,
    network_id: str,
    now: datetime,
    names: tuple[str, ...] = (),
) -> dict[str, int]:
    """Empty every sent outbox message and every dead letter that names `address`, and the search
    words of audit entries that name the address or one of the person's `names` (the entry itself,
    who looked and when, stays: that is what the trail is for).

    An unsent message that names it stops the erasure (OutboxNotDrained): marking it sent would keep
    it from the others it is for, sending it after the erasure would spread what was just erased."""
    rows = messages_mentioning(session, tables.outbox, address, network_id)
    if any(row.sent_at is None for row in rows):
        raise OutboxNotDrained("an unsent event names this address; erasure waits for the relay")
    for row in rows:
        row.message = {"id": row.event_id, "type": row.type, "erased": True}
    letters = [
        letter
        for letter in session.scalars(select(tables.dead_letters))
        if _letter_network(letter) in (network_id, None) and _letter_names(letter, address)
    ]
    for letter in letters:  # left for the operator to see, and to delete: there is nothing to replay
        letter.args, letter.kwargs, letter.raw, letter.error = [], {}, None, ERASED_ERROR
    searches = scrub_audit(session, tables.audit, network_id, address, names)
    return {"outbox messages": len(rows), "dead letters": len(letters), "audit searches": searches}


def scrub_audit(session: Session, audit, network_id: str, address: str, names: tuple[str, ...] = ()) -> int:
    """Replace the search words of audit entries that name the person; returns how many."""
    # A search may hold part of a name ("zwaantje"): each whole word of four letters or more counts
    # ("van", "de" do not); a stranger's search that shares such a word loses its words too.
    words = sorted({w for name in names for w in re.findall(r"\w+", name.lower()) if len(w) >= 4})
    conditions = [audit.subject.ilike(_like(n), escape="\\") for n in (normalised(address), *words)]
    found = session.scalars(select(audit).where(audit.network_id == network_id, or_(*conditions)))
    entries = [
        entry
        for entry in found
        if names_address(entry.subject, address)
        or any(re.search(rf"\b{w}\b", entry.subject.lower()) for w in words)
    ]
    for entry in entries:
        entry.subject = ERASED_SUBJECT
    return len(entries)


def _letter_network(letter) -> str | None:
    """The network of the event or command a dead letter carried, where it says; None otherwise."""
    first = letter.args[0] if letter.args else None
    return first.get("network_id") if isinstance(first, dict) else None


def _letter_names(letter, address: str) -> bool:
    # Dead letters are few and their raw bytes are no text a database can search alike everywhere.
    text = json.dumps([letter.args, letter.kwargs], default=str)
    raw = bytes(letter.raw).decode("latin-1") if letter.raw is not None else ""
    return mentions_in_json(text, address) or names_address(letter.error + " " + raw, address)


def mentions_in_json(text: str, address: str) -> bool:
    return f'"{normalised(address)}"' in text.lower()
