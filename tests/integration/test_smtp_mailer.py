"""The mailer against a real SMTP server, with PIPELINING offered (as production relays do) and
without: every message arrives once, and a refused recipient fails alone on a connection that
goes on working."""

import dataclasses

import pytest

from deploy.local.harness import free_port
from deploy.local.mailsink import MailStore, SmtpSink
from services.notifications.mailer import PermanentRejection, SmtpMailer
from services.notifications.mime import compose
from shared.config import load_settings

pytestmark = pytest.mark.integration


@pytest.fixture(params=[True, False], ids=["pipelining", "one-command-at-a-time"])
def server(request):
    store = MailStore()
    sink = SmtpSink(store, port=free_port(), reject={"weg@example.org"}, pipelining=request.param)
    sink.start()
    yield sink, store
    sink.stop()


def message(recipient: str, subject: str):
    return compose(
        sender="Knoop <noreply@knoop.local>",
        recipient=recipient,
        recipient_name="",
        subject=subject,
        text="Hallo\n.begint met een punt\n",
        html="<p>Hallo</p>",
        headers={"Message-ID": f"<{subject}@knoop.local>"},
    )


def test_messages_arrive_whole_and_a_refused_recipient_fails_alone(server):
    sink, store = server
    settings = dataclasses.replace(load_settings("notifications"), smtp_host="127.0.0.1", smtp_port=sink.port)
    mailer = SmtpMailer(settings)
    mailer.send(message("sanne@example.org", "een"))
    with pytest.raises(PermanentRejection) as refused:
        mailer.send(message("weg@example.org", "twee"))
    mailer.send(message("joop@example.org", "drie"))
    mailer.close()

    assert refused.value.code == 550
    received = [mail.summary() for mail in store.all()]
    assert [(m["to"], m["subject"]) for m in received] == [
        (["sanne@example.org"], "een"),
        (["joop@example.org"], "drie"),
    ]
    assert received[0]["text"] == "Hallo\n.begint met een punt\n"  # the dot-stuffed line came back whole
