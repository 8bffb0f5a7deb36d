"""The mailer against a real SMTP server, with PIPELINING offered (as production relays do) and
without: every message arrives once, and a refused message fails alone on a connection that goes
on working."""

import dataclasses
import time

import pytest

from deploy.local.harness import free_port
from deploy.local.mailsink import MailStore, SmtpSink
from services.notifications.config import load_settings
from services.notifications.mailer import PermanentRejection, SmtpMailer, TemporaryFailure
from services.notifications.mime import Outgoing, compose

pytestmark = pytest.mark.integration


def start_sink(**options) -> tuple[SmtpSink, MailStore]:
    store = MailStore()
    sink = SmtpSink(store, port=free_port(), reject={"weg@example.org"}, **options)
    sink.start()
    return sink, store


@pytest.fixture(params=[True, False], ids=["pipelining", "one-command-at-a-time"])
def server(request):
    sink, store = start_sink(pipelining=request.param)
    yield sink, store
    sink.stop()


def mailer_for(sink: SmtpSink) -> SmtpMailer:
    settings = load_settings()
    return SmtpMailer(dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=sink.port))


def message(recipient: str, subject: str) -> Outgoing:
    return compose(
        sender="Knoop <noreply@knoop.local>",
        recipient=recipient,
        recipient_name="",
        subject=subject,
        text="Hallo\n",
        html="<p>Hallo</p>",
        message_id=f"<{subject}@knoop.local>",
        date="Mon, 23 Nov 2026 16:30:03 +0000",
    )


def test_a_refused_recipient_fails_alone_and_the_connection_goes_on(server):
    sink, store = server
    mailer = mailer_for(sink)
    mailer.send(message("sanne@example.org", "een"))
    with pytest.raises(PermanentRejection) as refused:
        mailer.send(message("weg@example.org", "twee"))
    mailer.send(message("joop@example.org", "drie"))
    mailer.close()

    assert refused.value.code == 550
    assert [(m.recipients, m.message["Subject"]) for m in store.all()] == [
        (["sanne@example.org"], "een"),
        (["joop@example.org"], "drie"),
    ]


def test_a_line_starting_with_a_dot_arrives_whole(server):
    sink, store = server
    raw = b"Subject: punt\r\nMessage-ID: <punt@knoop.local>\r\n\r\n.begint met een punt\r\n..twee\r\n.\r\n"
    mailer = mailer_for(sink)
    mailer.send(Outgoing("noreply@knoop.local", ["sanne@example.org"], raw, smtputf8=False))
    mailer.close()

    [mail] = store.all()
    assert mail.raw.replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")


def test_an_international_address_fails_with_the_reason_where_the_server_cannot_take_it():
    sink, store = start_sink(smtputf8=False)
    try:
        mailer = mailer_for(sink)
        with pytest.raises(PermanentRejection) as refused:
            mailer.send(message("anné@exämple.org", "een"))
        mailer.send(message("sanne@example.org", "twee"))
        mailer.close()
    finally:
        sink.stop()

    assert refused.value.code == 553 and "non-ASCII" in str(refused.value)
    assert [m.recipients for m in store.all()] == [["sanne@example.org"]]


def test_a_message_that_cannot_be_answered_within_its_lease_is_abandoned_not_sent(server):
    """Past the hand-over moment the DATA is never ended: the server discards the message, and
    the delivery is postponed rather than sent while the sweep may give it to another worker."""
    sink, store = server
    mailer = mailer_for(sink)
    with pytest.raises(TemporaryFailure, match="lease"):
        mailer.send(message("sanne@example.org", "te laat"), hand_over_by=time.monotonic() + 1)
    mailer.send(message("sanne@example.org", "op tijd"), hand_over_by=time.monotonic() + 60)
    mailer.close()

    assert [m.message["Subject"] for m in store.all()] == ["op tijd"]


def test_a_message_whose_reply_still_fits_in_its_lease_goes_out(server):
    sink, store = server
    mailer = mailer_for(sink)  # 10 s SMTP timeout: room for the reply, not for the body send too
    mailer.send(message("sanne@example.org", "krap"), hand_over_by=time.monotonic() + 15)
    mailer.close()

    assert [m.message["Subject"] for m in store.all()] == ["krap"]
