"""Each service's migrations produce exactly the schema its models declare."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from services.appreciation.models import Base as AppreciationBase
from services.notifications.models import Base as NotificationsBase
from services.recruitment.models import Base as RecruitmentBase

pytestmark = pytest.mark.integration

METADATA = {
    "recruitment": RecruitmentBase.metadata,
    "appreciation": AppreciationBase.metadata,
    "notifications": NotificationsBase.metadata,
}


def not_full_text(obj, name, type_, reflected, compare_to) -> bool:
    """The full-text index lives only in the migrations (FTS5 table or a GIN expression index)."""
    return not (name or "").startswith(("vacancy_fts", "ix_vacancies_fts", "search_vector"))


@pytest.mark.parametrize("service", sorted(METADATA))
def test_migrated_database_matches_the_models(databases, service):
    engine = create_engine(databases[service])
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": not_full_text})
        diff = compare_metadata(context, METADATA[service])
    engine.dispose()
    assert diff == []


def test_a_database_with_data_from_the_first_release_migrates_to_the_newest(backend, tmp_path):
    """Real installations have rows: the demo network of 0001, upgraded to head, keeps them and
    becomes searchable."""
    from alembic import command
    from sqlalchemy import text

    from shared.migrations import alembic_config, upgrade
    from tests.support.databases import migrations

    url = backend.fresh_empty("recruitment")
    command.upgrade(alembic_config(migrations("recruitment"), url), "0001")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO networks (id, name, slug, region, created_at) VALUES "
                "('n1', 'Netwerk', 'enkhuizen', '', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO organisations (id, network_id, name, identity, contact_name, contact_email,"
                " language, website, admitted_at) VALUES ('o1', 'n1', 'Humanitas', '', 'Anne',"
                " 'a@example.org', 'nl', '', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO vacancies (id, network_id, organisation_id, title, description, place,"
                " area, vog_required, status, created_at, published_at) VALUES ('v1', 'n1', 'o1',"
                " 'Maatjes gezocht', 'Bezoek aan ouderen', 'Enkhuizen', 'Binnenstad', false,"
                " 'published', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()
    upgrade(migrations("recruitment"), url)

    from services.recruitment import create_app

    app = create_app({"profile": "test", "database_url": url, "redis_url": "redis://127.0.0.1:1/0"})
    found = app.test_client().get("/api/recruitment/vacancies?network=enkhuizen&q=ouderen").get_json()
    assert [(v["title"], v["areas"]) for v in found["items"]] == [("Maatjes gezocht", ["Binnenstad"])]
    categories = app.test_client().get("/api/recruitment/categories?network=enkhuizen").get_json()
    assert len(categories) == 10
    app.extensions["knoop"].db.dispose()


def test_repeated_responses_are_reduced_to_each_persons_first_when_the_key_arrives(backend):
    """0008: one response per person and vacancy; existing repeats (any case) keep only the first."""
    from alembic import command
    from sqlalchemy import text

    from shared.migrations import alembic_config, upgrade
    from tests.support.databases import migrations

    url = backend.fresh_empty("recruitment")
    command.upgrade(alembic_config(migrations("recruitment"), url), "0007")
    engine = create_engine(url)
    rows = [
        ("r2", "v1", "Sanne@Example.org ", "2026-11-02 10:00:00"),
        ("r1", "v1", "sanne@example.org", "2026-11-01 10:00:00"),
        ("r3", "v1", "SANNE@EXAMPLE.ORG", "2026-11-03 10:00:00"),
        ("r4", "v2", "Sanne@example.org", "2026-11-04 10:00:00"),
        ("r5", "v1", "joop@example.org", "2026-11-05 10:00:00"),
    ]
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO networks (id, name, slug, region, moderated, created_at) VALUES "
                "('n1', 'Netwerk', 'enkhuizen', '', false, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO organisations (id, network_id, name, identity, contact_name, contact_email,"
                " language, website, admitted_at) VALUES ('o1', 'n1', 'Humanitas', '', 'Anne',"
                " 'a@example.org', 'nl', '', CURRENT_TIMESTAMP)"
            )
        )
        for vacancy in ("v1", "v2"):
            conn.execute(
                text(
                    "INSERT INTO vacancies (id, network_id, organisation_id, title, description, place,"
                    " hours_per_week, period, frequency, long_term, vog_required, suitable_for_students,"
                    " status, created_at) VALUES (:id, 'n1', 'o1', 'Maatje', '', '', NULL, '', 'weekly',"
                    " false, false, false, 'published', CURRENT_TIMESTAMP)"
                ),
                {"id": vacancy},
            )
        for response_id, vacancy, email, at in rows:
            conn.execute(
                text(
                    "INSERT INTO responses (id, network_id, vacancy_id, name, email, phone, motivation,"
                    " availability, language, consent_at, status, created_at) VALUES (:id, 'n1', :v,"
                    " 'Sanne', :email, '', '', '', 'nl', :at, 'new', :at)"
                ),
                {"id": response_id, "v": vacancy, "email": email, "at": at},
            )
    upgrade(migrations("recruitment"), url)
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT id, vacancy_id, email FROM responses ORDER BY id")).all()
    engine.dispose()
    assert [tuple(row) for row in kept] == [
        ("r1", "v1", "sanne@example.org"),
        ("r4", "v2", "sanne@example.org"),
        ("r5", "v1", "joop@example.org"),
    ]


def test_a_pending_request_for_the_next_invitations_becomes_the_command_it_stands_for(backend):
    """appreciation 0009: an unsent `appreciation.invitations_continue.v1` (the event of the release
    before) is rewritten into the command `appreciation.continue_invitations` with the same id, so the
    relay still sends it and its batch goes out; a sent one stays history."""
    import json

    from alembic import command
    from sqlalchemy import text

    from shared.messaging.commands import is_command
    from shared.migrations import alembic_config, upgrade
    from tests.support.databases import migrations

    url = backend.fresh_empty("appreciation")
    command.upgrade(alembic_config(migrations("appreciation"), url), "0008")
    engine = create_engine(url)
    event = {
        "id": "e1",
        "type": "appreciation.invitations_continue.v1",
        "source": "appreciation",
        "time": "2026-12-06T09:00:00+00:00",
        "network_id": "n1",
        "data": {"event_id": "g1", "after": "p500"},
    }
    with engine.begin() as conn:
        for event_id, sent in (("e1", None), ("e0", "2026-12-06 08:00:00")):
            conn.execute(
                text(
                    "INSERT INTO outbox (event_id, type, network_id, message, created_at, sent_at)"
                    " VALUES (:id, :type, 'n1', :message, CURRENT_TIMESTAMP, :sent)"
                ),
                {
                    "id": event_id,
                    "type": event["type"],
                    "message": json.dumps({**event, "id": event_id}),
                    "sent": sent,
                },
            )
    upgrade(migrations("appreciation"), url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT event_id, type, message FROM outbox ORDER BY event_id")).all()
    engine.dispose()
    history, pending = ((row[1], row[2] if isinstance(row[2], dict) else json.loads(row[2])) for row in rows)
    assert history[0] == "appreciation.invitations_continue.v1" and not is_command(history[1])
    assert pending[0] == "appreciation.continue_invitations" and is_command(pending[1])
    assert pending[1] == {
        "id": "e1",
        "task": "appreciation.continue_invitations",
        "network_id": "n1",
        "data": {"event_id": "g1", "after": "p500"},
        "time": "2026-12-06T09:00:00+00:00",
    }


def test_two_upgrades_started_at_once_on_postgresql_both_succeed_one_after_the_other(postgres):
    """Two releases starting together (two pods, two `db-upgrade` runs) on an empty database: the
    second waits for the first's lock, then finds the schema at head; neither fails half-way."""
    import os
    import subprocess
    import sys

    from sqlalchemy import text

    url = postgres.fresh_empty("recruitment")
    env = {**os.environ, "KNOOP_ENV": "test", "RECRUITMENT_DATABASE_URL": url}
    argv = [sys.executable, "-m", "flask", "--app", "services.recruitment", "db-upgrade"]
    runs = [
        subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(2)
    ]
    answers = [(run.wait(120), run.stdout.read().decode(errors="replace")) for run in runs]
    assert [code for code, _ in answers] == [0, 0], answers
    engine = create_engine(url)
    with engine.connect() as connection:
        [version] = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
    engine.dispose()
    from alembic.script import ScriptDirectory

    from shared.migrations import alembic_config
    from tests.support.databases import migrations

    assert (
        version
        == ScriptDirectory.from_config(alembic_config(migrations("recruitment"), url)).get_current_head()
    )
