"""The end-to-end check deploy/check-images.sh runs against a started stack (standard library only, so
it runs from a checkout with any Python 3.11):

    export KNOOP_CHECK_CA=certs/fullchain.pem   # the proxy's self-signed certificate
    python3 deploy/check_stack.py wait-ready https://localhost:8443
    python3 deploy/check_stack.py vacancy-mail https://localhost:8443 http://127.0.0.1:8025 demo.json

`wait-ready` waits until every service's readyz answers 200 through the proxy; `vacancy-mail` has a
demo organisation submit a vacancy and waits for its e-mail in the sink. Exit 0 on success.
"""

from __future__ import annotations

import json
import os
import ssl
import sys
import time
import urllib.error
import urllib.request
import uuid

SERVICES = ("recruitment", "appreciation", "notifications")
# The proxy's certificate is the check's own, self-signed: trusted from the file check-images.sh made.
CA = os.environ.get("KNOOP_CHECK_CA")
TLS = ssl.create_default_context(cafile=CA) if CA else None


def call(url: str, method: str = "GET", body: dict | None = None, token: str = "") -> tuple[int, object]:
    """(status, JSON body or text); a connection that fails counts as status 0."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10, context=TLS) as response:
            return response.status, _decode(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, _decode(exc.read())
    except OSError as exc:
        return 0, str(exc)


def _decode(raw: bytes) -> object:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")


def wait_for(what: str, probe, timeout: float) -> object:
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise SystemExit(f"check: timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(1)


def wait_ready(base: str, timeout: float = 300) -> None:
    """Every service ready (migrated, database and Redis answering) through the proxy."""
    for service in SERVICES:
        url = f"{base}/api/{service}/readyz"
        wait_for(f"{url} to answer 200", lambda url=url: call(url)[0] == 200, timeout)
        print(f"check: {service} ready through the proxy", flush=True)


def vacancy_mail(base: str, sink: str, demo_file: str, timeout: float = 60) -> None:
    """A demo organisation drafts and submits a vacancy; its e-mail must reach the sink."""
    with open(demo_file, encoding="utf-8") as fh:
        token = next(iter(json.load(fh)["organisation_tokens"].values()))
    title = f"Controle {uuid.uuid4().hex[:8]}"
    status, draft = call(f"{base}/api/recruitment/vacancies", "POST", _vacancy(title), token)
    if status != 201:
        raise SystemExit(f"check: drafting a vacancy answered {status}: {draft}")
    status, answer = call(f"{base}/api/recruitment/vacancies/{draft['id']}/submit", "POST", token=token)
    if status >= 300:
        raise SystemExit(f"check: submitting the vacancy answered {status}: {answer}")
    started = time.monotonic()

    def mail():
        status, messages = call(f"{sink}/api/messages")
        return status == 200 and [m for m in messages if title in (m.get("subject") or "")]

    [message, *_] = wait_for(f"an e-mail about {title!r} in the sink", mail, timeout)
    print(f"check: {message['subject']!r} to {message['to']} after {time.monotonic() - started:.1f} s")


def _vacancy(title: str) -> dict:
    return {"title": title, "place": "Enkhuizen", "hours_per_week": 2}


if __name__ == "__main__":
    action, *arguments = sys.argv[1:]
    {"wait-ready": wait_ready, "vacancy-mail": vacancy_mail}[action](*arguments)
