"""CSV exports people open in a spreadsheet: `;` separated, UTF-8 with a BOM (Excel), no formulas."""

from __future__ import annotations

import csv
import io

from flask import Response

STUDENT_COLUMNS = (
    "student_number",
    "name",
    "email",
    "cohort",
    "status",
    "organisation",
    "placement",
    "logged_hours",
    "approved_hours",
    "signed_off_at",
)


def csv_response(rows: list[dict], filename: str, columns: tuple[str, ...] = STUDENT_COLUMNS) -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=";", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(row.get(k)) for k in columns})
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _cell(value) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
