"""Beat keeps its schedule in Redis: of two beats of one service only the one holding the lock sends,
the other takes over when the first dies, and the last run of each entry survives a restart."""

import json
import os
import shlex
import signal
import time
from pathlib import Path

import pytest
import yaml

from deploy.local.harness import BIN, ServiceProcess, wait_until
from shared.alive import main as main_alive

pytestmark = pytest.mark.integration

COMPOSE = Path(__file__).resolve().parents[2] / "deploy" / "docker-compose.yml"
SWEEP = 0.5  # notifications' resume_deliveries entry: every half second here
LOCK = "redbeat:notifications::lock"
PRUNE = "redbeat:notifications:notifications-prune-outbox"


def compose_beat(name: str, env: dict, tmp_path: Path) -> ServiceProcess:
    """notifications' beat, started with the command Compose gives it."""
    command = yaml.safe_load(COMPOSE.read_text())["services"]["notifications-beat"]["command"]
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    assert argv[0] == "celery"
    return ServiceProcess(name, [str(BIN / "celery"), *argv[1:]], env, tmp_path).start()


def sweeps_sent(client) -> int:
    """resume_deliveries messages on notifications' queue (no worker takes them here)."""
    messages = (json.loads(m) for m in client.lrange("notifications", 0, -1))
    return sum(m["headers"]["task"] == "notifications.resume_deliveries" for m in messages)


def last_run(client, key: str) -> str:
    return json.loads(client.hget(key, "meta"))["last_run_at"]


def holds_lock(beat: ServiceProcess) -> bool:
    return "beat: Acquired lock" in beat.log()


def test_two_beats_send_each_task_once_and_a_new_one_keeps_the_schedule(redis_server, redis_url, tmp_path):
    client = redis_server.client()
    env = {
        **os.environ,
        "KNOOP_ENV": "test",
        "KNOOP_REDIS_URL": redis_url,
        "KNOOP_VAR_DIR": str(tmp_path / "var"),
        "KNOOP_DELIVERY_SWEEP_SECONDS": str(SWEEP),
        "KNOOP_BEAT_LOCK_SECONDS": "2",
    }
    beats = [compose_beat(name, env, tmp_path) for name in ("beat-a", "beat-b")]
    try:
        wait_until(lambda: sweeps_sent(client) >= 2, 20, message="the first sweeps")
        holders = [b for b in beats if holds_lock(b)]
        assert len(holders) == 1, f"{len(holders)} beats hold notifications' lock"
        [holder] = holders
        [standby] = [b for b in beats if b is not holder]
        prune_last_run = last_run(client, PRUNE)
        assert prune_last_run, "a new entry's clock starts when it is first scheduled"

        before = sweeps_sent(client)
        time.sleep(2.5)
        # One beat sends one sweep per half second (5 here); two would send twice as many.
        assert sweeps_sent(client) - before <= 2.5 / SWEEP + 2
        assert "Sending due task" not in standby.log()

        holder.kill()  # SIGKILL: its lock stays until it expires, then the standby takes over
        wait_until(lambda: holds_lock(standby), 10, message="the standby to take the lock")
        taken_over = sweeps_sent(client)
        wait_until(lambda: sweeps_sent(client) > taken_over, 5, message="sweeps from the standby")
        standby.stop()  # SIGTERM: lets go of the lock
        assert not client.exists(LOCK)

        alive = tmp_path / "alive"
        restarted = compose_beat("beat-c", {**env, "KNOOP_BEAT_ALIVE_FILE": str(alive)}, tmp_path)
        beats.append(restarted)
        wait_until(lambda: holds_lock(restarted), 20, message="the restarted beat to take the lock")
        # Its ticks touch the file its liveness probe reads (deploy/kubernetes).
        wait_until(lambda: main_alive([str(alive), "5"]) == 0, 10, message="beat to touch its alive file")
        # The 6-hourly prune remembers when it last ran (a schedule in /tmp restarted its clock).
        assert last_run(client, PRUNE) == prune_last_run
        resumed = sweeps_sent(client)
        wait_until(lambda: sweeps_sent(client) > resumed, 5, message="sweeps after the restart")
    finally:
        for beat in beats:
            beat.stop()
    assert not any(b.process.returncode not in (0, -signal.SIGKILL, -signal.SIGTERM) for b in beats)
