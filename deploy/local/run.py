"""`make run`: prepare the embedded defaults and start every process of deploy/Procfile.

Migrates the three SQLite databases, loads the demo network once, starts Redis unless one answers
(installing Debian's redis-server when it is missing), then runs the Procfile's processes with
prefixed output under deploy.local.supervisor (a process that dies is restarted) until Ctrl-C, which
stops them all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import redis

from deploy.local.supervisor import procfile_entries, supervise
from shared.config import REPO_ROOT, VAR_DIR, Settings
from shared.migrations import upgrade

SERVICES = ("recruitment", "appreciation", "notifications")
PROCFILE = REPO_ROOT / "deploy" / "Procfile"


def redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def ensure_redis_server_installed() -> None:
    if shutil.which("redis-server"):
        return
    print("redis-server is missing: installing Debian's package", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-q"], check=True)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-q", "redis-server"], check=True)


def start_redis(url: str) -> subprocess.Popen:
    """Redis with the Procfile's command line (AOF on, data in var/redis), until we stop."""
    ensure_redis_server_installed()
    command = dict(procfile_entries(PROCFILE))["redis"]
    # In a group of its own, Ctrl-C does not take Redis away from the processes before they have stopped.
    process = subprocess.Popen(command.split(), cwd=REPO_ROOT, process_group=0)
    for _ in range(100):
        if redis_answers(url):
            print(f"started redis-server for {url}", flush=True)
            return process
        time.sleep(0.1)
    process.terminate()
    raise SystemExit(f"redis-server did not answer on {url}")


def migrate_all() -> None:
    for service in SERVICES:
        upgrade(REPO_ROOT / "services" / service / "migrations", Settings.load(service).database_url)


def load_demo(env: dict) -> None:
    flask = str(Path(sys.executable).with_name("flask"))
    for service in ("recruitment", "appreciation"):
        subprocess.run([flask, "--app", f"services.{service}", "demo"], check=True, env=env, cwd=REPO_ROOT)


# (key in var/demo.json's "logins", who, where they log in)
DEMO_LOGINS = (
    ("coordinator", "coordinator", "/inloggen"),
    ("organisation", "member organisation", "/inloggen"),
    ("education_partner", "education partner", "/inloggen"),
    ("student", "student", "/inloggen"),
    ("discount_partner", "discount partner", "/waardering/inloggen"),
)


def demo_logins(summary: dict, port: str) -> str:
    """The demo's login addresses per role, with the page to ask for a link on."""
    logins = summary.get("logins", {})
    if not logins:  # a var/ from before the demo listed its logins
        return "    (this demo predates its login list: remove var/ and `make run` again to reload it)"
    lines = [
        f"    {who:<20}  {logins[key]:<34} at http://localhost:{port}{path}"
        for key, who, path in DEMO_LOGINS
        if key in logins
    ]
    return "\n".join(lines)


def print_urls(port: str) -> None:
    demo = VAR_DIR / "demo.json"
    summary = json.loads(demo.read_text()) if demo.exists() else {}
    token = summary.get("coordinator_token", "?")
    code = summary.get("registration_code", "?")
    logins = demo_logins(summary, port)
    print(
        f"""
  Knoop is starting. Open:
    vacancy bank          http://localhost:{port}/
    student registration  http://localhost:{port}/inschrijven   (code {code})
    pass discounts        http://localhost:{port}/waardering/n/enkhuizen/aanbod
    API docs              http://localhost:{port}/api/recruitment/docs
                          http://localhost:{port}/api/appreciation/docs
                          http://localhost:{port}/api/notifications/docs
    health                http://localhost:{port}/api/recruitment/healthz
    mail inbox (sink)     http://localhost:8025/
  Demo logins: ask for a login link with the address on its login page, then open the link in the
  mail inbox (http://localhost:8025/):
{logins}
  Demo coordinator token: {token}   (all demo tokens: var/demo.json)
  A process that dies is restarted; Ctrl-C stops everything.
""",
        flush=True,
    )


def main() -> None:
    os.chdir(REPO_ROOT)
    (VAR_DIR / "redis").mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        "PYTHONUNBUFFERED": "1",
    }
    port = env.setdefault("KNOOP_PORT", "8000")
    # Each worker's embedded beat keeps its lock in Redis; one killed with its worker (Ctrl-C, a
    # restart) holds it until it expires, and the next run's beat waits that long to schedule.
    env.setdefault("KNOOP_BEAT_LOCK_SECONDS", "10")
    settings = Settings.load("recruitment")
    # Redis is started first (not by the process manager), so the demo's events wake the relays.
    entries = [e for e in procfile_entries(PROCFILE) if e[0] != "redis"]
    redis_process = None if redis_answers(settings.redis_url) else start_redis(settings.redis_url)
    try:
        migrate_all()
        load_demo(env)
        print_urls(port)
        returncode = supervise(entries, env=env, cwd=str(REPO_ROOT))
    finally:
        if redis_process is not None:
            redis_process.terminate()
            redis_process.wait(30)
    sys.exit(returncode)


if __name__ == "__main__":
    main()
