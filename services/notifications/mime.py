"""Turning a rendered message into the bytes SMTP carries (RFC 5322 + MIME).

Built with the `email.mime` classes and written with the compat32 generator on purpose: the modern
`EmailMessage` API parses every header it is given and re-folds them all on output, which made
building a message 3 ms of the ~4 ms an invitation costs to send. The structure is fixed and small,
so we set what the modern API would work out:

    multipart/mixed                     (only when there is an attachment)
      multipart/alternative
        text/plain
        text/html  or  multipart/related (text/html + inline image)
      attachment(s)

Bodies are UTF-8 in base64 (7-bit clean, so any relay takes them). Headers are ASCII, with RFC 2047
encoded words for non-ASCII text; only an internationalised address (RFC 6531, SMTPUTF8) is
written as raw UTF-8, and then the message must travel with SMTPUTF8.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.charset import BASE64, Charset
from email.encoders import encode_base64
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import compat32
from email.utils import formataddr, parseaddr

# SMTP lines end in CRLF (RFC 5321 §2.3.8). No refolding: compat32 would move a long URL (the
# List-Unsubscribe link) onto a continuation line, and readers then see a leading space. Non-ASCII
# text arrives folded already (encoded words), the rest is far below the 998-octet line limit.
SMTP_LINES = compat32.clone(linesep="\r\n", max_line_length=None)
UTF8 = Charset("utf-8")
UTF8.body_encoding = BASE64


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
    headers: dict[str, str],
    attachments: tuple[Attachment, ...] = (),
    inline: InlineImage | None = None,
) -> Outgoing:
    """The message `recipient` gets; `headers` are extra ASCII headers (Message-ID, Date, …)."""
    html_part = _text(html, "html")
    if inline is not None:
        related = MIMEMultipart("related")
        related.attach(html_part)
        image = MIMEImage(inline.data, inline.subtype)
        image["Content-ID"] = f"<{inline.cid}>"
        image.add_header("Content-Disposition", "inline")
        related.attach(image)
        html_part = related
    root = MIMEMultipart("alternative", _subparts=[_text(text, "plain"), html_part])
    if attachments:
        root = MIMEMultipart("mixed", _subparts=[root, *map(_attachment, attachments)])
    sender_address = parseaddr(sender)[1]
    smtputf8 = not (sender.isascii() and recipient.isascii())
    for part in root.walk():
        if part is not root:
            del part["MIME-Version"]  # the classes give every part one; it belongs at the top only
    # The root's own MIME headers go last: the conventional order puts addressing first.
    mime_headers = root.items()
    for name, _ in mime_headers:
        del root[name]
    root["From"] = _mailbox(*reversed(parseaddr(sender)))
    root["To"] = _mailbox(recipient, recipient_name)
    root["Subject"] = _unstructured(subject, "Subject")
    for name, value in headers.items():
        root[name] = value
    for name, value in mime_headers:
        root[name] = value
    return Outgoing(sender_address, [recipient], root.as_bytes(policy=SMTP_LINES), smtputf8)


def _text(body: str, subtype: str) -> MIMENonMultipart:
    part = MIMENonMultipart("text", subtype)
    part.set_payload(body, UTF8)
    return part


def _attachment(attachment: Attachment) -> MIMEBase:
    part = MIMEBase(attachment.maintype, attachment.subtype, **attachment.params)
    if attachment.maintype == "text":
        part.set_payload(attachment.data.decode(), UTF8)
    else:
        part.set_payload(attachment.data)
        encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
    return part


def _unstructured(value: str, name: str) -> str:
    """ASCII as it is; anything else as RFC 2047 encoded words (folded as the RFC asks)."""
    return value if value.isascii() else Header(value, "utf-8", header_name=name).encode()


def _mailbox(address: str, name: str) -> str:
    if address.isascii():
        return formataddr((name, address), charset="utf-8")
    # RFC 6531: the address travels as UTF-8. The generator writes text carrying surrogate
    # escapes as the original bytes, untouched; the name stays an encoded word.
    raw = address.encode().decode("ascii", "surrogateescape")
    if not name:
        return raw
    # The display name quoted and encoded as for any address; only the address part differs.
    display = formataddr((name, "x@x"), charset="utf-8").removesuffix(" <x@x>")
    return f"{display} <{raw}>"
