"""The broker transport against a real redis-server: a message taken or held by a consumer that dies
comes back within the consumer's heartbeat, a live consumer's messages are neither restored nor left
behind, and bytes that are no Kombu message reach the consumer as a poison wrapper."""

import contextlib
import time

import pytest
import redis as redis_py
from kombu import Connection, Consumer, Exchange, Producer, Queue
from kombu.transport import redis as stock_redis
from kombu.utils.eventio import poll

from deploy.local.harness import wait_until
from shared.messaging.poison import POISON_HEADER
from shared.messaging.redis_transport import Transport

pytestmark = pytest.mark.integration

HEARTBEAT = 1  # seconds: a consumer silent this long counts as dead
VISIBILITY = 2  # seconds: after this, a message without an owner counts as orphaned
QUEUE = Queue("werk", Exchange("werk", type="direct"), routing_key="werk")
OPTIONS = {"visibility_timeout": VISIBILITY, "priority_steps": [0], "heartbeat_seconds": HEARTBEAT}


def connect(url: str, transport=Transport) -> Connection:
    return Connection(url, transport=transport, transport_options=OPTIONS)


def publish(url: str, *bodies: str) -> None:
    with connect(url) as connection:
        producer = Producer(connection)
        for body in bodies:
            producer.publish(body, exchange=QUEUE.exchange, routing_key="werk", declare=[QUEUE])


def take_without_reading(url: str, transport, received: list) -> tuple[Connection, object]:
    """A consumer asks Redis for a message; Redis hands it over; the reply waits in the socket."""
    connection = connect(url, transport)
    channel = connection.channel()
    Consumer(channel, [QUEUE], callbacks=[lambda body, message: received.append(body)]).consume()
    poller = connection.transport.cycle  # what Celery's event loop does on its first tick
    poller.on_poll_init(poll())
    poller.on_poll_start()  # sends the blocking take
    raw = redis_py.Redis.from_url(url)
    deadline = time.monotonic() + 5
    while raw.llen("werk") and time.monotonic() < deadline:
        time.sleep(0.01)
    assert raw.llen("werk") == 0, "Redis never handed out the message"
    return connection, channel


def die(channel) -> None:
    """As SIGKILL would: no more heartbeats, no clean-up, nothing given back."""
    if hasattr(channel, "heartbeat"):
        channel.heartbeat._stop.set()
        channel.heartbeat._thread.join()
        channel.heartbeat._client = None  # nor does it say goodbye when its connection is dropped
    channel.qos._delivered.clear()
    channel.client.connection.disconnect()


def take_and_vanish(url: str, transport) -> None:
    """A consumer asks Redis for a message and dies before it reads the reply."""
    connection, channel = take_without_reading(url, transport, [])
    die(channel)
    connection.release()


def drain(url: str, expected: int) -> list[str]:
    received = []

    def on_message(body, message):
        received.append(body)
        message.ack()

    with connect(url) as connection, Consumer(connection, [QUEUE], callbacks=[on_message]):
        deadline = time.monotonic() + 10
        while len(received) < expected and time.monotonic() < deadline:
            with contextlib.suppress(TimeoutError):
                connection.drain_events(timeout=0.5)
    return received


def sweep(url: str) -> int:
    """One sweep by another live consumer: in-flight lists and unacked messages of the dead."""
    with connect(url) as connection:
        channel = connection.channel()
        Consumer(channel, [QUEUE]).consume()
        before = redis_py.Redis.from_url(url).hlen("unacked")
        restored = channel.restore_inflight()
        channel.qos.restore_visible(interval=1)
        return restored + before - redis_py.Redis.from_url(url).hlen("unacked")


def in_flight(raw) -> int:
    return sum(raw.llen(key) for key in raw.scan_iter("werk.inflight*") if raw.type(key) == b"list")


def test_a_message_taken_by_a_consumer_that_dies_before_recording_it_comes_back(redis_url):
    publish(redis_url, "herinnering 1")
    take_and_vanish(redis_url, Transport)

    raw = redis_py.Redis.from_url(redis_url)
    assert in_flight(raw) == 1, "the message is in nobody's hands but its consumer's list"
    assert sweep(redis_url) == 0  # its heartbeat has not lapsed yet: it may still be alive
    time.sleep(HEARTBEAT + 0.2)
    assert sweep(redis_url) == 1

    assert drain(redis_url, 1) == ["herinnering 1"]
    assert in_flight(raw) == 0
    assert raw.hlen("unacked") == 0


def test_stock_kombu_loses_that_message(redis_url):
    """Why the transport exists: the same death with kombu's own transport leaves it nowhere."""
    publish(redis_url, "herinnering 1")
    take_and_vanish(redis_url, stock_redis.Transport)

    raw = redis_py.Redis.from_url(redis_url)
    assert raw.llen("werk") == 0
    assert raw.hlen("unacked") == 0
    assert in_flight(raw) == 0


def test_live_consumers_leave_nothing_in_flight_and_lose_nothing_to_the_sweep(redis_url):
    bodies = [f"bericht {n}" for n in range(50)]
    publish(redis_url, *bodies)
    assert sweep(redis_url) == 0

    assert sorted(drain(redis_url, 50)) == sorted(bodies)

    raw = redis_py.Redis.from_url(redis_url)
    time.sleep(VISIBILITY + 0.2)
    assert sweep(redis_url) == 0
    assert in_flight(raw) == 0
    assert raw.hlen("unacked") == 0 and raw.hlen("unacked.owner") == 0


def held_without_ack(url: str) -> tuple[Connection, object]:
    """A consumer that took and recorded a message and is still working on it."""
    connection = connect(url)
    channel = connection.channel()
    Consumer(channel, [QUEUE], callbacks=[lambda body, message: None]).consume()  # never acks
    connection.drain_events(timeout=5)
    return connection, channel


def test_an_unacknowledged_message_of_a_dead_consumer_is_back_within_its_heartbeat_not_its_timeout(
    redis_url,
):
    """A consumer that recorded the message and then died: the sweep brings it back once its
    heartbeat has lapsed, long before the visibility timeout, and only once."""
    OPTIONS["visibility_timeout"] = 3600
    try:
        publish(redis_url, "eenmaal")
        connection, channel = held_without_ack(redis_url)
        raw = redis_py.Redis.from_url(redis_url)
        assert raw.hlen("unacked") == 1 and in_flight(raw) == 0
        die(channel)
        connection.release()

        time.sleep(HEARTBEAT + 0.2)
        assert sweep(redis_url) == 1
        assert sweep(redis_url) == 0
        assert raw.llen("werk") == 1
        assert drain(redis_url, 1) == ["eenmaal"]
    finally:
        OPTIONS["visibility_timeout"] = VISIBILITY


def test_a_live_consumer_keeps_its_unacknowledged_message_past_the_visibility_timeout(redis_url):
    """A task waiting for its retry's countdown is held for longer than any timeout: as long as
    its worker lives, nobody else gets a copy."""
    publish(redis_url, "even geduld")
    connection, _ = held_without_ack(redis_url)
    try:
        time.sleep(VISIBILITY + HEARTBEAT + 0.5)
        assert sweep(redis_url) == 0
        raw = redis_py.Redis.from_url(redis_url)
        assert raw.hlen("unacked") == 1 and raw.llen("werk") == 0
    finally:
        connection.release()


def test_a_message_whose_consumer_is_slow_but_alive_stays_with_it(redis_url):
    """kombu holds a reply while its worker has no prefetch credit: a live consumer keeps it."""
    publish(redis_url, "eenmaal")
    received: list = []
    slow, _ = take_without_reading(redis_url, Transport, received)
    time.sleep(HEARTBEAT + 0.2)
    assert sweep(redis_url) == 0

    with contextlib.suppress(TimeoutError):
        slow.drain_events(timeout=2)  # the held reply is read now
    slow.release()
    assert received == ["eenmaal"]


def test_a_consumer_stalled_past_its_heartbeat_drops_its_copy(redis_url):
    """A consumer whose heartbeat lapsed has lost its message to the sweep; when it wakes up it
    must not run it too."""
    publish(redis_url, "eenmaal")
    stalled_received: list = []
    stalled, channel = take_without_reading(redis_url, Transport, stalled_received)
    channel.heartbeat._stop.set()
    channel.heartbeat._thread.join()
    time.sleep(HEARTBEAT + 0.2)
    assert sweep(redis_url) == 1  # back in the queue

    with contextlib.suppress(TimeoutError):
        stalled.drain_events(timeout=2)  # the held reply is read now
    stalled.release()

    assert stalled_received == []
    assert drain(redis_url, 1) == ["eenmaal"]
    raw = redis_py.Redis.from_url(redis_url)
    assert raw.llen("werk") == 0 and in_flight(raw) == 0 and raw.hlen("unacked") == 0


@pytest.mark.parametrize(
    ("raw_bytes", "reason"),
    [
        (b"not json", "not JSON"),
        (b"\xff\xfe\x00junk", "not JSON"),
        (b'{"hello": "world"}', "not a Kombu message"),
        (b"[1, 2, 3]", "not a Kombu message: a JSON list"),
        (
            b'{"body": "e30=", "headers": {}, "properties": {"delivery_tag": "t",'
            b' "delivery_info": {"exchange": "", "routing_key": "werk"}, "body_encoding": "rot13"}}',
            "not a Kombu message",
        ),
    ],
)
def test_bytes_that_are_no_kombu_message_reach_the_consumer_as_poison_with_their_raw_bytes(
    redis_url, raw_bytes, reason
):
    raw = redis_py.Redis.from_url(redis_url)
    raw.lpush("werk", raw_bytes)
    publish(redis_url, "daarna")
    received = []

    def on_message(body, message):
        received.append((message.headers, message.body, body))
        message.ack()

    with connect(redis_url) as connection, Consumer(connection, [QUEUE], callbacks=[on_message]):
        deadline = time.monotonic() + 10
        while len(received) < 2 and time.monotonic() < deadline:
            with contextlib.suppress(TimeoutError):
                connection.drain_events(timeout=0.5)
    (headers, cargo, _), (next_headers, _, next_body) = received
    assert headers[POISON_HEADER].startswith(reason)
    assert cargo == raw_bytes
    assert POISON_HEADER not in next_headers and next_body == "daarna"  # and on it goes
    assert raw.llen("werk") == 0 and in_flight(raw) == 0 and raw.hlen("unacked") == 0


def test_a_channel_that_fails_to_close_stops_beating_so_what_it_took_comes_back(redis_url, monkeypatch):
    """Celery closes a broken connection's channels ignoring their errors; the message such a
    channel took must not be held for ever by a heartbeat that outlives it."""
    publish(redis_url, "eenmaal")
    connection, channel = take_without_reading(redis_url, Transport, [])

    def broken(self):
        raise redis_py.ConnectionError("the connection went away")

    monkeypatch.setattr(stock_redis.Channel, "close", broken)
    with pytest.raises(redis_py.ConnectionError):
        channel.close()
    monkeypatch.undo()

    raw = redis_py.Redis.from_url(redis_url)
    assert not channel.heartbeat._thread.is_alive()
    assert not raw.exists(channel.heartbeat.key)
    assert sweep(redis_url) == 1 and drain(redis_url, 1) == ["eenmaal"]
    connection.release()


def test_a_consumer_struck_off_after_a_silent_moment_stands_again_at_its_next_beat(redis_url):
    """A sweep strikes off a consumer it found silent; if that consumer was only stalled, it must
    be found again, or a later death of it would leave its in-flight message there for good."""
    publish(redis_url, "eenmaal")
    connection, channel = take_without_reading(redis_url, Transport, [])
    raw = redis_py.Redis.from_url(redis_url)
    raw.srem("werk.consumers", channel.consumer_id)  # as a sweep does after a lapse

    wait_until(lambda: raw.sismember("werk.consumers", channel.consumer_id), 5, message="it stands again")
    die(channel)
    connection.release()
    time.sleep(HEARTBEAT + 0.2)
    assert sweep(redis_url) == 1 and drain(redis_url, 1) == ["eenmaal"]


def test_a_late_acknowledgement_does_not_forget_the_copy_another_consumer_now_holds(redis_url):
    """A consumer thought dead had its message restored and taken by another; its late ack must
    not delete the other's record, or the other's death would lose the message."""
    publish(redis_url, "eenmaal")
    held = []
    connection = connect(redis_url)
    channel = connection.channel()
    Consumer(channel, [QUEUE], callbacks=[lambda body, message: held.append(message)]).consume()
    connection.drain_events(timeout=5)
    raw = redis_py.Redis.from_url(redis_url)
    [tag] = raw.hkeys("unacked")
    raw.hset("unacked.owner", tag, "another-consumer")  # restored, and taken by someone else

    held[0].ack()
    assert raw.hexists("unacked", tag) and raw.hget("unacked.owner", tag) == b"another-consumer"
    connection.release()


def test_a_consumer_that_closes_cleanly_says_goodbye_at_once(redis_url):
    connection = connect(redis_url)
    channel = connection.channel()
    Consumer(channel, [QUEUE]).consume()
    raw = redis_py.Redis.from_url(redis_url)
    assert raw.exists(channel.heartbeat.key)
    connection.release()
    assert not raw.exists(channel.heartbeat.key)
