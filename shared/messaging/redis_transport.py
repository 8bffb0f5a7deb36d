"""Kombu's Redis transport, without the moment in which a taken message belongs to nobody.

Kombu takes a message with ``BRPOP`` and only then, in a second command, writes it to its
``unacked`` hash. A worker killed between the two (the reply still in its socket, or being
parsed) has removed the message from the queue without recording it anywhere: acks_late cannot
bring it back, and the message is lost (kombu issue #305, celery issue #4354). Our crash test hit
this about once in four runs.

Here the message is taken with ``BLMOVE`` into an in-flight list of its queue, atomically, and
leaves that list in the same script that writes it to ``unacked``. It is therefore always in one
of: the queue, the in-flight list, or ``unacked``. Kombu's periodic restore brings back messages
left in ``unacked`` by a dead worker; the sweep added here does the same for the in-flight list:
a message seen there by two sweeps more than a minute (or the visibility timeout, if shorter)
apart goes back to the front of its queue. A live consumer records its message within
milliseconds; one whose reply was held up longer (kombu holds replies while a worker has no
prefetch credit) finds the message gone when it records it, and drops its copy instead of running
it twice.

Limits: one key per queue (priorities are off, ``priority_steps=[0]``), no ``global_keyprefix``,
and ``basic_get`` (not used by workers) still takes with a plain ``RPOP``.
"""

from __future__ import annotations

import contextlib
import logging
from queue import Empty
from time import monotonic, time

from kombu.transport import redis, virtual
from kombu.utils.encoding import bytes_to_str
from kombu.utils.json import dumps, loads

log = logging.getLogger(__name__)

INFLIGHT_SUFFIX = "inflight"
SEEN_SUFFIX = "inflight.seen"

# KEYS: in-flight list, queue, seen-hash. ARGV: grace (seconds). Redis's own clock, so workers on
# hosts whose clocks differ agree. Atomic, so workers sweeping at the same time restore a message once.
_SWEEP = """
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

# KEYS: in-flight list, unacked index, unacked hash. ARGV: item, delivery tag, now, record.
# The message becomes unacknowledged only if it is still in flight: if a sweep has already put it
# back in its queue (its reply was held up longer than the grace), this copy is dropped, not run.
_RECORD = """
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[4])
return 1
"""

# A message left in flight has no live consumer; a consumer that was only slow drops its copy.
INFLIGHT_GRACE_SECONDS = 60


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
        keys = [inflight_key, self.unacked_index_key, self.unacked_key]
        # Atomic: out of the in-flight list and into unacked at once, or not at all. On a client
        # of its own, as kombu's append does: never on the connection that waits in BLMOVE.
        with self.channel.conn_or_acquire() as client:
            args = [item, delivery_tag, time(), record]
            if not self.channel.record_script(keys=keys, args=args, client=client):
                raise AlreadyBack(delivery_tag)
        virtual.QoS.append(self, message, delivery_tag)

    def restore_visible(self, start=0, num=10, interval=10) -> None:
        due = self._vrestore_count % (interval or 1) == 0  # the same throttle as kombu's restore
        super().restore_visible(start=start, num=num, interval=interval)
        if due:
            self.channel.restore_inflight()


class Channel(redis.Channel):
    QoS = QoS
    taken: tuple[str, bytes] | None = None  # the message read but not yet recorded as unacked
    _taking_from: str | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.global_keyprefix:
            raise ValueError("the reliable Redis transport does not support global_keyprefix")
        self._sweep = self.client.register_script(_SWEEP)
        self.record_script = self.client.register_script(_RECORD)

    @staticmethod
    def inflight_key(queue: str) -> str:
        return f"{queue}.{INFLIGHT_SUFFIX}"

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
            self.connection._deliver(loads(bytes_to_str(item)), queue)
        except AlreadyBack:
            return  # its other copy, back in the queue, is the one that runs
        finally:
            # Not recorded by QoS.append: a no-ack consumer (at most once, as it asked) or a
            # message that cannot be decoded (kombu drops those too). Either way it is done.
            if self.taken is not None:
                self.taken = None
                with self.conn_or_acquire() as client:
                    client.lrem(self.inflight_key(queue), 1, item)

    def restore_inflight(self) -> int:
        """Put messages back that a dead consumer took but never recorded; how many."""
        grace = min(self.visibility_timeout, INFLIGHT_GRACE_SECONDS)
        restored = 0
        with self.conn_or_acquire() as client:
            for queue in self.active_queues:
                keys = [self.inflight_key(queue), queue, f"{queue}.{SEEN_SUFFIX}"]
                try:
                    restored += int(self._sweep(keys=keys, args=[grace], client=client))
                except self.ResponseError:  # the next sweep tries again; consuming goes on
                    log.exception("sweeping the in-flight list of %s failed", queue)
        return restored


class Transport(redis.Transport):
    Channel = Channel
