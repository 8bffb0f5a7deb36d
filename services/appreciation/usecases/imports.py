"""Nominations from a large CSV file: kept as a job and nominated a chunk at a time by
appreciation's own worker, each chunk in one transaction with the job's counters and the command
for the next chunk. A crash repeats at most the chunk it interrupted, and a chunk that ran once
does nothing when it is asked for again."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from services.appreciation.domain import imports as rules
from services.appreciation.domain.errors import NotFound
from services.appreciation.links import Links
from services.appreciation.models import NominationImport, NominationImportRow
from services.appreciation.usecases.common import outbox
from services.appreciation.usecases.nominations import (
    NominationReport,
    RowResult,
    cells,
    nominate_many,
    nominate_row,
)
from services.appreciation.usecases.passes import nominating_member
from shared.db import utcnow
from shared.identity import Principal

CONTINUE_NOMINATIONS = "appreciation.continue_nominations"


@dataclass(frozen=True)
class Limits:
    inline_rows: int  # a file of up to this many rows is nominated at once
    chunk_rows: int  # a larger one this many rows per command

    @classmethod
    def of(cls, settings) -> Limits:
        """The limits the service's settings give (KNOOP_NOMINATION_INLINE_ROWS, …_CHUNK_ROWS)."""
        return cls(settings.nomination_inline_rows, settings.nomination_chunk_rows)


def nominate_file(
    session: Session,
    principal: Principal,
    file: tuple[int, Iterable[tuple[int, dict]]],
    links: Links,
    organisation_id: str | None,
    limits: Limits,
) -> NominationReport | NominationImport:
    """A nomination file (`read_rows`' answer): nominated now with its report when small, else kept
    as an import job. The page and the API both come here."""
    total, rows = file
    if total <= limits.inline_rows:
        return nominate_many(session, principal, rows, links, organisation_id)
    return start(session, principal, rows, total, organisation_id, limits.chunk_rows)


def start(
    session: Session,
    principal: Principal,
    rows: Iterable[tuple[int, dict]],
    total: int,
    organisation_id: str | None,
    chunk_rows: int,
) -> NominationImport:
    """Keep the file's rows as a job for the member (the coordinator: the chosen member, checked
    now) and queue its first chunk."""
    member = nominating_member(session, principal, organisation_id)
    job = NominationImport(
        network_id=principal.network_id,
        organisation_id=member,
        started_by_role=principal.role,
        started_by_token=principal.token_id,
        total=total,
    )
    session.add(job)
    session.flush()
    # One INSERT for every row (executemany): a file of thousands of rows is kept while the person waits.
    session.execute(
        insert(NominationImportRow), [{"import_id": job.id, "line": line, **cells(row)} for line, row in rows]
    )
    _queue(session, job, 0, chunk_rows)
    return job


def _queue(session: Session, job: NominationImport, start_at: int, size: int) -> None:
    data = {"import_id": job.id, "start": start_at, "size": size}
    outbox.add_task(session, CONTINUE_NOMINATIONS, job.network_id, data)


def continue_import(session: Session, import_id: str, start_at: int, size: int, links: Links) -> int:
    """appreciation.continue_nominations: nominate the chunk of rows after the first `start_at`,
    advance the job's counters and queue the next chunk. A chunk that has run (a redelivery, a
    repeated command) finds the job past `start_at` and does nothing."""
    job = session.get(NominationImport, import_id)
    count = rules.chunk_after(start_at, job.total, size) if job is not None else 0
    if not count or not _claim(session, job, start_at, count):
        return 0
    principal = rules.acting_as(job.started_by_role, job.network_id, job.organisation_id)
    outcomes: Counter[str] = Counter()
    for row in _pending(session, job.id, count):
        result = nominate_row(session, principal, row.line, _cells(row), links, job.organisation_id)
        row.outcome, row.reason, row.address = result.outcome, result.reason, result.email
        outcomes[result.outcome] += 1
    session.execute(
        update(NominationImport)
        .where(NominationImport.id == job.id)
        .values({getattr(NominationImport, o): getattr(NominationImport, o) + n for o, n in outcomes.items()})
    )
    if start_at + count < job.total:
        _queue(session, job, start_at + count, size)
    return count


def _claim(session: Session, job: NominationImport, start_at: int, count: int) -> bool:
    """Move the job from `start_at` rows done to `start_at + count`, only from there: of two runs
    of one chunk the second finds nothing to claim (and waits for the first's commit to see so)."""
    done, now = start_at + count, utcnow()
    values = {"done": done, "status": rules.status_after(done, job.total)}
    if start_at == 0:
        values["started_at"] = now
    if done >= job.total:
        values["finished_at"] = now
    claimed = session.execute(
        update(NominationImport)
        .where(NominationImport.id == job.id, NominationImport.done == start_at)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(claimed.rowcount)


def _pending(session: Session, import_id: str, count: int) -> list[NominationImportRow]:
    query = (
        select(NominationImportRow)
        .where(NominationImportRow.import_id == import_id, NominationImportRow.outcome.is_(None))
        .order_by(NominationImportRow.line)
        .limit(count)
    )
    return list(session.scalars(query))


def _cells(row: NominationImportRow) -> dict:
    return {"name": row.name, "email": row.email, "language": row.language, "overflow": row.overflow}


@dataclass(frozen=True)
class Progress:
    job: NominationImport
    report: NominationReport | None  # once the job is done


def progress(session: Session, principal: Principal, import_id: str) -> Progress:
    """How far the job is and, once done, its per-row report; only for the party that started it
    (domain.imports.may_follow)."""
    job = session.get(NominationImport, import_id)
    if job is None or not rules.may_follow(
        principal, job.started_by_role, job.network_id, job.organisation_id
    ):
        raise NotFound("no such import")
    if job.status != rules.DONE:
        return Progress(job, None)
    rows = session.scalars(
        select(NominationImportRow)
        .where(NominationImportRow.import_id == job.id)
        .order_by(NominationImportRow.line)
    )
    return Progress(job, NominationReport([RowResult(r.line, r.outcome, r.reason, r.address) for r in rows]))
