"""Nominating a member's volunteers from a CSV file: every row nominated or refused with a reason."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from services.appreciation.domain.errors import DomainError, MemberChoice, NotAllowed
from services.appreciation.links import Links
from services.appreciation.usecases.passes import nominate, nominating_member
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


def cells(row: dict) -> dict:
    """The cells of a CSV row a nomination reads, as text, and whether it had more than the header
    (the shape a row is kept in by a job: usecases/imports.py)."""
    return {
        "name": row.get("name") or "",
        "email": row.get("email") or "",
        "language": row.get("language") or "",
        "overflow": None in row,
    }


def nominate_row(
    session: Session, principal: Principal, line: int, row: dict, links: Links, organisation_id: str | None
) -> RowResult:
    """Nominate one row's person (`row` as `cells` gives it), or say why the row is refused.
    Nominating someone who has a pass already returns it: a row never makes a second pass."""
    name, language = row["name"].strip(), row["language"].strip().lower() or "nl"
    if row["overflow"]:
        return RowResult(line, "refused", "the row has more cells than the header")
    if not name or len(name) > 200:
        return RowResult(line, "refused", "name is empty or too long")
    if language not in ("nl", "en"):
        return RowResult(line, "refused", "language must be nl or en")
    try:
        email = validate_email(row["email"].strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        return RowResult(line, "refused", "e-mail address is not valid", row["email"])
    person = {"name": name, "email": email, "language": language, "organisation_id": organisation_id}
    try:
        issued = nominate(session, principal, person, links)
    except (NotAllowed, MemberChoice) as exc:  # the member left the network: refused before any write
        return RowResult(line, "refused", str(exc), email.lower())
    return RowResult(line, "issued" if issued.new else "existing", email=email.lower())


def nominate_many(
    session: Session,
    principal: Principal,
    rows: Iterable[tuple[int, dict]],
    links: Links,
    organisation_id: str | None = None,
) -> NominationReport:
    """Nominate every valid row as the calling member (the coordinator: for `organisation_id`, which
    must be one of the network's members); each row's outcome is reported."""
    organisation_id = nominating_member(session, principal, organisation_id)
    return NominationReport(
        [nominate_row(session, principal, line, cells(row), links, organisation_id) for line, row in rows]
    )
