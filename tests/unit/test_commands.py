"""A service's commands to itself: staged in its outbox, sent to its own queue, run once per id."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from shared.db import Database, make_base
from shared.messaging.commands import Command, is_command, register_commands, run_command
from shared.messaging.inbox import InboxMixin
from shared.messaging.outbox import Outbox, OutboxMixin
from shared.messaging.relay import celery_publisher

Base = make_base()


class Inbox(InboxMixin, Base):
    pass


class OutboxRow(OutboxMixin, Base):
    pass


@pytest.fixture
def kit(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'commands.db'}")
    Base.metadata.create_all(db.engine)
    yield SimpleNamespace(db=db, tables=SimpleNamespace(inbox=Inbox), settings=SimpleNamespace(service="own"))
    db.dispose()


class Sent:
    def __init__(self):
        self.tasks = []

    def send_task(self, name, args, queue, task_id):
        self.tasks.append((name, queue, task_id, args))


def staged_command(kit, data: dict) -> dict:
    with kit.db.transaction() as session:
        Outbox(OutboxRow, "own").add_task(session, "own.do_it", "net-1", data)
    with kit.db.reader() as session:
        return session.scalars(select(OutboxRow.message)).one()


def test_a_command_goes_to_its_own_services_queue_as_the_named_task(kit):
    message = staged_command(kit, {"n": 1})
    sent = Sent()
    celery_publisher(sent)(message)
    assert is_command(message)
    assert sent.tasks == [("own.do_it", "own", message["id"], [message])]


def test_a_service_queues_only_its_own_tasks(kit):
    with pytest.raises(ValueError), kit.db.transaction() as session:
        Outbox(OutboxRow, "own").add_task(session, "other.do_it", None, {})
    with pytest.raises(ValueError):
        register_commands(SimpleNamespace(task=None), kit, {"other.do_it": lambda s, c: None})


def test_a_redelivered_command_takes_effect_once(kit):
    message = staged_command(kit, {"n": 7})
    seen: list[Command] = []
    commands = {"own.do_it": lambda session, command: seen.append(command)}
    assert run_command(kit, commands, message) is True
    assert run_command(kit, commands, message) is False
    assert seen == [Command(message["id"], "own.do_it", "net-1", {"n": 7})]


def test_a_failing_command_leaves_no_record_and_runs_again(kit):
    message = staged_command(kit, {})

    def fail(session, command):
        raise RuntimeError("database away")

    with pytest.raises(RuntimeError):
        run_command(kit, {"own.do_it": fail}, message)
    assert run_command(kit, {"own.do_it": lambda s, c: None}, message) is True
