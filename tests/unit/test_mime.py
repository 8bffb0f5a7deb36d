"""The bytes a message travels as: what a mail client reads back from them."""

from email import message_from_bytes, message_from_string, policy

import pytest

from services.notifications.mime import Attachment, InlineImage, compose

CALENDAR = Attachment(
    b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text", "calendar", "uitnodiging.ics", {"method": "PUBLISH"}
)


def read(outgoing):
    return message_from_bytes(outgoing.data, policy=policy.default)


def compose_for(recipient="sanne@example.org", name="Sanne de Vries", **extra):
    return compose(
        sender="Knoop <noreply@knoop.local>",
        recipient=recipient,
        recipient_name=name,
        subject=extra.pop("subject", "Uitnodiging: Vrijwilligersdag"),
        text=extra.pop("text", "Beste Sanne,\n\nTot ziens!\n"),
        html=extra.pop("html", "<p>Beste Sanne,</p>"),
        headers={"Message-ID": "<abc@knoop.local>", "Content-Language": "nl"},
        **extra,
    )


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
    assert message.get_body(("plain",)).get_content() == "Beste Sanne,\n\nTot ziens!\n"
    assert message.get_body(("html",)).get_content() == "<p>Beste Sanne,</p>"
    assert (
        outgoing.data.isascii()
        and b"\r\n" in outgoing.data
        and b"\n" not in outgoing.data.replace(b"\r\n", b"")
    )


def test_non_ascii_subject_name_and_body_survive_as_encoded_words_and_base64():
    subject = "Uitnodiging: Café de Ruïne " + "lange titel " * 10
    message = read(compose_for(name="Anneké, van 't Hof", subject=subject, text="Één café\n.punt\n"))
    assert str(message["Subject"]) == subject.strip()
    assert message["To"].addresses[0].display_name == "Anneké, van 't Hof"
    assert message.get_body(("plain",)).get_content() == "Één café\n.punt\n"


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
    image = next(p for p in related.walk() if p.get_content_type() == "image/png")
    assert image["Content-ID"] == "<pass-qr@knoop>" and image.get_content() == png
    assert message.get_body(("html",)).get_content() == "<p>Beste Sanne,</p>"
    assert sum(1 for p in message.walk() if p["MIME-Version"]) == 1


def test_a_line_break_in_a_header_value_is_refused_not_injected():
    with pytest.raises(ValueError):
        compose(
            sender="noreply@knoop.local",
            recipient="sanne@example.org",
            recipient_name="",
            subject="Hallo",
            text="t",
            html="h",
            headers={"List-Unsubscribe": "<http://x>\r\nBcc: everyone@example.org"},
        )
