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
from sqlalchemy import exists, func, literal_column, or_, select, text
from sqlalchemy.orm import Session, lazyload

from services.recruitment.domain import VacancyStatus, plain_text
from services.recruitment.models import ActivityCategory, CoPublisher, Organisation, Vacancy, VacancyArea

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


def _fts_match(q: str) -> str:
    """An FTS5 query: every stem of `q` must occur (quoted, so no FTS operators slip in)."""
    return " AND ".join(f'"{t}"' for t in stems(q))


def _text_match(session: Session, q: str):
    """(condition, rank expression) for the full-text part; (None, None) when `q` has no words."""
    if _is_sqlite(session):
        match = _fts_match(q)
        if not match:
            return None, None
        rowids = (
            select(literal_column("rowid"))
            .select_from(text("vacancy_fts"))
            .where(text("vacancy_fts MATCH :match").bindparams(match=match))
        )
        bm25 = (
            select(literal_column("rank"))
            .select_from(text("vacancy_fts"))
            .where(
                text("vacancy_fts MATCH :match_rank AND vacancy_fts.rowid = vacancies.rowid").bindparams(
                    match_rank=match
                )
            )
            .scalar_subquery()
        )
        return literal_column("vacancies.rowid").in_(rowids), bm25
    query = func.websearch_to_tsquery("dutch", q)
    # search_vector is a stored tsvector column generated from search_text (PostgreSQL only).
    vector = literal_column("vacancies.search_vector")
    return vector.op("@@")(query), func.ts_rank_cd(vector, query).desc()


def _order(criteria: Criteria, rank) -> list:
    if criteria.sort == "relevance" and rank is not None:
        return [rank, Vacancy.published_at.desc()]  # bm25 (smaller is better) or ts_rank desc
    if criteria.sort == "start":
        return [Vacancy.start_date.is_(None), Vacancy.start_date, Vacancy.published_at.desc()]
    if criteria.sort == "hours":
        return [Vacancy.hours_per_week.is_(None), Vacancy.hours_per_week, Vacancy.published_at.desc()]
    return [Vacancy.published_at.desc(), Vacancy.id]


def _conditions(session: Session, criteria: Criteria) -> tuple[list, object]:
    """(WHERE conditions, rank). Ranking by relevance only looks at the newest RANK_WINDOW matches:
    ranking every match of a common word is what makes a text search slow."""
    conditions = _filters(criteria)
    # A query of only function words ("de het") searches nothing, on both databases alike.
    match, rank = _text_match(session, criteria.q) if stems(criteria.q) else (None, None)
    if match is None:
        return conditions, None
    if criteria.sort != "relevance" or _is_sqlite(session):
        return [*conditions, match], rank
    window = (
        select(Vacancy.id).where(*conditions, match).order_by(Vacancy.published_at.desc()).limit(RANK_WINDOW)
    )
    return [Vacancy.id.in_(window)], rank


SEPARATOR = "\x1f"  # unit separator: never typed into a name or an area


@dataclass
class Listing:
    """A vacancy as a result list shows it: the vacancy plus its areas and publishers' names, read
    in the same query (no extra round trip per page)."""

    vacancy: Vacancy
    areas: list[str]
    publisher_names: list[str]

    def __getattr__(self, name: str):
        return getattr(self.vacancy, name)


@dataclass
class Page:
    """One page of results. `total` is exact when this page is the last one, else None: counting
    every match of a common word costs more than the page itself, so the page says `has_more`."""

    items: list[Listing]
    has_more: bool
    page: int
    per_page: int

    @property
    def total(self) -> int | None:
        return None if self.has_more else (self.page - 1) * self.per_page + len(self.items)

    @property
    def at_least(self) -> int:
        return (self.page - 1) * self.per_page + len(self.items)


def _aggregated(column, *where):
    return select(func.aggregate_strings(column, SEPARATOR)).where(*where).scalar_subquery()


def _split(value: str | None) -> list[str]:
    return sorted(value.split(SEPARATOR)) if value else []


def search(session: Session, criteria: Criteria) -> Page:
    """One page of published vacancies matching `criteria` (one query, one row more than shown)."""
    conditions, rank = _conditions(session, criteria)
    areas = _aggregated(VacancyArea.area, VacancyArea.vacancy_id == Vacancy.id)
    partners = _aggregated(
        Organisation.name,
        CoPublisher.organisation_id == Organisation.id,
        CoPublisher.vacancy_id == Vacancy.id,
        CoPublisher.status == "accepted",
    )
    query = (
        select(Vacancy, areas, partners)
        .where(*conditions)
        .options(lazyload(Vacancy.co_publishers), lazyload(Vacancy.area_links))
        .order_by(*_order(criteria, rank))
        .limit(criteria.per_page + 1)
        .offset((criteria.page - 1) * criteria.per_page)
    )
    rows = session.execute(query).all()
    items = [Listing(v, _split(a), [v.organisation.name, *_split(p)]) for v, a, p in rows]
    return Page(items[: criteria.per_page], len(items) > criteria.per_page, criteria.page, criteria.per_page)
