"""The wrong-code guard against a real Redis, with several web processes sharing its counters: only
wrong codes count, exactly the limit of them gets through across processes, simultaneous or not,
and once refused a guesser stays refused until the window ends."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask

from services.appreciation import wrong_codes
from services.appreciation.wrong_codes import limit_wrong_codes

pytestmark = pytest.mark.integration

LIMIT = 3


def web_process(redis_url: str, limit: int = LIMIT) -> Flask:
    """One gunicorn worker's worth of app: a code is right ("goed") or not there (404)."""
    app = Flask(__name__)
    app.secret_key = "test"

    @app.post("/probeer/<code>")
    def attempt(code):
        if code.startswith("traag"):  # a right code that takes a while (a busy database)
            time.sleep(float(code[5:] or 0.05))
        return ("ingewisseld", 201) if code == "goed" or code.startswith("traag") else ("onbekend", 404)

    limit_wrong_codes(app, redis_url, f"{limit} per hour", ["attempt"])
    return app


def tries(app: Flask, *codes: str) -> list[int]:
    client = app.test_client()
    return [client.post(f"/probeer/{code}").status_code for code in codes]


def test_right_codes_never_count(redis_url):
    app = web_process(redis_url)
    assert tries(app, *["goed"] * 10) == [201] * 10
    assert tries(app, "fout", "goed") == [404, 201]


def test_the_limit_is_exact_across_processes_and_a_refusal_stays_until_the_window_ends(redis_url):
    first, second, third = (web_process(redis_url) for _ in range(3))
    assert tries(first, "a", "b") == [404, 404]
    assert tries(second, "c", "d", "goed") == [404, 429, 429]  # the third wrong code was the last
    assert tries(third, "goed", "e") == [429, 429]  # no extra try for a process that had not seen it
    assert tries(first, "goed", "f", "goed") == [429, 429, 429]  # never back to 404 or 201


def test_right_codes_between_wrong_ones_leave_the_whole_limit_to_the_wrong_ones(redis_url):
    first, second = web_process(redis_url), web_process(redis_url)
    assert tries(first, "goed", "a", "goed", "goed") == [201, 404, 201, 201]
    assert tries(second, "goed", "b", "goed", "c", "goed") == [201, 404, 201, 404, 429]


def test_simultaneous_wrong_codes_from_several_processes_get_exactly_the_limit_through(redis_url):
    limit, attempts = 20, 60
    processes = [web_process(redis_url, limit) for _ in range(4)]
    barrier = threading.Barrier(attempts)

    def attempt(i: int) -> int:
        client = processes[i % len(processes)].test_client()
        barrier.wait()
        return client.post(f"/probeer/fout{i}").status_code

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        answers = list(pool.map(attempt, range(attempts)))
    assert sorted(answers) == [404] * limit + [429] * (attempts - limit)
    for process in processes:  # and every process refuses from then on, a right code too
        assert tries(process, "fout", "goed") == [429, 429]


def test_more_right_codes_at_once_than_the_limit_wait_their_turn_and_count_for_nothing(redis_url):
    processes = [web_process(redis_url) for _ in range(3)]
    barrier = threading.Barrier(12)

    def attempt(i: int) -> int:
        client = processes[i % len(processes)].test_client()
        barrier.wait()
        return client.post("/probeer/traag").status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        assert list(pool.map(attempt, range(12))) == [201] * 12
    assert tries(processes[0], "a", "b", "c", "d") == [404, 404, 404, 429]


def test_an_attempt_kept_waiting_too_long_by_attempts_in_flight_is_refused_but_closes_nothing(
    redis_url, monkeypatch
):
    monkeypatch.setattr(wrong_codes, "BUSY_WAIT_SECONDS", 0.2)
    app = web_process(redis_url)
    barrier = threading.Barrier(LIMIT + 1)

    def attempt(code: str) -> int:
        client = app.test_client()
        barrier.wait()
        if code == "fout":
            time.sleep(0.1)  # after the slow ones took every slot
        return client.post(f"/probeer/{code}").status_code

    with ThreadPoolExecutor(max_workers=LIMIT + 1) as pool:
        answers = list(pool.map(attempt, ["traag0.6"] * LIMIT + ["fout"]))
    assert answers == [201] * LIMIT + [429]
    assert tries(app, "a", "goed") == [404, 201]  # the window is still open


def test_without_redis_the_counter_keeps_working_without_waiting_on_it_each_time():
    app = web_process("redis://127.0.0.1:1/0")
    started = time.monotonic()
    assert tries(app, "goed", "fout", *["goed"] * 20) == [201, 404] + [201] * 20
    assert time.monotonic() - started < 1.5  # one failed connect, then a pause, not one per attempt
