"""The Celery app factory, with the reliability settings of the handbook in one place.

acks late + reject on worker lost + prefetch 1: a task whose worker dies is redelivered, not lost.
The Redis visibility timeout must outlast the longest task; it is set in every place Celery and
Kombu read it (celery issues #7651, #9339: set in only one it is silently ignored).
"""

from __future__ import annotations

import weakref

from celery import Celery, Task
from celery.signals import worker_init, worker_process_init
from flask import Flask

from shared.config import Settings
from shared.contracts import ContractViolation
from shared.heap import freeze_startup_heap
from shared.messaging.deadletters import DeadLetterBox

TRANSPORT = "shared.messaging.redis_transport:Transport"
CONSUMER = "shared.messaging.worker_consumer:Consumer"
MAX_RETRIES = 8
RETRY_BACKOFF_MAX = 600  # seconds


class PermanentFailure(Exception):
    """A task that can never succeed by retrying (e.g. a permanent SMTP rejection)."""


def _settle_heap(**_) -> None:
    freeze_startup_heap()


# In the worker's main process, once the app is built and before the pool forks: prefork children
# inherit the frozen heap, and no child collecting on its own touches (and so copies) every
# inherited page. A solo worker runs its tasks in this process.
worker_init.connect(_settle_heap, weak=False, dispatch_uid="knoop.settle_heap")


def celery_settings(settings: Settings) -> dict:
    """The Celery configuration for one service."""
    vt = settings.visibility_timeout
    transport = {
        "visibility_timeout": vt,
        # How often a worker looks for messages whose worker died (kombu's default is ~100 s).
        "unacked_restore_interval": settings.unacked_restore_seconds,
        "unacked_restore_throttle": 1,
        # The sweep takes a Redis lock that expires after 300 s by default; a worker SIGKILLed while
        # holding it would stop every other worker from restoring messages for five minutes.
        "unacked_mutex_expire": max(10, 3 * settings.unacked_restore_seconds),
        # A publish to a broker that vanished without closing the connection must not hang forever.
        "socket_timeout": 10,
        "socket_connect_timeout": 5,
        # One list per queue, so a message can be taken atomically into its in-flight list.
        "priority_steps": [0],
        # A consumer whose heartbeat is this old counts as dead: what it held goes back.
        "heartbeat_seconds": settings.consumer_heartbeat_seconds,
    }
    return {
        "broker_url": settings.broker_url,
        # Kombu's Redis transport, minus the moment in which a taken message belongs to nobody.
        "broker_transport": TRANSPORT,
        # Screens every message: what no worker can run becomes a dead letter, not a crash.
        "worker_consumer": CONSUMER,
        "task_default_queue": settings.service,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_acks_on_failure_or_timeout": True,  # after the dead letter is written
        "worker_prefetch_multiplier": 1,
        "broker_transport_options": transport,
        "result_backend_transport_options": {"visibility_timeout": vt},
        "visibility_timeout": vt,
        "task_ignore_result": True,
        "result_backend": None,
        "task_serializer": "json",
        "accept_content": ["json"],
        "timezone": "UTC",
        "enable_utc": True,
        "broker_connection_retry_on_startup": True,
        "worker_hijack_root_logger": False,
        **beat_settings(settings),
    }


def beat_settings(settings: Settings) -> dict:
    """Beat keeps its schedule in Redis (RedBeat), so the last run of each entry survives a restart
    (a file in /tmp forgot it, and a 6-hourly job never ran if deploys came more often), and a beat
    runs only while it holds its service's lock there: a second replica waits instead of sending
    every task twice. It extends the lock every tick, and ticks five times per lock period."""
    lock = settings.beat_lock_seconds
    prefix = f"redbeat:{settings.service}:"
    return {
        "beat_scheduler": "shared.messaging.beat:LivelyRedBeatScheduler",
        "knoop_beat_alive_file": settings.beat_alive_file,
        "beat_max_loop_interval": lock / 5,
        "redbeat_redis_url": settings.redis_url,
        "redbeat_key_prefix": prefix,
        "redbeat_lock_key": f"{prefix}:lock",
        "redbeat_lock_timeout": lock,
        # Named here, so RedBeat does not take the broker's transport options for its own. A beat
        # that loses Redis exits (its lock is then no longer its own); its supervisor restarts it.
        "redbeat_redis_options": {"socket_timeout": 10, "socket_connect_timeout": 5},
    }


class ServiceCelery(Celery):
    """Celery whose tasks belong to their own app only.

    Celery's default (`shared=True`) also registers every task in each Celery app the process makes
    later, through a list global to the process: that list keeps the task's closure, and with it the
    service's kit and Flask app, alive for good, and gives a later app of the same service the first
    app's task (on the first app's database). A worker makes one app, so nothing changes there; the
    test process makes thousands, and kept them all (gigabytes, and minutes of garbage collection
    walking them: docs/performance.md, "The suite")."""

    def task(self, *args, **opts):
        opts.setdefault("shared", False)
        return super().task(*args, **opts)


def _forget_inherited_connections(db) -> None:
    if db is not None:
        db.forget_inherited_connections()


def make_celery(app: Flask, settings: Settings, dead_letters: DeadLetterBox) -> Celery:
    """A Celery app whose tasks run inside `app`'s context, retry with back-off and jitter, and
    leave a dead letter after the last retry. Stored as ``app.extensions["celery"]``."""

    class ServiceTask(Task):
        autoretry_for = (Exception,)
        dont_autoretry_for = (PermanentFailure, ContractViolation)
        max_retries = MAX_RETRIES
        retry_backoff = 2
        retry_backoff_max = RETRY_BACKOFF_MAX
        retry_jitter = True
        acks_late = True
        reject_on_worker_lost = True

        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

        def on_failure(self, exc, task_id, args, kwargs, einfo):
            # einfo keeps the original exception type; `exc` may be a serialisable stand-in.
            error = f"{getattr(einfo, 'type', type(exc)).__name__}: {exc}"
            dead_letters.record(task_id, self.name, args, kwargs, error, self.request.retries)

    celery = ServiceCelery(settings.service, task_cls=ServiceTask)
    celery.conf.update(celery_settings(settings))
    celery.knoop_dead_letters = dead_letters  # for the worker's consumer (poisoned messages)
    # The main process writes poisoned messages' dead letters; a child forked later must not
    # share its pooled connections.
    # The signal is global and holds its receivers for good: it holds the database weakly, so an app
    # that is gone (in tests) is not kept by it.
    db = weakref.ref(dead_letters.db)
    worker_process_init.connect(lambda **_: _forget_inherited_connections(db()), weak=False)
    app.extensions["celery"] = celery
    return celery
