"""Dead letters: tasks that failed for good, kept where an operator can see and replay them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text, select
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


class DeadLetterBox:
    """Records failed tasks and sends them again on an operator's word."""

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
                )
            )

    def pending(self) -> list[DeadLetterMixin]:
        with self.db.reader() as session:
            return list(
                session.scalars(
                    select(self.model).where(self.model.replayed_at.is_(None)).order_by(self.model.id)
                )
            )

    def replay(self, celery_app, letter_id: int) -> bool:
        """Send the task again (consumers are idempotent, so this is safe); False if unknown."""
        with self.db.transaction() as session:
            letter = session.get(self.model, letter_id)
            if letter is None or letter.replayed_at is not None:
                return False
            celery_app.send_task(letter.task_name, args=letter.args, kwargs=letter.kwargs, queue=self.queue)
            letter.replayed_at = utcnow()
            return True
