"""The bytes a message travels as: what a mail client reads back from them."""

import re
from email import message_from_bytes, message_from_string, policy

import pytest

from services.notifications.mime import Attachment, InlineImage, compose

CALENDAR = Attachment(
    b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text", "calendar", "uitnodiging.ics", {"method": "PUBLISH"}
)
ENCODED_WORD = re.compile(r"=\?[^?]+\?[bqBQ]\?[^?]*\?=")


def read(outgoing):
    return message_from_bytes(outgoing.data, policy=policy.default)


def compose_for(recipient="sanne@example.org", name="Sanne de Vries", **extra):
    return compose(
        sender=extra.pop("sender", "Knoop <noreply@knoop.local>"),
        recipient=recipient,
        recipient_name=name,
        subject=extra.pop("subject", "Uitnodiging: Vrijwilligersdag"),
        text=extra.pop("text", "Beste Sanne,\n\nTot ziens!\n"),
        html=extra.pop("html", "<p>Beste Sanne,</p>"),
        message_id="<abc@knoop.local>",
        date="Mon, 23 Nov 2026 16:30:03 +0000",
        headers={"Content-Language": "nl"},
        **extra,
    )


def header_lines(outgoing) -> list[str]:
    head = outgoing.data.split(b"\r\n\r\n", 1)[0].decode()
    return head.split("\r\n")


def test_a_plain_message_reads_back_as_text_and_html_alternatives():
    outgoing = compose_for()
    message = read(outgoing)
    assert (outgoing.sender, outgoing.recipients, outgoing.smtputf8) == (
        "noreply@knoop.local",
        ["sanne@example.org"],
        False,
    )
    assert message.get_content_type() == "multipart/alternative"
    assert message["To"] == "Sanne de Vries <sanne@example.org>"
    assert message["Message-ID"] == "<abc@knoop.local>" and message["Content-Language"] == "nl"
    assert message["Date"].datetime.year == 2026
    assert message.get_body(("plain",)).get_content() == "Beste Sanne,\n\nTot ziens!\n"
    assert message.get_body(("html",)).get_content() == "<p>Beste Sanne,</p>"
    lines = outgoing.data.split(b"\r\n")
    assert outgoing.data.isascii() and len(lines) > 10 and not any(b"\n" in line for line in lines)


def test_non_ascii_subject_name_and_body_survive_as_encoded_words_and_base64():
    subject = "Uitnodiging: Café de Ruïne " + "lange titel " * 10
    message = read(compose_for(name="Anneké, van 't Hof", subject=subject, text="Één café\n.punt\n"))
    assert str(message["Subject"]) == subject.strip()
    assert message["To"].addresses[0].display_name == "Anneké, van 't Hof"
    assert message.get_body(("plain",)).get_content() == "Één café\n.punt\n"


def test_long_headers_are_folded_and_encoded_words_stay_short():
    long_name = "Anneké " * 30
    ascii_subject = "Nieuwe reactie op " + "een heel lange vacaturetitel " * 12
    outgoing = compose_for(name=long_name, subject=ascii_subject)
    assert all(len(line) <= 78 for line in header_lines(outgoing))
    assert all(len(word) <= 75 for word in ENCODED_WORD.findall(outgoing.data.decode()))
    message = read(outgoing)
    assert str(message["Subject"]) == ascii_subject.strip()
    # Python's reader puts a space between adjacent encoded words in a name (also in what its own
    # EmailMessage writes); RFC 2047 §6.2 joins them, as mail clients do.
    assert message["To"].addresses[0].display_name.replace(" ", "") == long_name.replace(" ", "")


def test_ascii_that_looks_like_an_encoded_word_is_shown_as_typed():
    message = read(compose_for(subject="=?utf-8?q?Betaal_nu?="))
    assert str(message["Subject"]) == "=?utf-8?q?Betaal_nu?="


def test_an_accented_sender_name_does_not_need_smtputf8():
    outgoing = compose_for(sender="Knoop · Enkhuizen <noreply@knoop.local>")
    assert not outgoing.smtputf8 and outgoing.data.isascii()
    assert read(outgoing)["From"].addresses[0].display_name == "Knoop · Enkhuizen"


def test_an_international_address_travels_as_utf8_and_asks_for_smtputf8():
    outgoing = compose_for(recipient="anné@exämple.org", name="Anné")
    assert outgoing.smtputf8 and outgoing.recipients == ["anné@exämple.org"]
    assert "anné@exämple.org".encode() in outgoing.data
    # A receiving SMTPUTF8 server reads the header as UTF-8 text.
    message = message_from_string(outgoing.data.decode(), policy=policy.SMTPUTF8)
    assert message["To"].addresses[0].addr_spec == "anné@exämple.org"
    assert message["To"].addresses[0].display_name == "Anné"


def test_calendar_attachment_and_inline_image_sit_where_mail_clients_look():
    png = b"\x89PNG\r\n\x1a\nfake"
    message = read(compose_for(attachments=(CALENDAR,), inline=InlineImage(png, "png", "pass-qr@knoop")))
    assert message.get_content_type() == "multipart/mixed"
    [attachment] = message.iter_attachments()
    assert attachment.get_filename() == "uitnodiging.ics"
    assert attachment.get_content_type() == "text/calendar" and attachment.get_param("method") == "PUBLISH"
    assert "BEGIN:VCALENDAR" in attachment.get_content()
    related = message.get_body(("related",))
    assert related.get_param("type") == "text/html"
    image = next(p for p in related.walk() if p.get_content_type() == "image/png")
    assert image["Content-ID"] == "<pass-qr@knoop>" and image.get_content() == png
    assert message.get_body(("html",)).get_content() == "<p>Beste Sanne,</p>"
    assert sum(1 for p in message.walk() if p["MIME-Version"]) == 1


@pytest.mark.parametrize(
    "field",
    [
        {"headers": {"List-Unsubscribe": "<http://x>\r\nBcc: everyone@example.org"}},
        {"recipient": "sanne@example.org>\r\nBcc: everyone@example.org"},
    ],
)
def test_a_line_break_in_a_header_value_or_address_is_refused_not_injected(field):
    arguments = {
        "sender": "noreply@knoop.local",
        "recipient": "sanne@example.org",
        "recipient_name": "",
        "subject": "Hallo",
        "text": "t",
        "html": "h",
        "message_id": "<a@b>",
        "date": "Mon, 23 Nov 2026 16:30:03 +0000",
        **field,
    }
    with pytest.raises(ValueError):
        compose(**arguments)
