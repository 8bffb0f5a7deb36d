"""Turning a rendered message into the bytes SMTP carries (RFC 5322 + MIME, RFC 2045 to 2047).

Our messages always have the same small shape, so we write it directly:

    multipart/mixed                     (only when there is an attachment)
      multipart/alternative
        text/plain
        text/html  or  multipart/related (text/html + inline image)
      attachment(s)

The standard library's `EmailMessage` parses every header it is given and re-folds all of them on
output, and its generator compiles a regular expression per boundary: building a message there cost
more than rendering, sending and recording it together. Every part is base64 (7-bit clean, so any
relay takes it, and no line-length or dot rules to mind inside a body). Headers are ASCII with
RFC 2047 encoded words for non-ASCII text; only an internationalised address (RFC 6531) is written
as raw UTF-8, and that message must travel with SMTPUTF8.
"""

from __future__ import annotations

import base64
import functools
import secrets
from dataclasses import dataclass, field
from email.header import Header
from email.utils import formataddr, parseaddr

CRLF = "\r\n"


@dataclass(frozen=True)
class Attachment:
    data: bytes
    maintype: str
    subtype: str
    filename: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class InlineImage:
    """An image the HTML shows as `cid:<cid>` (remote images and data: URIs are often blocked)."""

    data: bytes
    subtype: str
    cid: str


@dataclass(frozen=True)
class Outgoing:
    """One message ready for SMTP: the envelope and the bytes."""

    sender: str
    recipients: list[str]
    data: bytes  # CRLF line ends
    smtputf8: bool


def compose(
    *,
    sender: str,
    recipient: str,
    recipient_name: str,
    subject: str,
    text: str,
    html: str,
    message_id: str,
    date: str,
    headers: dict[str, str] | None = None,
    attachments: tuple[Attachment, ...] = (),
    inline: InlineImage | None = None,
) -> Outgoing:
    """The message `recipient` gets; `headers` are extra one-line ASCII headers (List-Unsubscribe,
    …); Message-ID and Date every message must have (RFC 5322 §3.6)."""
    html_part = _text("html", html)
    if inline is not None:
        image = _part(
            f"image/{inline.subtype}",
            inline.data,
            f"Content-ID: <{_plain(inline.cid)}>",
            "Content-Disposition: inline",
        )
        html_part = _multipart("related", [html_part, image], '; type="text/html"')  # RFC 2387 §3.1
    root = _multipart("alternative", [_text("plain", text), html_part])
    if attachments:
        root = _multipart("mixed", [root, *map(_attachment, attachments)])
    sender_name, sender_address = _parsed(sender)
    top = [
        f"From: {_mailbox(sender_address, sender_name)}",
        f"To: {_mailbox(recipient, recipient_name)}",
        f"Subject: {_unstructured(subject, 'Subject')}",
        f"Message-ID: {_plain(message_id)}",
        f"Date: {_plain(date)}",
        *(f"{name}: {_plain(value)}" for name, value in (headers or {}).items()),
        "MIME-Version: 1.0",
    ]
    data = (CRLF.join(top) + CRLF).encode("utf-8") + root
    # Only the addresses decide: a non-ASCII display name is an encoded word, plain ASCII.
    smtputf8 = not (sender_address.isascii() and recipient.isascii())
    return Outgoing(sender_address, [recipient], data, smtputf8)


@functools.lru_cache(maxsize=16)
def _parsed(sender: str) -> tuple[str, str]:
    # The sender is the same for every message, and parsing an address is slow.
    return parseaddr(sender)


def _part(content_type: str, body: bytes, *headers: str) -> bytes:
    """One leaf part: its headers, a blank line, the body in base64 lines of 76 characters."""
    head = [f"Content-Type: {content_type}", "Content-Transfer-Encoding: base64", *headers, "", ""]
    return CRLF.join(head).encode() + base64.encodebytes(body).replace(b"\n", b"\r\n")


def _text(subtype: str, body: str) -> bytes:
    return _part(f'text/{subtype}; charset="utf-8"', body.encode())


def _attachment(attachment: Attachment) -> bytes:
    params = "".join(f"; {name}={_quoted(value)}" for name, value in attachment.params.items())
    charset = '; charset="utf-8"' if attachment.maintype == "text" else ""
    return _part(
        f"{attachment.maintype}/{attachment.subtype}{charset}{params}",
        attachment.data,
        f"Content-Disposition: attachment; filename={_quoted(attachment.filename)}",
    )


def _multipart(subtype: str, parts: list[bytes], params: str = "") -> bytes:
    # 128 random bits, and "=_" cannot occur in base64 bodies: the boundary never meets the content.
    boundary = f"=_knoop_{secrets.token_hex(16)}".encode()
    body = b"".join(b"--" + boundary + b"\r\n" + part + b"\r\n" for part in parts)
    head = f'Content-Type: multipart/{subtype};\r\n boundary="{boundary.decode()}"{params}\r\n\r\n'.encode()
    return head + body + b"--" + boundary + b"--\r\n"


def _plain(value: str) -> str:
    """A header value we write as it is: printable ASCII on one line (a line break would inject
    headers)."""
    if not (value.isascii() and value.isprintable()):
        raise ValueError(f"not a one-line ASCII header value: {value!r}")
    return value


def _quoted(value: str) -> str:
    escaped = _plain(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _folded(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\n", CRLF)


def _unstructured(value: str, name: str) -> str:
    """Text for a header, folded at 78 characters where it has spaces; non-ASCII text (and ASCII
    that would read as an encoded word) as RFC 2047 encoded words of at most 75 characters."""
    value = " ".join(value.split())  # one line, whatever the template produced
    if value.isascii() and "=?" not in value and len(name) + len(value) < 76:
        return value
    charset = "us-ascii" if value.isascii() and "=?" not in value else "utf-8"
    return _folded(Header(value, charset, header_name=name).encode(maxlinelen=76))


def _mailbox(address: str, name: str) -> str:
    """`Name <address>`: the name quoted if it needs to be, as encoded words if not ASCII. An
    internationalised address (RFC 6531) is written as it is, in UTF-8."""
    if "\r" in address or "\n" in address or "<" in address or ">" in address:
        raise ValueError(f"not an address: {address!r}")
    name = " ".join(name.split())
    if not name:
        return address
    if name.isascii() and "=?" not in name:
        display = formataddr((name, "x@x")).removesuffix(" <x@x>")  # quoted where RFC 5322 asks
    else:
        display = _folded(Header(name, "utf-8", header_name="To").encode(maxlinelen=76))
    return f"{display} <{address}>"
