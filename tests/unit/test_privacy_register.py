"""The register of processing (docs/privacy.md) names every column of every table of every service:
a model that gains a column fails here until the register says what it holds."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from sqlalchemy import Column, MetaData, String, Table

ROOT = Path(__file__).resolve().parents[2]
REGISTER = ROOT / "docs" / "privacy.md"
SERVICES = ("recruitment", "appreciation", "notifications")
SECTION = "## Every column"
ROW = re.compile(r"^\| `(\w+)` \| (.*) \| (.*) \|$")
NAME = re.compile(r"`(\w+)`")
# Columns whose name says they hold an address, a phone number or a person's name: never unmarked.
PLAINLY_PERSONAL = re.compile(r"(^|_)(email|phone|recipient|recipient_name|contact_name)$")

Listed = dict[str, dict[str, tuple[set[str], set[str]]]]


def listed_columns(text: str) -> Listed:
    """{service: {table: (all columns, identifying columns)}} from the register's last section."""
    listed: Listed = {}
    service = None
    for line in text.split(SECTION, 1)[1].splitlines():
        if line.startswith("### "):
            service = line[4:].strip()
            listed[service] = {}
        elif service and (row := ROW.match(line.strip())):
            table, columns, identifying = row.groups()
            listed[service][table] = (set(NAME.findall(columns)), set(NAME.findall(identifying)))
    return listed


def model_columns(metadata: MetaData) -> dict[str, set[str]]:
    return {table.name: {column.name for column in table.columns} for table in metadata.tables.values()}


def unnamed(models: dict[str, set[str]], listed: dict[str, tuple[set[str], set[str]]]) -> list[str]:
    """table.column of the models that the register does not name."""
    return sorted(f"{t}.{c}" for t, cols in models.items() for c in cols - listed.get(t, (set(), set()))[0])


def gone(models: dict[str, set[str]], listed: dict[str, tuple[set[str], set[str]]]) -> list[str]:
    """table.column the register names that no model has (any more)."""
    return sorted(
        f"{t}.{c}" for t, (cols, ident) in listed.items() for c in (cols | ident) - models.get(t, set())
    )


def metadata_of(service: str) -> MetaData:
    return importlib.import_module(f"services.{service}.models").Base.metadata


REGISTERED = listed_columns(REGISTER.read_text(encoding="utf-8"))


def test_the_register_has_a_column_list_for_every_service():
    assert sorted(REGISTERED) == sorted(SERVICES)


def test_every_column_of_every_model_is_named_in_the_register():
    missing = {s: unnamed(model_columns(metadata_of(s)), REGISTERED[s]) for s in SERVICES}
    assert not any(missing.values()), f"docs/privacy.md does not name: {missing}"


def test_every_column_the_register_names_exists():
    stale = {s: gone(model_columns(metadata_of(s)), REGISTERED[s]) for s in SERVICES}
    assert not any(stale.values()), f"docs/privacy.md names columns no model has: {stale}"


def test_identifying_columns_are_among_their_tables_columns():
    strays = [
        f"{s}: {t}.{c}" for s in SERVICES for t, (cols, ident) in REGISTERED[s].items() for c in ident - cols
    ]
    assert not strays


def test_columns_named_for_an_address_phone_or_name_are_marked_identifying():
    unmarked = [
        f"{s}: {t}.{c}"
        for s in SERVICES
        for t, (cols, ident) in REGISTERED[s].items()
        for c in cols - ident
        if PLAINLY_PERSONAL.search(c)
    ]
    assert not unmarked, f"docs/privacy.md lists these without marking them identifying: {unmarked}"


def test_a_new_column_and_a_dropped_one_are_both_reported():
    metadata = MetaData()
    Table("people", metadata, Column("id", String), Column("shoe_size", String))
    listed = {"people": ({"id", "email"}, {"email"})}
    models = model_columns(metadata)
    assert unnamed(models, listed) == ["people.shoe_size"]
    assert gone(models, listed) == ["people.email"]


def test_a_table_missing_from_the_register_is_reported_by_each_column():
    metadata = MetaData()
    Table("secrets", metadata, Column("id", String), Column("name", String))
    assert unnamed(model_columns(metadata), {}) == ["secrets.id", "secrets.name"]
