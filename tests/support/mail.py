"""Reading what arrived in the SMTP sink in tests: wait for a message, find a link in it."""

from __future__ import annotations

import re
import socketserver
import threading
from urllib.parse import urlparse

from deploy.local.harness import wait_until


def mail_to(stack, address: str, subject_start: str, timeout: float = 45) -> dict:
    """The newest message to `address` whose subject starts so, waiting for it to arrive."""

    def find():
        return [
            m for m in stack.sink.summaries() if address in m["to"] and m["subject"].startswith(subject_start)
        ]

    return wait_until(find, timeout, message=f"the e-mail '{subject_start}' to {address}")[-1]


def path_in(text: str, marker: str) -> str:
    """The path of the first link in `text` that contains `marker`."""
    return urlparse(re.search(rf"(http\S*{marker}\S*)", text).group(1)).path


class RefusingServer:
    """A mail server that is up but refuses service: every connection gets "421" and is closed.
    Counts the connections, so a test knows how often the senders really tried."""

    def __init__(self, port: int):
        self.port, self.connections = port, 0
        self._count = threading.Lock()
        self._server = socketserver.ThreadingTCPServer(
            ("127.0.0.1", port), self._handler(), bind_and_activate=False
        )
        self._server.allow_reuse_address = True
        self._server.daemon_threads = True

    def _handler(self):
        outer = self

        class Refuse(socketserver.BaseRequestHandler):
            def handle(self):
                with outer._count:
                    outer.connections += 1
                self.request.sendall(b"421 4.3.2 Service not available, try again later\r\n")

        return Refuse

    def start(self) -> None:
        self._server.server_bind()
        self._server.server_activate()
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
