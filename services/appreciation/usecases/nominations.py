"""Nominating a member's volunteers from a CSV file: every row nominated or refused with a reason."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from services.appreciation.domain.errors import DomainError
from services.appreciation.links import Links
from services.appreciation.usecases.passes import nominate
from shared.identity import Principal
from shared.web.spreadsheet import CsvUnreadable, read_csv


@dataclass
class RowResult:
    line: int
    outcome: str  # issued, existing, refused
    reason: str = ""
    email: str = ""


@dataclass
class NominationReport:
    rows: list[RowResult] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        return {o: sum(1 for r in self.rows if r.outcome == o) for o in ("issued", "existing", "refused")}


class BadCsv(DomainError):
    """The file cannot be read as CSV with the columns asked for."""

    field = "file"


def read_rows(text: str) -> tuple[int, Iterator[tuple[int, dict]]]:
    """(number of rows, (line, row) pairs) of a `;` or `,` separated file with a header line."""
    try:
        return read_csv(text, ("name", "email"))
    except CsvUnreadable as exc:
        raise BadCsv(str(exc)) from None


def nominate_many(
    session: Session,
    principal: Principal,
    rows: Iterable[tuple[int, dict]],
    links: Links,
    organisation_id: str | None = None,
) -> NominationReport:
    """Nominate every valid row as the calling member (the coordinator: for `organisation_id`);
    each row's outcome is reported."""
    report = NominationReport()
    for line, row in rows:
        name = (row.get("name") or "").strip()
        language = (row.get("language") or "nl").strip().lower() or "nl"
        if None in row:
            report.rows.append(RowResult(line, "refused", "the row has more cells than the header"))
            continue
        if not name or len(name) > 200:
            report.rows.append(RowResult(line, "refused", "name is empty or too long"))
            continue
        if language not in ("nl", "en"):
            report.rows.append(RowResult(line, "refused", "language must be nl or en"))
            continue
        try:
            email = validate_email((row.get("email") or "").strip(), check_deliverability=False).normalized
        except EmailNotValidError:
            report.rows.append(
                RowResult(line, "refused", "e-mail address is not valid", row.get("email") or "")
            )
            continue
        person = {"name": name, "email": email, "language": language, "organisation_id": organisation_id}
        issued = nominate(session, principal, person, links)
        report.rows.append(RowResult(line, "issued" if issued.new else "existing", email=email.lower()))
    return report
