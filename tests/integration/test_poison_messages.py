"""Poisoned messages on every service's queue: each becomes a dead letter with its raw bytes, queue and
reason, is taken off the queue, and the worker goes on with the next message."""

import json
import uuid

import pytest
import redis as redis_py

from deploy.local.harness import wait_until
from services.notifications.samples import SAMPLES
from shared import contracts
from tests.support.databases import SERVICES

pytestmark = pytest.mark.integration


def raw_task_message(stack, service: str, name: str, args: list) -> bytes:
    """The bytes Celery puts on a queue for this task (sent to a scratch queue and taken off it)."""
    scratch = f"scratch-{uuid.uuid4().hex[:8]}"
    stack.app(service).extensions["celery"].send_task(name, args=args, queue=scratch)
    return redis_py.Redis.from_url(stack.redis_url).rpop(scratch)


def with_body(message: bytes, body: bytes) -> bytes:
    framed = json.loads(message)
    framed["body"] = __import__("base64").b64encode(body).decode()
    return json.dumps(framed).encode()


def with_content_type(message: bytes, content_type: str) -> bytes:
    return json.dumps({**json.loads(message), "content-type": content_type}).encode()


def poisons(stack, service: str) -> dict[str, tuple[bytes, str]]:
    """kind -> (the bytes pushed on the queue, what the dead letter's reason starts with)."""
    known = raw_task_message(stack, service, f"{service}.prune_outbox", [])
    return {
        "not JSON": (b"not json", "not JSON"),
        "not UTF-8": (b"\xff\xfe\x00 binary junk", "not JSON"),
        "JSON but no Kombu message": (b'{"hello": "world"}', "not a Kombu message"),
        "a Kombu message but no task": (
            json.dumps({**json.loads(known), "headers": {"lang": "py"}}).encode(),
            "not a Celery task message",
        ),
        "an unknown task": (
            raw_task_message(stack, service, f"{service}.no_such_task", [{"x": 1}]),
            f"unknown task: no task named '{service}.no_such_task'",
        ),
        "a body that is no task's arguments": (with_body(known, b'"oops"'), "the task's body is not [args"),
        "a content type not accepted": (
            with_content_type(known, "application/x-python-serialize"),
            "content type 'application/x-python-serialize' is not accepted",
        ),
    }


def dead_letters(stack, service: str) -> list:
    return stack.kit(service).dead_letters.pending()


def queue_is_clear(stack, service: str) -> bool:
    raw = redis_py.Redis.from_url(stack.redis_url)
    in_flight = sum(raw.llen(k) for k in raw.scan_iter(f"{service}.inflight*") if raw.type(k) == b"list")
    return raw.llen(service) == 0 and in_flight == 0 and raw.hlen("unacked") == 0


@pytest.mark.parametrize("service", SERVICES)
def test_every_kind_of_poison_becomes_a_dead_letter_and_the_worker_goes_on(stack, service):
    worker = stack.start_worker(service)
    kinds = poisons(stack, service)
    raw = redis_py.Redis.from_url(stack.redis_url)
    for pushed, _ in kinds.values():
        raw.lpush(service, pushed)
    raw.lpush(service, raw_task_message(stack, service, f"{service}.prune_outbox", []))

    wait_until(lambda: len(dead_letters(stack, service)) >= len(kinds), 60, message="a dead letter each")
    wait_until(lambda: queue_is_clear(stack, service), 30, message="the good message after the poison")
    assert worker.process.poll() is None, worker.log()[-3000:]
    assert "prune_outbox" in worker.log() and "succeeded" in worker.log()

    letters = dead_letters(stack, service)
    for kind, (pushed, reason) in kinds.items():
        # Bytes that are no Kombu message are kept as they were; a Kombu message as Kombu read it.
        letter = next((x for x in letters if x.raw == pushed or _same_json(x.raw, pushed)), None)
        assert letter is not None, f"{kind}: no dead letter"
        assert letter.queue == service, kind
        assert letter.error.startswith(reason), f"{kind}: {letter.error}"
    assert len(letters) == len(kinds)


def _same_json(stored: bytes, pushed: bytes) -> bool:
    try:
        return json.loads(stored) == json.loads(pushed)
    except ValueError:
        return False


def test_the_operator_lists_a_poisoned_message_and_replays_it_fixed(stack, tmp_path):
    """A task name with a typo: the operator sees it, fixes the bytes and replays; the e-mail goes."""
    stack.start_worker("notifications")
    sample = SAMPLES["recruitment.vacancy_published.v1"]
    event = contracts.envelope(
        str(uuid.uuid4()),
        "recruitment.vacancy_published.v1",
        "recruitment",
        "n1",
        contracts.build("recruitment.vacancy_published.v1", {**sample, "title": "Na reparatie"}),
    )
    typo = raw_task_message(stack, "notifications", "notifications.handle_evnt", [event])
    redis_py.Redis.from_url(stack.redis_url).lpush("notifications", typo)
    [letter] = wait_until(lambda: dead_letters(stack, "notifications"), 30, message="the dead letter")

    runner = stack.app("notifications").test_cli_runner()
    listing = runner.invoke(args=["dead-letters"]).output
    assert f"{letter.id}\t" in listing and "unknown task" in listing
    assert "notifications.handle_evnt" in listing
    shown = runner.invoke(args=["dead-letters", "--show", str(letter.id)]).output
    assert "queue:    notifications" in shown and '"task": "notifications.handle_evnt"' in shown

    fixed = tmp_path / "fixed.json"
    fixed.write_bytes(letter.raw.replace(b"notifications.handle_evnt", b"notifications.handle_event"))
    result = runner.invoke(args=["dead-letters", "--replay", str(letter.id), "--body", str(fixed)])
    assert "replayed" in result.output, result.output
    [mail] = wait_until(lambda: stack.sink.summaries(), 30, message="the e-mail of the fixed message")
    assert mail["subject"].endswith("Na reparatie")
    assert dead_letters(stack, "notifications") == []  # replayed, so no longer pending
