"""Alembic environment of recruitment: its own tables only."""

from alembic import context

from services.recruitment.models import Base
from shared.migrations import run_env

run_env(context, Base.metadata)
