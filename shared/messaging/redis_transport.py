"""Kombu's Redis transport, without the moment in which a taken message belongs to nobody, with
dead consumers found in seconds, and with unreadable messages handed on instead of crashing.

Kombu takes a message with ``BRPOP`` and only then, in a second command, writes it to its
``unacked`` hash. A worker killed between the two (the reply still in its socket, or being
parsed) has removed the message from the queue without recording it anywhere: acks_late cannot
bring it back, and the message is lost (kombu issue #305, celery issue #4354). Our crash test hit
this about once in four runs.

Here each consumer (one per channel) has an id, a heartbeat key in Redis that it renews every
second or two from a thread of its own, and an in-flight list per queue. A message is taken with
``BLMOVE`` from the queue into the consumer's in-flight list, atomically, and leaves that list in
the same script that writes it to ``unacked`` together with its owner. It is therefore always in
one of: the queue, an in-flight list, or ``unacked``. Every live consumer sweeps now and then
(``unacked_restore_interval``): whatever belongs to a consumer whose heartbeat has lapsed goes
back to the front of its queue, from its in-flight list and from ``unacked`` alike. A SIGKILLed
worker's messages are back within the heartbeat's lifetime plus one sweep, not after the
visibility timeout. The visibility timeout now applies only to messages without an owner (taken
by an older release); a live owner keeps its messages however long it holds them (a retry's
countdown, say). A consumer that was only stalled past its heartbeat finds its message gone when
it records it, and drops its copy instead of running it twice.

A message that cannot be framed as a Kombu message (bytes that are not UTF-8 or not JSON, JSON
that lacks what a Kombu message has) is not dropped: it is delivered as a *poison wrapper* that
carries the raw bytes and the reason, which the worker's consumer (shared.messaging.poison)
turns into a dead letter. Kombu's own transport raised on it, which killed or reconnected the
worker and lost the message.

Limits: one key per queue (priorities are off, ``priority_steps=[0]``), no ``global_keyprefix``,
and ``basic_get`` (not used by workers) still takes with a plain ``RPOP``.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import uuid
from queue import Empty
from time import monotonic, time

from kombu.transport import redis, virtual
from kombu.utils.encoding import bytes_to_str
from kombu.utils.json import dumps, loads

from shared.messaging.poison import TAKEN_FROM, unframed_reason, wrap_poison

log = logging.getLogger(__name__)

INFLIGHT_SUFFIX = "inflight"
SEEN_SUFFIX = "inflight.seen"
CONSUMERS_SUFFIX = "consumers"
OWNER_SUFFIX = "owner"
HEARTBEAT_PREFIX = "knoop.consumer."
# A consumer whose heartbeat key is older than this counts as dead; it renews five times as often.
DEFAULT_HEARTBEAT_SECONDS = 10.0

# KEYS: a dead consumer's in-flight list, its queue, the queue's consumer set, its heartbeat.
# ARGV: the consumer's id. Re-checked here, atomically: a consumer that came back keeps its list.
_RESCUE = """
if redis.call('EXISTS', KEYS[4]) == 1 then return -1 end
local moved = 0
while redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'RIGHT') do moved = moved + 1 end
redis.call('SREM', KEYS[3], ARGV[1])
return moved
"""

# The shared in-flight list of the previous release (one per queue, no owner): a message seen
# there by two sweeps more than a grace apart goes back to its queue. KEYS: in-flight list, queue,
# seen-hash. ARGV: grace (seconds), measured on Redis's own clock.
_LEGACY_SWEEP = """
local items = redis.call('LRANGE', KEYS[1], 0, -1)
local grace = tonumber(ARGV[1])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local present, restored = {}, 0
for _, item in ipairs(items) do
  local digest = redis.sha1hex(item)
  local first_seen = tonumber(redis.call('HGET', KEYS[3], digest))
  if first_seen == nil then
    redis.call('HSET', KEYS[3], digest, now)
    present[digest] = true
  elseif now - first_seen > grace then
    redis.call('LREM', KEYS[1], 1, item)
    redis.call('RPUSH', KEYS[2], item)
    redis.call('HDEL', KEYS[3], digest)
    restored = restored + 1
  else
    present[digest] = true
  end
end
for _, digest in ipairs(redis.call('HKEYS', KEYS[3])) do
  if not present[digest] then redis.call('HDEL', KEYS[3], digest) end
end
return restored
"""

# KEYS: in-flight list, unacked index, unacked hash, owner hash. ARGV: item, delivery tag, now,
# record, consumer id. The message becomes unacknowledged only if it is still in flight: if a
# sweep has already put it back in its queue (this consumer's heartbeat had lapsed), this copy is
# dropped, not run.
_RECORD = """
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[4])
redis.call('HSET', KEYS[4], ARGV[2], ARGV[5])
return 1
"""

# KEYS: unacked index, unacked hash, owner hash. ARGV: delivery tag, consumer id. An ack or reject
# removes the message only if it is still this consumer's: a copy restored from a consumer that
# seemed dead may meanwhile be held by another, whose record must stay.
_FORGET = """
local owner = redis.call('HGET', KEYS[3], ARGV[1])
if owner and owner ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
"""

LEGACY_GRACE_SECONDS = 60


class AlreadyBack(Exception):
    """The message was swept back into its queue before this consumer recorded it."""


class QoS(redis.QoS):
    def append(self, message, delivery_tag) -> None:
        taken, self.channel.taken = self.channel.taken, None
        if taken is None:
            return super().append(message, delivery_tag)
        inflight_key, item = taken
        delivery = message.delivery_info
        record = dumps([message._raw, delivery["exchange"], delivery["routing_key"]])
        keys = [inflight_key, self.unacked_index_key, self.unacked_key, self.owner_key]
        # Atomic: out of the in-flight list and into unacked at once, or not at all. On a client
        # of its own, as kombu's append does: never on the connection that waits in BLMOVE.
        with self.channel.conn_or_acquire() as client:
            args = [item, delivery_tag, time(), record, self.channel.consumer_id]
            if not self.channel.record_script(keys=keys, args=args, client=client):
                raise AlreadyBack(delivery_tag)
        virtual.QoS.append(self, message, delivery_tag)

    @property
    def owner_key(self) -> str:
        return f"{self.unacked_key}.{OWNER_SUFFIX}"

    def _remove_from_indices(self, delivery_tag, pipe=None):
        return super()._remove_from_indices(delivery_tag, pipe).hdel(self.owner_key, delivery_tag)

    def ack(self, delivery_tag) -> None:
        self._forget(delivery_tag)
        virtual.QoS.ack(self, delivery_tag)

    def reject(self, delivery_tag, requeue=False) -> None:
        if requeue:
            return super().reject(delivery_tag, requeue=True)
        self._forget(delivery_tag)
        virtual.QoS.ack(self, delivery_tag)

    def _forget(self, delivery_tag) -> None:
        keys = [self.unacked_index_key, self.unacked_key, self.owner_key]
        with self.channel.conn_or_acquire() as client:
            self.channel.forget_script(
                keys=keys, args=[delivery_tag, self.channel.consumer_id], client=client
            )

    def restore_visible(self, start=0, num=10, interval=10) -> None:
        """Give back what dead consumers held, and what has no owner after the visibility timeout."""
        self._vrestore_count += 1
        if (self._vrestore_count - 1) % (interval or 1):  # the same throttle as kombu's restore
            return
        with self.channel.conn_or_acquire() as client:
            try:
                with redis.Mutex(client, self.unacked_mutex_key, self.unacked_mutex_expire):
                    self._restore_unacked_of_the_dead(client, num)
            except redis.MutexHeld:
                pass
        self.channel.restore_inflight()

    def _restore_unacked_of_the_dead(self, client, num: int) -> None:
        owners = {bytes_to_str(t): bytes_to_str(o) for t, o in client.hgetall(self.owner_key).items()}
        alive = self.channel.living(set(owners.values()), client)
        for tag, owner in owners.items():
            if owner not in alive:
                self.restore_by_tag(tag, client)
        ceil = time() - self.visibility_timeout
        window = {"offset": 0, "num": num} if num else {}
        expired = client.zrange(self.unacked_index_key, ceil, 0, desc=True, byscore=True, **window)
        for tag in expired or []:
            if bytes_to_str(tag) not in owners:
                self.restore_by_tag(tag, client)


class Heartbeat:
    """A consumer's sign of life: a key that expires unless renewed, renewed from its own thread so
    that a busy event loop (or a task run in the worker's main process) does not stop it."""

    def __init__(self, channel: Channel, seconds: float):
        self.channel, self.seconds = channel, seconds
        self.key = f"{HEARTBEAT_PREFIX}{channel.consumer_id}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._client = None  # its own client on the channel's pool, kept for stop()
        self._queues: set[str] = set()

    def start(self, queues: list[str]) -> None:
        if self._client is None:
            self._client = self.channel.Client(connection_pool=self.channel.pool)
        self._queues.update(queues)
        self.beat()  # before the first take: a consumer is never unregistered and holding
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()

    def beat(self) -> None:
        """Renew the key, and stand in each queue's list of consumers again: a sweep that found
        this consumer silent for a moment has struck it off, and must find it again if it dies."""
        pipe = self._client.pipeline(transaction=False)
        pipe.set(self.key, "1", px=int(self.seconds * 1000))
        for queue in self._queues:
            pipe.sadd(f"{queue}.{CONSUMERS_SUFFIX}", self.channel.consumer_id)
        pipe.execute()

    def _run(self) -> None:
        while not self._stop.wait(self.seconds / 5):
            try:
                self.beat()
            except Exception:  # Redis away for a moment: the next beat tries again
                log.warning("consumer heartbeat failed", exc_info=True)

    def stop(self) -> None:
        """Stop beating and say so at once: a sweep then gives back whatever is left."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.delete(self.key)


class Channel(redis.Channel):
    QoS = QoS
    taken: tuple[str, bytes] | None = None  # the message read but not yet recorded as unacked
    _taking_from: str | None = None
    heartbeat_seconds: float = DEFAULT_HEARTBEAT_SECONDS
    from_transport_options = (*redis.Channel.from_transport_options, "heartbeat_seconds")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.global_keyprefix:
            raise ValueError("the reliable Redis transport does not support global_keyprefix")
        self.consumer_id = uuid.uuid4().hex
        self.heartbeat = Heartbeat(self, float(self.heartbeat_seconds))
        self._rescue = self.client.register_script(_RESCUE)
        self._legacy_sweep = self.client.register_script(_LEGACY_SWEEP)
        self.record_script = self.client.register_script(_RECORD)
        self.forget_script = self.client.register_script(_FORGET)

    def inflight_key(self, queue: str) -> str:
        return f"{queue}.{INFLIGHT_SUFFIX}.{self.consumer_id}"

    def basic_consume(self, queue, *args, **kwargs):
        if queue not in self._fanout_queues:  # broadcasts (Celery's pidbox, gossip) are not taken
            self.heartbeat.start([queue])
        return super().basic_consume(queue, *args, **kwargs)

    def close(self) -> None:
        # Celery closes a broken connection's channels ignoring errors: a channel that fails to
        # close must still stop beating, or what it had taken would be held for ever.
        try:
            super().close()  # gives back what this channel took (kombu's restore at shutdown)
        finally:
            self.heartbeat.stop()

    def living(self, consumer_ids: set[str], client) -> set[str]:
        """Those of `consumer_ids` whose heartbeat has not lapsed."""
        ids = sorted(consumer_ids)
        pipe = client.pipeline(transaction=False)
        for consumer_id in ids:
            pipe.exists(f"{HEARTBEAT_PREFIX}{consumer_id}")
        return {consumer_id for consumer_id, beat in zip(ids, pipe.execute(), strict=True) if beat}

    def _brpop_start(self, timeout=None) -> None:
        if timeout is None:
            timeout = self.brpop_timeout
        queues = self._queue_cycle.consume(len(self.active_queues))
        if not queues:
            return
        # BLMOVE watches one list; with several queues they take turns, one wait each.
        queue = self._taking_from = queues[0]
        self._in_poll = self.client.connection
        self._brpop_sent_at = monotonic()
        self.client.connection.send_command(
            "BLMOVE", queue, self.inflight_key(queue), "RIGHT", "LEFT", timeout or 0
        )

    def _brpop_read(self, **options) -> bool:
        try:
            try:
                item = self.client.parse_response(self.client.connection, "BLMOVE", **options)
            except self.connection_errors:
                # Whatever BLMOVE took stays in the in-flight list for the sweep.
                self.client.connection.disconnect()
                raise
            queue = self._taking_from
            self._queue_cycle.rotate(queue)
            if item is None:
                raise Empty()
            self._deliver_taken(queue, item)
            return True
        finally:
            self._in_poll = None
            flush = getattr(self, "_flush_brpop_reauth", None)
            if flush is not None:
                flush()

    def _poll_error(self, type, **options) -> None:
        if type != "BRPOP":
            return super()._poll_error(type, **options)
        # The pending reply may carry a message (kombu's own would read and drop it): deliver it.
        with contextlib.suppress(Empty):
            self._brpop_read(**options)

    def _deliver_taken(self, queue: str, item: bytes) -> None:
        self.taken = (self.inflight_key(queue), item)
        try:
            self.connection._deliver(self._frame(queue, item), queue)
        except AlreadyBack:
            return  # its other copy, back in the queue, is the one that runs
        finally:
            # Not recorded by QoS.append: a no-ack consumer (at most once, as it asked). Done.
            if self.taken is not None:
                self.taken = None
                with self.conn_or_acquire() as client:
                    client.lrem(self.inflight_key(queue), 1, item)

    def _frame(self, queue: str, item: bytes) -> dict:
        """The Kombu message in `item`, or a poison wrapper around it when it is none."""
        try:
            payload = loads(bytes_to_str(item))
        except (UnicodeDecodeError, ValueError) as exc:
            return wrap_poison(item, queue, f"not JSON: {exc}")
        reason = unframed_reason(payload, lambda: self.Message(payload, channel=self))
        if reason is not None:
            return wrap_poison(item, queue, reason)
        payload["properties"]["delivery_info"][TAKEN_FROM] = queue
        return payload

    def restore_inflight(self) -> int:
        """Put back what dead consumers took but never recorded; how many messages."""
        restored = 0
        with self.conn_or_acquire() as client:
            for queue in self.active_queues:
                try:
                    restored += self._rescue_queue(queue, client)
                except self.ResponseError:  # the next sweep tries again; consuming goes on
                    log.exception("sweeping the in-flight lists of %s failed", queue)
        return restored

    def _rescue_queue(self, queue: str, client) -> int:
        consumers = f"{queue}.{CONSUMERS_SUFFIX}"
        members = {bytes_to_str(m) for m in client.smembers(consumers)}
        restored = 0
        for dead in members - self.living(members, client):
            keys = [f"{queue}.{INFLIGHT_SUFFIX}.{dead}", queue, consumers, f"{HEARTBEAT_PREFIX}{dead}"]
            restored += max(0, int(self._rescue(keys=keys, args=[dead], client=client)))
        legacy = [f"{queue}.{INFLIGHT_SUFFIX}", queue, f"{queue}.{SEEN_SUFFIX}"]
        grace = min(self.visibility_timeout, LEGACY_GRACE_SECONDS)
        return restored + int(self._legacy_sweep(keys=legacy, args=[grace], client=client))


class Transport(redis.Transport):
    Channel = Channel
