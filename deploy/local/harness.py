"""Real infrastructure on loopback for tests and benchmarks: a private redis-server, the SMTP sink, and
service processes (Celery workers, outbox relays) in their own process groups."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import redis

from deploy.local.mailsink import MailStore, SmtpSink

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(
    predicate: Callable[[], object], timeout: float = 30, interval: float = 0.05, message: str = "condition"
) -> object:
    """Poll until `predicate` is truthy; fail the test with `message` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


class RedisServer:
    """A redis-server of our own on a free port, with AOF on as in every deploy configuration."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--appendonly",
                "yes",
                "--appendfsync",
                "everysec",
                "--save",
                "",
                "--maxmemory-policy",
                "noeviction",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        wait_until(lambda: answers_ping(client), 10, message="redis-server to answer")

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(10)


def answers_ping(client: redis.Redis) -> bool:
    """Whether this Redis answers (False while it starts)."""
    try:
        return client.ping()
    except redis.RedisError:
        return False


class MailSink:
    """The same SMTP sink `make run` uses, in this process, on a free port."""

    def __init__(self):
        self.port = free_port()
        self.store = MailStore()
        self.reject: set[str] = set()  # recipients answered with 550
        self.slow: dict[str, float] = {}  # recipient -> seconds each of its replies is held
        self.deferred: dict[str, int] = {}  # recipient -> how many more times to answer 450
        self._sink = SmtpSink(
            self.store, "127.0.0.1", self.port, self.reject, slow=self.slow, deferred=self.deferred
        )

    def start(self) -> None:
        self._sink.start()

    def stop(self) -> None:
        self._sink.stop()

    @property
    def mails(self):
        return self.store.all()

    def summaries(self) -> list[dict]:
        return [m.summary() for m in self.store.all()]


class ServiceProcess:
    """A real process of a service (Celery worker or outbox relay) in its own process group."""

    def __init__(self, name: str, argv: list[str], env: dict, log_dir: Path):
        self.name, self.argv, self.env = name, argv, env
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> ServiceProcess:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.argv,
            env=self.env,
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def kill(self) -> None:
        """SIGKILL the whole process group: no clean-up, no acknowledgement, nothing."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def worker(
    service: str, env: dict, log_dir: Path, pool: str = "prefork", concurrency: int = 1, beat: bool = False
) -> ServiceProcess:
    """A Celery worker of `service` on its own queue; with `beat`, running its schedule too."""
    argv = [
        str(BIN / "celery"),
        "-A",
        f"services.{service}.worker",
        "worker",
        "-Q",
        service,
        "-c",
        str(concurrency),
        "-P",
        pool,
        "-n",
        f"{service}-test@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel",
        "INFO",
    ]
    if beat:
        argv += ["--beat"]  # its schedule and lock in Redis (RedBeat), as every beat's
    return ServiceProcess(f"{service}-worker", argv, env, log_dir)


def relay(service: str, env: dict, log_dir: Path) -> ServiceProcess:
    argv = [str(BIN / "flask"), "--app", f"services.{service}", "relay"]
    return ServiceProcess(f"{service}-relay", argv, env, log_dir)
