"""Poisoned messages: what on a queue no worker can run, and why.

Four kinds are told apart, from the outside in: bytes that are not UTF-8 JSON; JSON that is not a
Kombu message; a Kombu message that is not a Celery task of ours (no task header, a task nobody on
this queue knows, a content type we do not accept); and a task whose body is not its arguments.
The transport finds the first two (it cannot frame them), the worker's consumer the others
(shared.messaging.worker_consumer). Each becomes a dead letter with the raw bytes, the queue and
the reason; the worker goes on with the next message.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Collection

POISON_HEADER = "x-knoop-poison"
# Stamped into a message's delivery_info by the transport: the queue it was taken from (a message's
# own routing key says where its producer sent it, which is not always where it lay).
TAKEN_FROM = "x-knoop-taken-from"
ACCEPTED_CONTENT = "application/json"


def wrap_poison(raw: bytes, queue: str, reason: str) -> dict:
    """A well-formed Kombu message that carries unframeable bytes to the worker's consumer."""
    return {
        "body": base64.b64encode(raw).decode("ascii"),
        "content-type": "application/octet-stream",
        "content-encoding": "binary",
        "headers": {POISON_HEADER: reason},
        "properties": {
            "body_encoding": "base64",
            "delivery_tag": str(uuid.uuid4()),
            "delivery_info": {"exchange": "", "routing_key": queue, TAKEN_FROM: queue},
            "priority": 0,
        },
    }


def unframed_reason(payload: object, build: Callable[[], object]) -> str | None:
    """Why decoded JSON is not a Kombu message we can hold and give back (None: it is one).
    `build` makes the Kombu message from it, as the transport is about to."""
    if not isinstance(payload, dict):
        return f"not a Kombu message: a JSON {type(payload).__name__}"
    properties = payload.get("properties")
    info = properties.get("delivery_info") if isinstance(properties, dict) else None
    routed = isinstance(info, dict) and all(isinstance(info.get(k), str) for k in ("exchange", "routing_key"))
    if not routed:
        return "not a Kombu message: no properties with a delivery_info"
    if not isinstance(properties.get("delivery_tag"), str):
        return "not a Kombu message: no delivery tag"
    if not isinstance(payload.get("headers"), dict):
        return "not a Kombu message: no headers"
    try:
        build()
    except Exception as exc:  # whatever Kombu cannot make a message of
        return f"not a Kombu message: {type(exc).__name__}: {exc}"
    return None


def taken_from(message) -> str:
    """The queue a message was taken from."""
    info = message.delivery_info or {}
    return info.get(TAKEN_FROM) or info.get("routing_key") or ""


def raw_bytes(message) -> bytes:
    """The bytes as they lay on the queue: a wrapper's cargo, or the Kombu message re-encoded."""
    if POISON_HEADER in (message.headers or {}):
        return bytes(message.body)
    framed = json.loads(json.dumps(message._raw))
    framed["properties"]["delivery_info"].pop(TAKEN_FROM, None)
    return json.dumps(framed).encode()


def task_reason(message, known_tasks: Collection[str]) -> str | None:
    """Why a framed message is not a task this worker can run (None: it is one)."""
    headers = message.headers
    if POISON_HEADER in headers:
        return headers[POISON_HEADER]
    name = headers.get("task")
    if not isinstance(name, str):
        return "not a Celery task message: no task header"
    if name not in known_tasks:
        return f"unknown task: no task named {name!r} on this queue"
    if message.content_type != ACCEPTED_CONTENT:
        return f"content type {message.content_type!r} is not accepted (only {ACCEPTED_CONTENT})"
    return _body_reason(message.body)


def _body_reason(body) -> str | None:
    try:
        decoded = json.loads(body)
    except (TypeError, ValueError) as exc:
        return f"the task's body is not JSON: {exc}"
    shape = (list, dict, dict)
    if not (isinstance(decoded, list) and len(decoded) == 3 and all(map(isinstance, decoded, shape))):
        return "the task's body is not [args, kwargs, options]"
    return None
