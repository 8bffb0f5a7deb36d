"""SMTP delivery over one reused connection.

SMTP has no two-phase commit, so some window always remains between "the server accepted" and "we
recorded it". RFC 5321 (§6.1) settles which way to err: a duplicate is better than a lost message.
The caller records a delivery as sent only after the server's 250 reply; a crash before that record
resends the message, with the same Message-ID so the receiving side can recognise the repeat. The
window is one database commit after the reply, and at most the message in flight is repeated.
"""

from __future__ import annotations

import contextlib
import logging
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable

from services.notifications.config import NotificationSettings
from services.notifications.mime import Outgoing

log = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    """The mail server is unreachable or answered 4xx: retry later."""


class ServerUnavailable(TemporaryFailure):
    """The mail server could not be reached or the connection broke: no message will go now."""


class _TooLate(Exception):
    """The message can no longer be handed over within its lease."""


class PermanentRejection(Exception):
    """The mail server answered 5xx: retrying will not help."""

    def __init__(self, code: int, reply: str):
        super().__init__(f"{code} {reply}")
        self.code = code


# A moment (time.monotonic()) by which a message must be handed over, or a function telling it.
Deadline = float | Callable[[], float]

IDLE_CHECK_SECONDS = 5.0
_LEADING_DOT = re.compile(rb"(?m)^\.")


def _classify(code: int, reply: bytes | str) -> Exception:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    return PermanentRejection(code, text) if code >= 500 else TemporaryFailure(f"{code} {text}")


class SmtpMailer:
    """Sends messages over a connection kept open between messages (one per worker process)."""

    def __init__(self, settings: NotificationSettings):
        self.settings = settings
        self._conn: smtplib.SMTP | None = None
        self._last_used = 0.0
        self._next_slot = 0.0

    def _pace(self) -> None:
        """At most `smtp_rate` messages a second from this process (relays often cap senders)."""
        rate = self.settings.smtp_rate
        if rate <= 0:
            return
        now = time.monotonic()
        if self._next_slot > now:
            time.sleep(self._next_slot - now)
        self._next_slot = max(now, self._next_slot) + 1.0 / rate

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        cls = smtplib.SMTP_SSL if s.smtp_ssl else smtplib.SMTP
        conn = cls(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)
        # Commands and replies alternate in small packets; without TCP_NODELAY, Nagle's algorithm
        # holds a write back until the server's delayed ACK, a wait on every message.
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.ehlo()
        if s.smtp_starttls:
            conn.starttls(context=ssl.create_default_context())
            conn.ehlo()
        if s.smtp_user:
            conn.login(s.smtp_user, s.smtp_password)
        return conn

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._conn.quit()
            self._conn = None

    def _connection(self) -> smtplib.SMTP:
        if self._conn is not None and time.monotonic() - self._last_used > IDLE_CHECK_SECONDS:
            # Servers close idle connections; find out now rather than fail mid-message.
            try:
                self._conn.noop()
            except (smtplib.SMTPException, OSError):
                self._conn = None
        if self._conn is None:
            try:
                self._conn = self._open()
            except (smtplib.SMTPException, OSError) as exc:
                raise ServerUnavailable(f"cannot reach the mail server: {exc}") from exc
        return self._conn

    def send(self, message: Outgoing, hand_over_by: Deadline | None = None) -> None:
        """Transmit `message`; returns once the server accepted it (raises otherwise). With
        `hand_over_by` (a `time.monotonic()` moment, or a function that tells the moment as it
        moves, e.g. a lease being renewed), the message is handed over (its final ".") only if
        the server's reply can still arrive by then; otherwise the transaction is abandoned, the
        server discards it, and this raises TemporaryFailure."""
        self._pace()
        conn = self._connection()
        try:
            self._transmit(conn, message, hand_over_by)
            self._last_used = time.monotonic()
        except _TooLate as exc:
            self._drop()
            raise TemporaryFailure(str(exc)) from None
        except smtplib.SMTPResponseException as exc:
            self._reset_or_drop()
            raise _classify(exc.smtp_code, exc.smtp_error) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self._conn = None  # the connection is in an unknown state: never reuse it
            raise ServerUnavailable(f"connection to the mail server failed: {exc}") from exc

    def _drop(self) -> None:
        """Close without QUIT: a transaction left open in DATA is discarded by the server."""
        with contextlib.suppress(OSError):
            self._conn.close()
        self._conn = None

    def _reset_or_drop(self) -> None:
        try:
            self._conn.rset()
        except (smtplib.SMTPException, OSError):
            self._conn = None

    @staticmethod
    def _envelope(conn: smtplib.SMTP, commands: list[str], expected: list[tuple[int, ...]]) -> list:
        """Send MAIL, RCPT… and DATA; the replies, in order. With PIPELINING (RFC 2920), which any
        production relay offers, they go in one write and cost one round trip instead of one each;
        otherwise one at a time, stopping at the first refusal."""
        if conn.has_extn("pipelining"):
            conn.send("".join(f"{command}\r\n" for command in commands).encode(conn.command_encoding))
            return [conn.getreply() for _ in commands]
        replies = []
        for command, accepted in zip(commands, expected, strict=True):
            replies.append(conn.docmd(command))
            if replies[-1][0] not in accepted:
                break
        return replies

    def _transmit(self, conn: smtplib.SMTP, message: Outgoing, hand_over_by: Deadline | None) -> None:
        option = ""
        if message.smtputf8:
            if not conn.has_extn("smtputf8"):
                raise PermanentRejection(553, "the mail server does not accept non-ASCII addresses")
            option, conn.command_encoding = " SMTPUTF8", "utf-8"
        # Plain commands rather than smtplib's mail()/rcpt(), which parse each address again.
        commands = [
            f"MAIL FROM:{_path(message.sender)}{option}",
            *(f"RCPT TO:{_path(rcpt)}" for rcpt in message.recipients),
            "DATA",
        ]
        expected = [(250,), *((250, 251) for _ in message.recipients), (354,)]
        replies = self._envelope(conn, commands, expected)
        for (code, reply), accepted in zip(replies, expected, strict=False):
            if code not in accepted:
                if replies[-1][0] == 354 and len(replies) == len(commands):
                    # Pipelined and the server went into DATA anyway: end it empty (RFC 2920 §3.1).
                    # The refusal stands whatever happens to that; a broken connection is dropped.
                    with contextlib.suppress(smtplib.SMTPException, OSError):
                        conn.send(b".\r\n")
                        conn.getreply()
                raise smtplib.SMTPResponseException(code, reply)
        body = _LEADING_DOT.sub(b"..", message.data)
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        # The lease must still hold when the reply comes, or another worker may claim the delivery
        # and send it too. Sending the body and waiting for the reply take at most a timeout each:
        # with room for both, body and final dot go in one write; otherwise the dot goes only if
        # the reply still fits, and without it the server discards what it has received.
        wait = self.settings.smtp_timeout
        if hand_over_by is None or time.monotonic() + 2 * wait <= _moment(hand_over_by):
            conn.send(body + b".\r\n")
        else:
            conn.send(body)
            if time.monotonic() + wait > _moment(hand_over_by):
                raise _TooLate("the delivery's lease would run out before the server's reply")
            conn.send(b".\r\n")
        # A connection lost before the reply raises here and the delivery is tried again: the server
        # may already have accepted it (RFC 5321's known duplicate, same Message-ID). Counting it as
        # sent instead would lose every message whose server went away mid-reply.
        code, reply = conn.getreply()
        if code != 250:
            raise smtplib.SMTPResponseException(code, reply)


def _moment(deadline: Deadline) -> float:
    return deadline() if callable(deadline) else deadline


def _path(address: str) -> str:
    """An SMTP path (RFC 5321 §4.1.2); a line break in it would smuggle in a command."""
    if "\r" in address or "\n" in address or "<" in address or ">" in address:
        raise PermanentRejection(501, f"not an address: {address!r}")
    return f"<{address}>"
