"""CSV as people exchange it with spreadsheets: reading an upload (`;` or `,`, a header line) and
answering an export (`;`, UTF-8 with a BOM for Excel, no cell that runs as a formula)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import Response


class CsvUnreadable(ValueError):
    """The text is not CSV with the required header; the message says why, for the person."""


def read_csv(text: str, required: tuple[str, ...]) -> tuple[int, Iterator[tuple[int, dict]]]:
    """(number of data rows, (line number, row) pairs) with lower-cased header names."""
    try:
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(io.StringIO(text), dialect=dialect)
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        if any(column not in header for column in required):
            raise CsvUnreadable(f"the first line must name the columns {', '.join(required)}")
        reader.fieldnames = header
        rows = list(reader)
    except csv.Error as exc:  # e.g. a cell longer than the csv module allows
        raise CsvUnreadable("the file cannot be read as CSV") from exc
    return len(rows), ((n, row) for n, row in enumerate(rows, start=2))


def csv_documented(columns: tuple[str, ...]) -> dict:
    """The arguments of flask-smorest's `response` that document an answer of `csv_response`."""
    return {
        "schema": {
            "type": "string",
            "description": f"`;`-separated, UTF-8 with a BOM; a header line, then {', '.join(columns)}",
        },
        "content_type": "text/csv",
        "headers": {
            "Content-Disposition": {
                "description": "attachment, with the file's name",
                "schema": {"type": "string"},
            }
        },
    }


def csv_response(rows: list[dict], filename: str, columns: tuple[str, ...]) -> Response:
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
