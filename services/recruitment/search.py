"""The vacancy bank's search: Dutch full text plus filters, behind one function for both databases.

PostgreSQL stems with its `dutch` text-search configuration over an expression GIN index on
`vacancies.search_text`. SQLite's FTS5 only stems English, so on SQLite we stem Dutch ourselves
(Snowball) when indexing and when querying, and FTS5 (table `vacancy_fts`, kept in sync by triggers)
matches the stems. Ranking many matches is the slow part, so only the newest `RANK_WINDOW` matches are
ranked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import snowballstemmer
from sqlalchemy import Select, and_, exists, func, literal_column, or_, select, text
from sqlalchemy.orm import Session

from services.recruitment.domain import VacancyStatus, plain_text
from services.recruitment.models import ActivityCategory, CoPublisher, Vacancy, VacancyArea

RANK_WINDOW = 500
SORTS = ("relevance", "newest", "start", "hours")
_WORD = re.compile(r"\w+", re.UNICODE)
_stemmer = snowballstemmer.stemmer("dutch")
STOPWORDS = frozenset(
    [
        "de",
        "het",
        "een",
        "en",
        "van",
        "voor",
        "in",
        "op",
        "met",
        "te",
        "je",
        "is",
        "aan",
        "bij",
        "of",
        "als",
        "om",
        "uit",
        "naar",
        "die",
        "dat",
        "er",
        "zijn",
        "ook",
    ]
)


@dataclass
class Criteria:
    """What a person searches for: text plus filters (also the shape of a saved alert)."""

    q: str = ""
    category: str = ""
    area: str = ""
    organisation: str = ""
    students: bool = False
    no_vog: bool = False
    long_term: bool | None = None
    max_hours: int | None = None
    sort: str = "newest"
    page: int = 1
    per_page: int = 20
    extras: dict = field(default_factory=dict)

    def saved(self) -> dict:
        """The filters worth remembering in an alert (no paging, no sort)."""
        keys = ("q", "category", "area", "organisation", "students", "no_vog", "long_term", "max_hours")
        return {k: getattr(self, k) for k in keys if getattr(self, k) not in ("", None, False)}


def stems(text_: str) -> list[str]:
    """Dutch stems of the words in `text_`, without the most common function words."""
    words = [w for w in _WORD.findall(text_.lower()) if w not in STOPWORDS]
    return _stemmer.stemWords(words)


def document(vacancy: Vacancy) -> str:
    """What the full-text index sees of a vacancy; the title counts twice."""
    parts = [
        vacancy.title,
        vacancy.title,
        plain_text(vacancy.description),
        vacancy.place,
        " ".join(vacancy.areas),
        vacancy.category.name if vacancy.category else "",
        " ".join(o.name for o in [vacancy.organisation] if o),
    ]
    return " ".join(p for p in parts if p)


def index(session: Session, vacancy: Vacancy) -> None:
    """Refresh the vacancy's search text (stemmed on SQLite; PostgreSQL stems at query time)."""
    body = document(vacancy)
    vacancy.search_text = " ".join(stems(body)) if _is_sqlite(session) else body


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _filters(criteria: Criteria) -> list:
    conditions = [Vacancy.status == VacancyStatus.PUBLISHED]
    if criteria.category:
        conditions.append(
            Vacancy.category_id.in_(
                select(ActivityCategory.id).where(ActivityCategory.key == criteria.category)
            )
        )
    if criteria.area:
        conditions.append(
            exists().where(VacancyArea.vacancy_id == Vacancy.id, VacancyArea.area == criteria.area)
        )
    if criteria.organisation:
        conditions.append(
            or_(
                Vacancy.organisation_id == criteria.organisation,
                exists().where(
                    CoPublisher.vacancy_id == Vacancy.id,
                    CoPublisher.organisation_id == criteria.organisation,
                    CoPublisher.status == "accepted",
                ),
            )
        )
    if criteria.students:
        conditions.append(Vacancy.suitable_for_students.is_(True))
    if criteria.no_vog:
        conditions.append(Vacancy.vog_required.is_(False))
    if criteria.long_term is not None:
        conditions.append(Vacancy.long_term.is_(criteria.long_term))
    if criteria.max_hours:
        conditions.append(Vacancy.hours_per_week <= criteria.max_hours)
    return conditions


def _text_match(session: Session, q: str):
    """(condition, rank expression) for the full-text part, or (None, None) without text."""
    if _is_sqlite(session):
        terms = stems(q)
        if not terms:
            return None, None
        match = " AND ".join(f'"{t}"' for t in terms)
        ranked = (
            select(literal_column("rowid").label("rid"), literal_column("rank").label("rank"))
            .select_from(text("vacancy_fts"))
            .where(text("vacancy_fts MATCH :match").bindparams(match=match))
            .order_by(literal_column("rowid").desc())
            .limit(RANK_WINDOW)
            .subquery()
        )
        return literal_column("vacancies.rowid").in_(select(ranked.c.rid)), None
    query = func.websearch_to_tsquery("dutch", q)
    vector = func.to_tsvector(literal_column("'dutch'::regconfig"), Vacancy.search_text)
    return vector.op("@@")(query), func.ts_rank_cd(vector, query)


def _order(criteria: Criteria, rank, session: Session) -> list:
    if criteria.sort == "relevance" and criteria.q:
        if _is_sqlite(session):
            bm25 = (
                select(literal_column("rank"))
                .select_from(text("vacancy_fts"))
                .where(
                    text("vacancy_fts MATCH :match2 AND vacancy_fts.rowid = vacancies.rowid").bindparams(
                        match2=" AND ".join(f'"{t}"' for t in stems(criteria.q))
                    )
                )
                .scalar_subquery()
            )
            return [bm25, Vacancy.published_at.desc()]
        return [rank.desc(), Vacancy.published_at.desc()]
    if criteria.sort == "start":
        return [Vacancy.start_date.is_(None), Vacancy.start_date, Vacancy.published_at.desc()]
    if criteria.sort == "hours":
        return [Vacancy.hours_per_week.is_(None), Vacancy.hours_per_week, Vacancy.published_at.desc()]
    return [Vacancy.published_at.desc(), Vacancy.id]


def _bounded(session: Session, conditions: list, match) -> list:
    """On PostgreSQL, rank only the newest RANK_WINDOW text matches (ranking is the slow part)."""
    if match is None or _is_sqlite(session):
        return conditions + ([match] if match is not None else [])
    window = (
        select(Vacancy.id)
        .where(and_(*conditions), match)
        .order_by(Vacancy.published_at.desc())
        .limit(RANK_WINDOW)
    )
    return [Vacancy.id.in_(window)]


def search_query(session: Session, criteria: Criteria) -> tuple[Select, Select]:
    """(page query, count query) for the session's network."""
    match, rank = _text_match(session, criteria.q) if criteria.q else (None, None)
    conditions = _bounded(session, _filters(criteria), match)
    base = select(Vacancy).where(*conditions)
    page = (
        base.order_by(*_order(criteria, rank, session))
        .limit(criteria.per_page)
        .offset((criteria.page - 1) * criteria.per_page)
    )
    count = select(func.count()).select_from(select(Vacancy.id).where(*conditions).subquery())
    return page, count


def search(session: Session, criteria: Criteria) -> tuple[list[Vacancy], int]:
    """One page of published vacancies matching `criteria`, and how many match in all."""
    page, count = search_query(session, criteria)
    return list(session.scalars(page).unique()), session.scalar(count)
