"""Reading what arrived in the SMTP sink in tests: wait for a message, find a link in it."""

from __future__ import annotations

import re
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
