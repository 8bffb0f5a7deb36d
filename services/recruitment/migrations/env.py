"""Alembic environment of recruitment: its own tables only."""

from alembic import context

from services.recruitment.models import Base
from shared.migrations import run_env

# The full-text index is written by hand in 0002 (FTS5 on SQLite, a tsvector column on PostgreSQL).
run_env(context, Base.metadata, unmanaged=("vacancy_fts", "ix_vacancies_fts", "search_vector"))
