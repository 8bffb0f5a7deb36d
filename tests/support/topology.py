"""The production topology of deploy/docker-compose.yml, run without containers.

Every process Compose starts from the Knoop image runs here with exactly its command and its
environment (the image's ENV, the env file made from deploy/env.example, then Compose's own
`environment:`), in a working directory of its own as the image's WORKDIR. Only
what a container gives for free is translated, each in one place below: host names are loopback
(`HOSTS`), each web process binds its own port because containers each have their own address
(`own_port`), and programs are found on the test's PATH (the venv's bin first).
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import redis
import yaml

from deploy.local.harness import REPO_ROOT, answers_ping, free_port, wait_until

DEPLOY = REPO_ROOT / "deploy"
COMPOSE = DEPLOY / "docker-compose.yml"
ENV_EXAMPLE = DEPLOY / "env.example"
BIN = Path(sys.executable).parent
# Compose's services that are not Knoop's image: started here as themselves.
INFRASTRUCTURE = ("postgres", "redis", "proxy")
BIND = re.compile(r"--bind\s+0\.0\.0\.0:(\d+)")


@dataclass
class ComposeProcess:
    name: str
    command: str  # as Compose writes it
    environment: dict[str, str] = field(default_factory=dict)


def compose_services() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def knoop_processes() -> dict[str, ComposeProcess]:
    """Compose's processes that run the Knoop image: web, worker, beat, relay and migrate."""
    processes = {}
    for name, spec in compose_services().items():
        if name in INFRASTRUCTURE or "build" not in spec or spec.get("profiles"):
            continue  # not Knoop's image, or only for a check (the mail sink)
        command = spec["command"]
        command = command if isinstance(command, str) else shlex.join(command)
        environment = {k: str(v) for k, v in (spec.get("environment") or {}).items()}
        processes[name] = ComposeProcess(name, command, environment)
    return processes


def image_environment(directory: Path) -> dict[str, str]:
    """The runtime stage's ENV of deploy/Dockerfile, its WORKDIR moved to `directory` (PATH is the
    test's: the venv's bin stands for the image's /opt/knoop/bin)."""
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    runtime = text.rsplit("\nFROM ", 1)[1]
    workdir = re.search(r"^WORKDIR (\S+)", runtime, re.M).group(1)
    values = {}
    for line in re.findall(r"^ENV (.+)$", runtime, re.M):
        for name, value in re.findall(r"(\w+)=(\S+)", line):
            values[name] = value.replace(workdir, str(directory))
    values.pop("PATH")
    return values


def env_file(values: dict[str, str]) -> dict[str, str]:
    """deploy/env.example as an operator fills it in: every variable it names, with `values` for
    the ones that point at this machine's servers; a variable `values` names that the example
    lacks is an error (the example must name everything production needs)."""
    example = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            example[name.strip()] = value.strip()
    unknown = set(values) - set(example)
    assert not unknown, f"deploy/env.example does not name {sorted(unknown)}"
    return {**example, **values}


def strong_secret() -> str:
    return secrets.token_urlsafe(48)


def own_port(command: str) -> tuple[str, int | None]:
    """A web command with its own loopback port instead of the container's 0.0.0.0:8000."""
    match = BIND.search(command)
    if not match:
        return command, None
    port = free_port()
    return BIND.sub(f"--bind 127.0.0.1:{port}", command), port


class Redis:
    """redis-server with deploy/redis.conf and a password, as Compose starts it (the password on
    standard input), on a loopback port instead of the container's address."""

    def __init__(self, directory: Path):
        self.directory, self.port, self.password = directory, free_port(), strong_secret()
        directory.mkdir(parents=True, exist_ok=True)
        argv = ["redis-server", str(DEPLOY / "redis.conf"), "--bind", "127.0.0.1", "--port", str(self.port)]
        self.process = subprocess.Popen(
            [*argv, "--dir", str(directory), "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.process.stdin.write(f'requirepass "{self.password}"\n')
        self.process.stdin.close()
        client = redis.Redis.from_url(self.url)
        wait_until(lambda: answers_ping(client), 10, message="redis-server to answer")

    @property
    def url(self) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def start_redis(directory: Path) -> Redis:
    return Redis(directory)


class Running:
    """One started process of the topology, in its own process group, its output in a log file."""

    def __init__(self, name: str, process: subprocess.Popen, log: Path):
        self.name, self.process, self.log_path = name, process, log

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def signal(self, signum: int) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signum)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


class Topology:
    """Knoop's processes as Compose starts them, on this machine, in a working directory of their
    own (as the image's, holding no source)."""

    def __init__(self, env: dict[str, str], directory: Path):
        self.env = env
        self.directory = directory
        self.running: list[Running] = []
        self.ports: dict[str, int] = {}  # web process → its loopback port

    def environment(self, process: ComposeProcess) -> dict[str, str]:
        path = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
        image = image_environment(self.directory)
        return {"PATH": path, "HOME": str(self.directory), **image, **self.env, **process.environment}

    def run(self, process: ComposeProcess, timeout: float = 120) -> subprocess.CompletedProcess:
        """A one-shot command (the migration, an operator's command) as Compose runs a string: `sh -c`."""
        return subprocess.run(
            ["sh", "-c", process.command],
            env=self.environment(process),
            cwd=self.directory,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def start(self, process: ComposeProcess) -> Running:
        command, port = own_port(process.command)
        if port:
            self.ports[process.name] = port
        log = self.directory / f"{process.name}.log"
        with log.open("ab") as out:
            started = subprocess.Popen(
                ["sh", "-c", f"exec {command}"],
                env=self.environment(process),
                cwd=self.directory,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        running = Running(process.name, started, log)
        self.running.append(running)
        return running

    def logs(self) -> str:
        return "\n".join(f"--- {r.name}\n{r.log()[-3000:]}" for r in self.running)

    def stop(self) -> None:
        """Every process asked to stop at once (as `docker compose down` does), then waited for."""
        for running in self.running:
            running.signal(signal.SIGTERM)
        for running in self.running:
            running.stop()
