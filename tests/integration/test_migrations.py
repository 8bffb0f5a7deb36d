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
