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
