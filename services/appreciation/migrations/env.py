"""Alembic environment of appreciation: its own tables only."""

from alembic import context

from services.appreciation.models import Base
from shared.migrations import run_env

run_env(context, Base.metadata)
