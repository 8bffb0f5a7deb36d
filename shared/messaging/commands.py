"""A service's tasks to itself, queued through its own outbox and run once per id.

A command names a task of its own service, ``<service>.<verb>`` (``appreciation.continue_invitations``).
It is written in the transaction that asks for it, sent by the relay to the service's own queue, run
at least once (acks late, retried like every task) and takes effect once: each run is recorded in
the service's inbox, so a redelivery does nothing. It is no event: no contract in shared/contracts,
no subscribers. The service registers one Celery task per entry of its command table
(`register_commands`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.db import new_id, utcnow

if TYPE_CHECKING:  # plain modules (models, handlers) import this one without loading Celery
    from celery import Celery

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Command:
    """A task a service asked of itself, as its handler sees it."""

    id: str
    task: str
    network_id: str | None
    data: dict


CommandHandler = Callable[[Session, Command], None]


def command_message(task: str, network_id: str | None, data: dict) -> dict:
    """The outbox message of a command: `data` must be JSON as it is (ids, strings, numbers)."""
    return {
        "id": new_id(),
        "task": task,
        "network_id": network_id,
        "data": data,
        "time": utcnow().isoformat(),
    }


def is_command(message: dict) -> bool:
    """Whether an outbox message is a command (events carry a `type` and no `task`)."""
    return "task" in message


def own_queue(task: str) -> str:
    """The queue of the service a task belongs to: the part of its name before the first dot."""
    return task.partition(".")[0]


def run_command(kit, handlers: Mapping[str, CommandHandler], message: dict) -> bool:
    """Run the command's handler once for its id, in one transaction with its inbox record; False if
    it had already run (a redelivery)."""
    command = Command(message["id"], message["task"], message.get("network_id"), message.get("data") or {})
    handler, inbox = handlers[command.task], kit.tables.inbox
    try:
        with kit.db.transaction() as session:
            if session.get(inbox, (command.id, command.task)) is not None:
                return False
            handler(session, command)
            session.add(inbox(event_id=command.id, handler=command.task, event_type=command.task))
    except IntegrityError:
        # A concurrent delivery of the same command won the race; its effect stands, ours is void.
        with kit.db.reader() as session:
            if session.get(inbox, (command.id, command.task)) is None:
                raise
        log.info("command %s (%s) already done", command.id, command.task)
        return False
    return True


def register_commands(celery: Celery, kit, handlers: Mapping[str, CommandHandler]) -> None:
    """One Celery task per command of the service's table, named as the command (acks late and
    retried like every task of the service: see shared.messaging.celery_factory)."""
    service = kit.settings.service
    for task in handlers:
        if own_queue(task) != service:
            raise ValueError(f"{task!r} is not a command of {service}")
        celery.task(name=task)(_runner(kit, handlers))


def _runner(kit, handlers: Mapping[str, CommandHandler]) -> Callable[[dict], bool]:
    def run_command_task(message: dict) -> bool:
        return run_command(kit, handlers, message)

    return run_command_task
