"""Both kinds of unit of work (an ORM session and a statement-level core unit) answer to one
interface, and both carry the network they are scoped to in one place."""

import pytest
from sqlalchemy import text

from shared.db import Database, UnitOfWork
from shared.tenancy import Unscoped, network_of, required_network


@pytest.fixture
def db(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'units.db'}")
    with database.engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (body TEXT)"))
    yield database
    database.dispose()


def notes(db: Database) -> list[str]:
    with db.engine.connect() as connection:
        return list(connection.scalars(text("SELECT body FROM notes")))


def write_two_together(unit: UnitOfWork) -> None:
    with unit.atomic():
        unit.connection().execute(text("INSERT INTO notes VALUES ('eerste')"))
        unit.connection().execute(text("INSERT INTO notes VALUES ('tweede')"))


def test_an_orm_unit_and_a_core_unit_both_carry_their_network(db):
    with db.transaction(network_id="n1") as session, db.core_unit(network_id="n2") as unit:
        assert (network_of(session), network_of(unit)) == ("n1", "n2")


def test_a_unit_scoped_to_no_network_sees_every_network_but_cannot_run_a_hot_statement(db):
    with db.core_unit() as unit:
        assert network_of(unit) is None
        with pytest.raises(Unscoped):
            required_network(unit)


@pytest.mark.parametrize("kind", ["transaction", "core_unit"])
def test_statements_written_together_commit_together_in_either_unit(db, kind):
    with getattr(db, kind)(network_id="n1") as unit:
        write_two_together(unit)
    assert notes(db) == ["eerste", "tweede"]


@pytest.mark.parametrize("kind", ["transaction", "core_unit"])
def test_a_failure_in_a_unit_leaves_none_of_its_statements(db, kind):
    with pytest.raises(RuntimeError), getattr(db, kind)(network_id="n1") as unit:
        write_two_together(unit)
        raise RuntimeError("the till went away")
    assert notes(db) == []
