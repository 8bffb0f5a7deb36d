"""The relay's sign of life: touched by its loop, read by a liveness probe."""

import os
import time

from shared.alive import AliveFile, fresh, main
from shared.operator_cli import _rounds


def test_a_file_touched_just_now_is_fresh_and_one_left_alone_goes_stale(tmp_path):
    path = tmp_path / "alive"
    AliveFile(path).touch()
    assert fresh(path, 60) and main([str(path), "60"]) == 0
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))
    assert not fresh(path, 60) and main([str(path), "60"]) == 1


def test_a_missing_file_is_not_alive(tmp_path):
    assert main([str(tmp_path / "never-touched"), "60"]) == 1


def test_the_probe_refuses_wrong_arguments():
    assert main(["/tmp/alive"]) == 2


def test_a_busy_loop_touches_the_file_at_most_every_few_seconds(tmp_path):
    path = tmp_path / "alive"
    alive = AliveFile(path, every=3600)
    alive.touch()
    long_ago = time.time() - 600
    os.utime(path, (long_ago, long_ago))
    alive.touch()  # within `every` of the first: not written again
    assert not fresh(path, 60)


def test_the_relay_touches_its_alive_file_every_round_and_never_stops(tmp_path):
    path = tmp_path / "alive"
    should_stop = _rounds(str(path))
    assert should_stop() is False and fresh(path, 60)
    assert _rounds(None)() is False
