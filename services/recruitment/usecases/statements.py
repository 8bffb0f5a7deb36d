"""The statement of a signed-off placement, for the student's study credits: HTML page and PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from services.recruitment import domain
from services.recruitment.models import Network, Student
from services.recruitment.usecases.students import hours_of
from shared.i18n import language, lazy_gettext

if TYPE_CHECKING:  # fpdf is imported when a PDF is made: every process of the service imports this module
    from fpdf import FPDF

# A Unicode font where the machine has one (names are not always Latin-1); the PDF core font otherwise.
DASH = "\u2013"
UNICODE_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def gettext(message: str, **variables) -> str:
    return str(lazy_gettext(message, **variables))


@dataclass(frozen=True)
class Statement:
    student_name: str
    student_number: str
    programme: str
    cohort: str
    organisation: str
    placement: str
    network: str
    hours: float
    required_hours: int
    first_day: date | None
    last_day: date | None
    signed_off_on: date


def of(session: Session, student: Student) -> Statement:
    entries = hours_of(session, student.id)
    partner = student.cohort.partner
    return Statement(
        student_name=student.name,
        student_number=student.student_number,
        programme=f"{partner.institution}, {partner.programme}",
        cohort=student.cohort.name,
        organisation=student.placement.organisation.name,
        placement=student.placement.title,
        network=session.get(Network, student.network_id).name,
        hours=domain.counted_hours(entries),
        required_hours=student.cohort.required_hours,
        first_day=min((e.day for e in entries), default=None),
        last_day=max((e.day for e in entries), default=None),
        signed_off_on=student.signed_off_at.date(),
    )


def lines(s: Statement) -> list[tuple[str, str]]:
    """(label, value) rows, in the reader's language; shared by the page and the PDF."""
    period = f"{s.first_day:%d-%m-%Y} {DASH} {s.last_day:%d-%m-%Y}" if s.first_day and s.last_day else DASH
    return [
        (gettext("Student"), f"{s.student_name} ({s.student_number})"),
        (gettext("Study programme"), s.programme),
        (gettext("Group"), s.cohort),
        (gettext("Organisation"), s.organisation),
        (gettext("Placement"), s.placement),
        (gettext("Period"), period),
        (gettext("Approved hours"), f"{s.hours:g} ({gettext('required')}: {s.required_hours})"),
        (gettext("Signed off on"), f"{s.signed_off_on:%d-%m-%Y}"),
    ]


def pdf(s: Statement, lang: str) -> bytes:
    with language(lang):
        title = gettext("Statement of placement")
        rows = lines(s)
        footer = gettext("Issued by %(network)s on behalf of the organisation above.", network=s.network)
    from fpdf import FPDF

    doc = FPDF(format="A4")
    doc.set_title(title)
    doc.add_page()
    family = _font(doc)
    doc.set_font(family, size=18)
    doc.cell(0, 12, _text(family, title), new_x="LMARGIN", new_y="NEXT")
    doc.set_font(family, size=11)
    doc.cell(0, 8, _text(family, s.network), new_x="LMARGIN", new_y="NEXT")
    doc.ln(6)
    for label, value in rows:
        doc.cell(55, 8, _text(family, label))
        doc.multi_cell(0, 8, _text(family, value), new_x="LMARGIN", new_y="NEXT")
    doc.ln(10)
    doc.set_font(family, size=9)
    doc.multi_cell(0, 6, _text(family, footer))
    return bytes(doc.output())


def _font(doc: FPDF) -> str:
    if UNICODE_FONT.exists():
        doc.add_font("DejaVu", fname=str(UNICODE_FONT))
        return "DejaVu"
    return "Helvetica"


def _text(family: str, text: str) -> str:
    if family == "Helvetica":  # the core font knows Latin-1 only
        return text.replace(DASH, "-").encode("latin-1", "replace").decode("latin-1")
    return text
