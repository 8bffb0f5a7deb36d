"""Dead letters: work that failed for good, kept where an operator can see and replay it.

Two kinds share one table. A *task* that failed after its last retry keeps its name and arguments
and is replayed by sending the task again. A *poisoned message* (bytes on a queue that are not JSON,
JSON that is not a Kombu message, a task nobody here knows, a body that is not a task's arguments)
keeps its raw bytes, its queue and the reason; it is replayed by putting those bytes, or bytes an
operator fixed, back on the queue.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, LargeBinary, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Database, UTCDateTime, utcnow


class DeadLetterMixin:
    """Columns of a service's `dead_letters` table."""

    __tablename__ = "dead_letters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    task_id: Mapped[str] = mapped_column(String(200))
    task_name: Mapped[str] = mapped_column(String(200))
    args: Mapped[list] = mapped_column(JSON)
    kwargs: Mapped[dict] = mapped_column(JSON)
    error: Mapped[str] = mapped_column(Text)
    retries: Mapped[int] = mapped_column(Integer, default=0)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    replayed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Poisoned messages only: the queue they were taken from and the bytes found there.
    queue: Mapped[str] = mapped_column(String(200), default="", server_default="")
    raw: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


def add_poison_columns(op) -> None:
    """The migration step that lets a service's `dead_letters` hold poisoned messages."""
    import sqlalchemy as sa

    with op.batch_alter_table("dead_letters") as batch:
        batch.add_column(sa.Column("queue", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("raw", sa.LargeBinary(), nullable=True))


def drop_poison_columns(op) -> None:
    with op.batch_alter_table("dead_letters") as batch:
        batch.drop_column("raw")
        batch.drop_column("queue")


class DeadLetterBox:
    """Records failed tasks and poisoned messages, and sends them again on an operator's word."""

    def __init__(self, db: Database, model: type[DeadLetterMixin], queue: str):
        self.db = db
        self.model = model
        self.queue = queue

    def record(self, task_id: str, task_name: str, args, kwargs, error: str, retries: int) -> None:
        with self.db.transaction() as session:
            session.add(
                self.model(
                    task_id=task_id,
                    task_name=task_name,
                    args=list(args or []),
                    kwargs=dict(kwargs or {}),
                    error=error,
                    retries=retries,
                    queue=self.queue,
                )
            )

    def bury(self, queue: str, raw: bytes, reason: str, task_id: str = "", task_name: str = "") -> int:
        """Keep a message that no worker can run; returns the dead letter's id."""
        with self.db.transaction() as session:
            letter = self.model(
                task_id=task_id[:200],
                task_name=task_name[:200],
                args=[],
                kwargs={},
                error=reason,
                retries=0,
                queue=queue,
                raw=raw,
            )
            session.add(letter)
            session.flush()
            return letter.id

    def pending(self) -> list[DeadLetterMixin]:
        with self.db.reader() as session:
            return list(
                session.scalars(
                    select(self.model).where(self.model.replayed_at.is_(None)).order_by(self.model.id)
                )
            )

    def get(self, letter_id: int) -> DeadLetterMixin | None:
        with self.db.reader() as session:
            return session.get(self.model, letter_id)

    def replay(self, celery_app, letter_id: int, body: bytes | None = None) -> bool:
        """Send the work again (consumers are idempotent, so this is safe); False if unknown or
        already replayed. A poisoned message goes back as its raw bytes, or as `body` (fixed by an
        operator) in their place; a failed task is sent again by name."""
        with self.db.transaction() as session:
            letter = session.get(self.model, letter_id)
            if letter is None or letter.replayed_at is not None:
                return False
            if letter.raw is not None or body is not None:
                _push_raw(celery_app, letter.queue or self.queue, body if body is not None else letter.raw)
            else:
                celery_app.send_task(
                    letter.task_name, args=letter.args, kwargs=letter.kwargs, queue=letter.queue or self.queue
                )
            letter.replayed_at = utcnow()
            return True


def _push_raw(celery_app, queue: str, raw: bytes) -> None:
    """Put bytes on a queue as a producer would (Kombu's Redis transport publishes with LPUSH)."""
    with celery_app.connection_for_write() as connection:
        connection.default_channel.client.lpush(queue, raw)
