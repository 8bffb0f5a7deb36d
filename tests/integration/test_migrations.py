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


@pytest.mark.parametrize("service", sorted(METADATA))
def test_migrated_database_matches_the_models(databases, service):
    engine = create_engine(databases[service])
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), METADATA[service])
    engine.dispose()
    assert diff == []
