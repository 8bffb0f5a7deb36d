"""Fixtures for every tier. Integration fixtures start real redis-server, SMTP sink, Celery workers
and relays, on SQLite and (where KNOOP_TEST_POSTGRES_URL is set) PostgreSQL."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from deploy.local.harness import MailSink, RedisServer, relay, worker
from tests.support.databases import SERVICES, PostgresProvider, SqliteProvider, postgres_url

BACKENDS = ["sqlite", "postgresql"]

# Each test builds its service apps anew (recruitment's alone leaves some 13,000 objects for the
# collector to track) and drops them at its end. At Python's default threshold (a collection every 700
# new objects) the collector ran dozens of times per app and walked the same objects again and again;
# the same garbage still goes, in fewer collections (docs/performance.md, "The suite").
gc.set_threshold(20_000, 50, 100)


# `make test` runs the suite in several processes (pytest-xdist): each collects the whole suite and
# deselects the same tests, but only the controller prints the summary, and xdist does not tell it.
# One process's list is passed on at its end, so the summary still says "N deselected".
DESELECTED = pytest.StashKey[bool]()


def pytest_deselected(items) -> None:
    config = getattr(items[0], "config", None) if items else None  # none where the controller passes them on
    if hasattr(config, "workeroutput"):
        config.workeroutput.setdefault("deselected", []).extend(item.nodeid for item in items)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    output = getattr(node, "workeroutput", None)  # none from a process that crashed
    if output is not None and not node.config.stash.get(DESELECTED, False):
        node.config.stash[DESELECTED] = True
        deselected = [SimpleNamespace(nodeid=nodeid) for nodeid in output.get("deselected", [])]
        node.config.hook.pytest_deselected(items=deselected)


@pytest.fixture(scope="session")
def sqlite_provider(tmp_path_factory):
    return SqliteProvider(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="session")
def postgres_provider():
    url = postgres_url()
    if not url:
        yield None
        return
    provider = PostgresProvider(url)
    yield provider
    provider.close()


def _postgres_or_stop(postgres_provider):
    if postgres_provider is None:
        if os.environ.get("KNOOP_REQUIRE_POSTGRES"):
            pytest.fail("KNOOP_REQUIRE_POSTGRES is set but KNOOP_TEST_POSTGRES_URL is not")
        pytest.skip("PostgreSQL not configured (set KNOOP_TEST_POSTGRES_URL; CI does)")
    return postgres_provider


@pytest.fixture(params=BACKENDS)
def backend(request, postgres_provider, sqlite_provider):
    """The database kind under test; PostgreSQL runs where CI (or you) provide one."""
    if request.param == "postgresql":
        return _postgres_or_stop(postgres_provider)
    return sqlite_provider


@pytest.fixture
def postgres(postgres_provider):
    """For tests of what only PostgreSQL does: skipped without one, failed where CI requires one."""
    return _postgres_or_stop(postgres_provider)


@pytest.fixture
def databases(backend) -> Iterator[dict[str, str]]:
    """A fresh, migrated database per service."""
    urls = {service: backend.fresh(service) for service in SERVICES}
    yield urls
    backend.release(urls.values())


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server) -> str:
    redis_server.client().flushall()
    return redis_server.url


@pytest.fixture
def mail_sink():
    sink = MailSink()
    sink.start()
    yield sink
    sink.stop()


class Stack:
    """One Knoop installation under test: in-process apps plus real worker and relay processes."""

    def __init__(self, databases: dict, redis_url: str, sink: MailSink, tmp_path: Path):
        self.databases, self.redis_url, self.sink, self.tmp_path = databases, redis_url, sink, tmp_path
        self.processes = []
        self._apps = {}
        self.overrides: dict = {}  # settings for the in-process apps, set before their first use
        self.settings = {
            "KNOOP_ENV": "test",
            "KNOOP_REDIS_URL": redis_url,
            "KNOOP_SMTP_HOST": "127.0.0.1",
            "KNOOP_SMTP_PORT": str(sink.port),
            "KNOOP_SMTP_TIMEOUT": "1",
            "KNOOP_VISIBILITY_TIMEOUT": "6",
            "KNOOP_UNACKED_RESTORE_SECONDS": "1",
            "KNOOP_DELIVERY_LEASE_SECONDS": "4",
            "KNOOP_DELIVERY_SWEEP_SECONDS": "0.5",
            "KNOOP_DELIVERY_RETRY_SECONDS": "1",
            "KNOOP_DELIVERY_RETRY_MAX_SECONDS": "8",
            "KNOOP_CONSUMER_HEARTBEAT_SECONDS": "2",
            "KNOOP_OUTBOX_SWEEP_SECONDS": "0.5",
            # A worker killed with its embedded beat leaves the beat's lock behind until it expires:
            # its successor's beat waits this long (in production beat runs apart from workers).
            "KNOOP_BEAT_LOCK_SECONDS": "2",
            "KNOOP_VAR_DIR": str(tmp_path / "var"),
            **{f"{s.upper()}_DATABASE_URL": url for s, url in databases.items()},
        }

    @property
    def env(self) -> dict:
        return {**os.environ, **self.settings}

    def app(self, service: str):
        """The service's Flask app in this process, configured like the worker processes."""
        if service not in self._apps:
            from importlib import import_module

            overrides = {
                "profile": "test",
                "database_url": self.databases[service],
                "redis_url": self.redis_url,
                "broker_url": self.redis_url,
                "smtp_port": self.sink.port,
                "smtp_timeout": 1.0,
                "delivery_lease_seconds": 4,
                "outbox_sweep_seconds": 0.5,
                **self.overrides,
            }
            app = import_module(f"services.{service}").create_app(overrides)
            app.config["TESTING"] = True
            self._apps[service] = app
        return self._apps[service]

    def kit(self, service: str):
        return self.app(service).extensions["knoop"]

    def start_worker(self, service: str, pool: str = "prefork", beat: bool | None = None):
        """A worker process; notifications' runs its beat too (its sweep resends what is due)."""
        beat = service == "notifications" if beat is None else beat
        return self._start(worker(service, self.env, self.tmp_path, pool, beat=beat))

    def start_relay(self, service: str):
        return self._start(relay(service, self.env, self.tmp_path))

    def _start(self, process):
        self.processes.append(process.start())
        return process

    def close(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        for app in self._apps.values():
            app.extensions["knoop"].db.dispose()


@pytest.fixture
def stack(databases, redis_url, mail_sink, tmp_path):
    stack = Stack(databases, redis_url, mail_sink, tmp_path)
    yield stack
    stack.close()
