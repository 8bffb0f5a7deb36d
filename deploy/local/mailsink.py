"""A local SMTP sink (aiosmtpd) that keeps every accepted message and shows them in a browser.

    python -m deploy.local.mailsink --smtp-port 1025 --http-port 8025

It speaks real SMTP, so the services send to it exactly as they would to a mail relay.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from flask import Flask, abort, jsonify, render_template_string
from werkzeug.serving import make_server


@dataclass
class ReceivedMail:
    number: int
    sender: str
    recipients: list[str]
    raw: bytes
    received_at: float = field(default_factory=time.time)

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)

    def summary(self) -> dict:
        msg = self.message
        text = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        return {
            "number": self.number,
            "from": self.sender,
            "to": self.recipients,
            "subject": msg["Subject"],
            "message_id": msg["Message-ID"],
            "language": msg["Content-Language"],
            "received_at": self.received_at,
            "text": text.get_content() if text else "",
            "html": html.get_content() if html else "",
        }


class MailStore:
    """Thread-safe list of accepted messages."""

    def __init__(self):
        self._lock = threading.Lock()
        self._mails: list[ReceivedMail] = []

    def add(self, sender: str, recipients: list[str], raw: bytes) -> None:
        with self._lock:
            self._mails.append(ReceivedMail(len(self._mails) + 1, sender, recipients, raw))

    def all(self) -> list[ReceivedMail]:
        with self._lock:
            return list(self._mails)

    def clear(self) -> None:
        with self._lock:
            self._mails.clear()


class _Handler:
    def __init__(
        self,
        store: MailStore,
        reject: set[str],
        pipelining: bool = True,
        slow: dict | None = None,
        deferred: dict | None = None,
    ):
        self.store = store
        self.reject = reject
        self.pipelining = pipelining
        self.slow = slow if slow is not None else {}  # recipient -> seconds each reply is held
        self.deferred = deferred if deferred is not None else {}  # recipient -> 450s still to give

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # aiosmtpd reads commands one line after another, so pipelined commands (RFC 2920) work; it
        # just does not say so. Production relays (Postfix, Exim) offer PIPELINING, so the sink does.
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # Lets tests (and people trying the delivery log) see a permanent rejection.
        if address.lower() in self.reject:
            return "550 5.1.1 Mailbox does not exist"
        if self.deferred.get(address.lower(), 0) > 0:  # a temporary refusal, this many times
            self.deferred[address.lower()] -= 1
            return "450 4.2.1 Mailbox busy, try again later"
        await self._dawdle([address])
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # Called only once the final "." has arrived: a dropped connection stores nothing.
        self.store.add(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
        await self._dawdle(envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    async def _dawdle(self, recipients: list[str]) -> None:
        """A slow server, for tests: hold the reply for a recipient marked slow."""
        delay = max((self.slow.get(r.lower(), 0) for r in recipients), default=0)
        if delay:
            await asyncio.sleep(delay)


logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every connection at INFO


class SmtpSink:
    """The SMTP side; start() and stop() may be called repeatedly (tests stop it mid-run)."""

    def __init__(
        self,
        store: MailStore,
        host: str = "127.0.0.1",
        port: int = 1025,
        reject: set[str] | None = None,
        pipelining: bool = True,
        smtputf8: bool = True,
        slow: dict | None = None,
        deferred: dict | None = None,
    ):
        self.store, self.host, self.port = store, host, port
        self.reject = reject if reject is not None else set()
        self.slow = slow if slow is not None else {}
        self.deferred = deferred if deferred is not None else {}
        self.pipelining, self.smtputf8 = pipelining, smtputf8
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(
            _Handler(self.store, self.reject, self.pipelining, self.slow, self.deferred),
            hostname=self.host,
            port=self.port,
            data_size_limit=10 * 1024 * 1024,
            enable_SMTPUTF8=self.smtputf8,
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


INBOX_PAGE = """<!doctype html><html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Knoop - mail inbox</title>
<style>body{font:15px system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem}
td,th{padding:.3rem .6rem;text-align:left;border-bottom:1px solid #ddd}</style></head><body>
<h1>Mail inbox (SMTP sink)</h1><p>{{ mails|length }} message(s). Newest first.</p>
<table><tr><th>#</th><th>To</th><th>Subject</th></tr>
{% for m in mails %}<tr><td>{{ m.number }}</td><td>{{ m.to|join(", ") }}</td>
<td><a href="/messages/{{ m.number }}">{{ m.subject }}</a></td></tr>{% endfor %}</table></body></html>"""

MESSAGE_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{{ m.subject }}</title></head>
<body style="font:15px system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem">
<p><a href="/">← inbox</a></p><h1>{{ m.subject }}</h1>
<p>To: {{ m.to|join(", ") }} · Message-ID: {{ m.message_id }} · Language: {{ m.language }}</p>
<iframe sandbox srcdoc="{{ m.html }}" style="width:100%;height:60vh;border:1px solid #ccc"></iframe>
<h2>Plain text</h2><pre>{{ m.text }}</pre></body></html>"""


def inbox_app(store: MailStore) -> Flask:
    app = Flask(__name__, static_folder=None)

    @app.get("/")
    def inbox():
        mails = [m.summary() for m in reversed(store.all())]
        return render_template_string(INBOX_PAGE, mails=mails)

    @app.get("/messages/<int:number>")
    def message(number: int):
        mails = store.all()
        if not 1 <= number <= len(mails):
            abort(404)
        return render_template_string(MESSAGE_PAGE, m=mails[number - 1].summary())

    @app.get("/api/messages")
    def messages():
        return jsonify([m.summary() for m in store.all()])

    @app.delete("/api/messages")
    def clear():
        store.clear()
        return "", 204

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=8025)
    args = parser.parse_args()
    store = MailStore()
    sink = SmtpSink(store, args.host, args.smtp_port)
    sink.start()
    print(
        f"SMTP sink on {args.host}:{args.smtp_port}; inbox at http://{args.host}:{args.http_port}/",
        flush=True,
    )
    try:
        make_server(args.host, args.http_port, inbox_app(store), threaded=True).serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        sink.stop()


if __name__ == "__main__":
    main()
