"""The broker transport against a real redis-server: a message taken by a consumer that dies before
recording it comes back, and a live consumer's messages are neither restored nor left behind."""

import contextlib
import time

import pytest
import redis as redis_py
from kombu import Connection, Consumer, Exchange, Producer, Queue
from kombu.transport import redis as stock_redis
from kombu.utils.eventio import poll

from shared.messaging.redis_transport import Transport

pytestmark = pytest.mark.integration

GRACE = 1  # seconds: the visibility timeout, after which an in-flight message counts as orphaned
QUEUE = Queue("werk", Exchange("werk", type="direct"), routing_key="werk")
OPTIONS = {"visibility_timeout": GRACE, "priority_steps": [0]}


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


def take_and_vanish(url: str, transport) -> None:
    """A consumer asks Redis for a message and dies before it reads the reply."""
    connection, channel = take_without_reading(url, transport, [])
    channel.client.connection.disconnect()  # as SIGKILL would: the reply is never read
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
    with connect(url) as connection:
        channel = connection.channel()
        Consumer(channel, [QUEUE]).consume()
        return channel.restore_inflight()


def test_a_message_taken_by_a_consumer_that_dies_before_recording_it_comes_back(redis_url):
    publish(redis_url, "herinnering 1")
    take_and_vanish(redis_url, Transport)

    raw = redis_py.Redis.from_url(redis_url)
    assert raw.lrange("werk.inflight", 0, -1), "the message is in nobody's hands but the list's"
    assert sweep(redis_url) == 0  # first sighting: it may belong to a live consumer
    time.sleep(GRACE + 0.2)
    assert sweep(redis_url) == 1

    assert drain(redis_url, 1) == ["herinnering 1"]
    assert raw.llen("werk.inflight") == 0
    assert raw.hlen("unacked") == 0


def test_stock_kombu_loses_that_message(redis_url):
    """Why the transport exists: the same death with kombu's own transport leaves it nowhere."""
    publish(redis_url, "herinnering 1")
    take_and_vanish(redis_url, stock_redis.Transport)

    raw = redis_py.Redis.from_url(redis_url)
    assert raw.llen("werk") == 0
    assert raw.hlen("unacked") == 0
    assert not raw.exists("werk.inflight")


def test_live_consumers_leave_nothing_in_flight_and_lose_nothing_to_the_sweep(redis_url):
    bodies = [f"bericht {n}" for n in range(50)]
    publish(redis_url, *bodies)
    assert sweep(redis_url) == 0

    assert sorted(drain(redis_url, 50)) == sorted(bodies)

    raw = redis_py.Redis.from_url(redis_url)
    time.sleep(GRACE + 0.2)
    assert sweep(redis_url) == 0
    assert raw.llen("werk.inflight") == 0
    assert raw.hlen("werk.inflight.seen") == 0
    assert raw.hlen("unacked") == 0


def test_an_unacknowledged_message_is_restored_once_by_kombu_not_twice(redis_url):
    """A consumer that recorded the message and then died: kombu's unacked restore brings it back,
    and the in-flight sweep (which no longer holds it) adds no second copy."""
    publish(redis_url, "eenmaal")
    connection = connect(redis_url)
    channel = connection.channel()
    Consumer(channel, [QUEUE], callbacks=[lambda body, message: None]).consume()  # never acks
    connection.drain_events(timeout=5)
    raw = redis_py.Redis.from_url(redis_url)
    assert raw.hlen("unacked") == 1 and raw.llen("werk.inflight") == 0
    channel.client.connection.disconnect()  # died without acknowledging
    channel.qos._delivered.clear()  # and so never gave it back at shutdown either
    connection.release()

    time.sleep(GRACE + 0.2)
    with connect(redis_url) as other:
        restorer = other.channel()
        Consumer(restorer, [QUEUE]).consume()
        restorer.qos.restore_visible(interval=1)
        restorer.qos.restore_visible(interval=1)
    assert raw.llen("werk") == 1
    assert drain(redis_url, 1) == ["eenmaal"]


def test_a_consumer_whose_reply_was_held_up_past_the_sweep_drops_its_copy(redis_url):
    """kombu holds a reply while its worker has no prefetch credit; if the sweep has put the
    message back meanwhile, the slow consumer must not run it too."""
    publish(redis_url, "eenmaal")
    slow_received: list = []
    slow, _ = take_without_reading(redis_url, Transport, slow_received)
    assert sweep(redis_url) == 0
    time.sleep(GRACE + 0.2)
    assert sweep(redis_url) == 1  # back in the queue

    with contextlib.suppress(TimeoutError):
        slow.drain_events(timeout=2)  # the held reply is read now
    slow.release()

    assert slow_received == []
    assert drain(redis_url, 1) == ["eenmaal"]
    raw = redis_py.Redis.from_url(redis_url)
    assert raw.llen("werk") == 0 and raw.llen("werk.inflight") == 0 and raw.hlen("unacked") == 0
