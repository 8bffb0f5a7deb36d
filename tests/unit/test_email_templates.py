"""Every message renders for the sample of its event's contract, in Dutch and in English."""

import uuid
from email import message_from_bytes, policy

import pytest

from services.notifications import PACKAGE_DIR
from services.notifications.domain import kind_of
from services.notifications.handlers import EVENT_HANDLERS, event_handlers
from services.notifications.rendering import EmailRenderer
from services.notifications.samples import SAMPLES
from shared import contracts
from shared.contracts.subscriptions import SUBSCRIPTIONS
from shared.i18n import Catalogue
from shared.messaging.inbox import Event

RENDERER = EmailRenderer(Catalogue(PACKAGE_DIR / "translations"))


class Recorder:
    """Stands in for a session: keeps the delivery rows a handler adds."""

    def __init__(self):
        self.added = []
        self.info = {}  # handlers that answer by event stage it here

    def flush(self):
        pass

    def add(self, row):
        self.added.append(row)

    def get(self, *_):
        return None

    def scalars(self, *_):
        return []


def deliveries_for(event_type: str) -> list:
    data = contracts.schema_for(event_type).load(SAMPLES[event_type])
    event = Event(str(uuid.uuid4()), event_type, "recruitment", None, "n1", data)
    recorder = Recorder()
    for handler in EVENT_HANDLERS.get(event_type, ()):
        handler(recorder, event)
    rows = [row for row in recorder.added if hasattr(row, "template")]
    for row in rows:  # what DeliveryService adds to non-essential messages when it sends them
        if kind_of(row.template):
            row.context = {**row.context, "preferences_url": "http://localhost:8000/berichten/afmelden/t"}
    return rows


MESSAGE_EVENTS = sorted(
    t for t, subscribers in SUBSCRIPTIONS.items() if "notifications" in subscribers and deliveries_for(t)
)


@pytest.mark.parametrize("event_type", MESSAGE_EVENTS)
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_message_renders_for_its_contract_sample(event_type, lang):
    for delivery in deliveries_for(event_type):
        subject, text, html = RENDERER.render(delivery.template, lang, delivery.context)
        assert subject and text.strip() and "<html" in html
        assert "%(" not in subject + text + html, "a placeholder was left unfilled"


@pytest.mark.parametrize("event_type", MESSAGE_EVENTS)
def test_dutch_and_english_messages_differ(event_type):
    for delivery in deliveries_for(event_type):
        assert (
            RENDERER.render(delivery.template, "nl", delivery.context)[0]
            != RENDERER.render(delivery.template, "en", delivery.context)[0]
        )


def test_every_event_notifications_subscribes_to_has_a_handler():
    subscribed = {t for t, s in SUBSCRIPTIONS.items() if "notifications" in s}
    assert subscribed <= set(event_handlers("a secret key"))


def test_every_template_directory_is_used_by_a_handler():
    used = {d.template for t in MESSAGE_EVENTS for d in deliveries_for(t)}
    assert set(RENDERER.templates()) == used


def test_alert_messages_carry_one_click_unsubscribe_headers():
    [delivery] = deliveries_for("recruitment.alert_due.v1")
    message = RENDERER.build(
        template=delivery.template,
        lang="nl",
        context=delivery.context,
        sender="Knoop <noreply@knoop.local>",
        recipient=delivery.recipient,
        recipient_name="",
        msg_id="<x@knoop.local>",
    )
    message = message_from_bytes(message.data, policy=policy.default)
    assert message["List-Unsubscribe"].startswith("<http")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize(("lang", "filename"), [("nl", "uitnodiging.ics"), ("en", "invitation.ics")])
def test_an_invitation_carries_its_calendar_entry_named_in_the_readers_language(lang, filename):
    [delivery] = deliveries_for("appreciation.invitations_sent.v1")
    outgoing = RENDERER.build(
        template=delivery.template,
        lang=lang,
        context=delivery.context,
        sender="Knoop <noreply@knoop.local>",
        recipient=delivery.recipient,
        recipient_name="Joop",
        msg_id="<x@knoop.local>",
    )
    [attachment] = message_from_bytes(outgoing.data, policy=policy.default).iter_attachments()
    assert attachment.get_filename() == filename
    assert "BEGIN:VEVENT" in attachment.get_content()
