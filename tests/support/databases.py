"""Fresh, migrated databases per test: SQLite files copied from a migrated template, and PostgreSQL
databases created from a migrated template database (fast: no migrations per test). A test's
PostgreSQL databases are dropped in the background once it is over."""

from __future__ import annotations

import os
import queue
import shutil
import threading
import uuid
from collections.abc import Iterable
from pathlib import Path

import psycopg

from deploy.local.harness import REPO_ROOT
from shared.migrations import upgrade

SERVICES = ("recruitment", "appreciation", "notifications")


def migrations(service: str) -> Path:
    return REPO_ROOT / "services" / service / "migrations"


class SqliteProvider:
    def __init__(self, directory: Path):
        self.directory = directory
        self.templates: dict[str, Path] = {}

    def _template(self, service: str) -> Path:
        if service not in self.templates:
            path = self.directory / f"template-{service}.db"
            upgrade(migrations(service), f"sqlite:///{path}")
            self.templates[service] = path
        return self.templates[service]

    def fresh_empty(self, service: str) -> str:
        return f"sqlite:///{self.directory / f'{service}-empty-{uuid.uuid4().hex[:8]}.db'}"

    def fresh(self, service: str) -> str:
        path = self.directory / f"{service}-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(self._template(service), path)
        return f"sqlite:///{path}"

    def release(self, urls: Iterable[str]) -> None:
        """Nothing to do: the files go with pytest's temporary directory."""

    def close(self) -> None:
        pass


class PostgresProvider:
    """Needs KNOOP_TEST_POSTGRES_URL: a role that may create databases (CI creates one)."""

    def __init__(self, admin_url: str):
        self.admin_url = admin_url
        self.run = uuid.uuid4().hex[:6]
        self.created: list[str] = []
        self.templates: dict[str, str] = {}
        self._admin: psycopg.Connection | None = None
        self._released: queue.Queue[str | None] = queue.Queue()
        self._dropper: threading.Thread | None = None
        self._not_dropped: list[str] = []

    def _conninfo(self, database: str) -> str:
        return self.admin_url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0] + (
            f"/{database}"
        )

    def _url(self, database: str) -> str:
        return self.admin_url.rsplit("/", 1)[0] + f"/{database}"

    def _execute(self, sql: str) -> None:
        # One connection for the whole session: a connection of its own per statement cost about as
        # much as the CREATE or DROP it carried, some 2,000 times a run (docs/performance.md).
        if self._admin is None or self._admin.closed:
            self._admin = psycopg.connect(self._conninfo("postgres"), autocommit=True)
        self._admin.execute(sql)

    def _create(self, name: str, template: str | None = None) -> str:
        suffix = f" TEMPLATE {template}" if template else ""
        self._execute(f'CREATE DATABASE "{name}"{suffix}')
        self.created.append(name)
        return self._url(name)

    def _template(self, service: str) -> str:
        if service not in self.templates:
            name = f"knoop_tpl_{self.run}_{service}"
            upgrade(migrations(service), self._create(name))
            self.templates[service] = name
        return self.templates[service]

    def fresh_empty(self, service: str) -> str:
        return self._create(f"knoop_{self.run}_{service}_empty_{uuid.uuid4().hex[:8]}")

    def fresh(self, service: str) -> str:
        template = self._template(service)
        return self._create(f"knoop_{self.run}_{service}_{uuid.uuid4().hex[:8]}", template)

    def release(self, urls: Iterable[str]) -> None:
        """A finished test's databases: dropped by a thread of their own while the next tests run.
        Dropped all at the session's end they took 20 s to minutes there (docs/performance.md)."""
        for name in (url.rsplit("/", 1)[1] for url in urls):
            self.created.remove(name)
            self._released.put(name)
        if self._dropper is None:
            self._dropper = threading.Thread(target=self._drop_released, name="drop-databases", daemon=True)
            self._dropper.start()

    def _drop_released(self) -> None:
        connection = None
        while (name := self._released.get()) is not None:
            try:
                connection = connection or psycopg.connect(self._conninfo("postgres"), autocommit=True)
                connection.execute(_drop(name))
            except psycopg.Error:
                self._not_dropped.append(name)  # tried again at the end, where an error shows
                connection = None
        if connection is not None:
            connection.close()

    def close(self) -> None:
        if self._dropper is not None:
            self._released.put(None)
            self._dropper.join()
        for name in [*self._not_dropped, *reversed(self.created)]:
            self._execute(_drop(name))
        if self._admin is not None:
            self._admin.close()


def _drop(name: str) -> str:
    return f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'


def postgres_url() -> str | None:
    return os.environ.get("KNOOP_TEST_POSTGRES_URL")
