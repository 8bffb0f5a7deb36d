"""The audit trail's listing: one network's entries, newest first, fifty a page, by action and by
local date; and who an entry names."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from shared.audit import PER_PAGE, AuditEntryMixin, AuditTrail, actor_id
from shared.db import Database, make_base
from shared.identity import Principal, Role
from shared.web.audit_page import day_start, local_day

Base = make_base()


class Entry(AuditEntryMixin, Base):
    pass


def test_entries_are_paged_newest_first_and_filtered_by_action_and_time(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'audit.db'}")
    Base.metadata.create_all(db.engine)
    trail, start = AuditTrail(Entry), datetime(2026, 12, 1, tzinfo=UTC)
    with db.transaction(network_id="n1") as session:
        for n in range(PER_PAGE + 1):
            session.add(Entry(at=start + timedelta(hours=n), role="coordinator", action="a", count=n))
        session.add(Entry(at=start, role="coordinator", action="b", count=99))
    with db.transaction(network_id="n2") as session:
        session.add(Entry(at=start, role="coordinator", action="a", count=-1))
    with db.reader(network_id="n1") as session:
        first, second = trail.page(session, action="a"), trail.page(session, action="a", page=2)
        later = trail.page(session, since=start + timedelta(hours=PER_PAGE), until=start + timedelta(days=9))
        assert trail.actions(session) == ["a", "b"]
    assert [e.count for e in first.entries[:2]] == [PER_PAGE, PER_PAGE - 1] and first.has_more
    assert [e.count for e in second.entries] == [0] and not second.has_more
    assert [e.count for e in later.entries] == [PER_PAGE]
    db.dispose()


def test_an_entry_names_the_token_first_then_whom_the_session_acts_for():
    assert actor_id(Principal(Role.ORGANISATION, "n", "o1", token_id="t1")) == "t1"
    assert actor_id(Principal(Role.EDUCATION_PARTNER, "n", partner_id="p1")) == "p1"
    assert actor_id(Principal(Role.COORDINATOR, "n")) is None


def test_the_pages_dates_are_days_on_the_dutch_wall_clock():
    assert local_day("2026-07-01") == date(2026, 7, 1) and local_day("1 juli") is None
    assert day_start(date(2026, 7, 1)).astimezone(UTC) == datetime(2026, 6, 30, 22, tzinfo=UTC)


def test_a_subject_is_cut_to_its_column():
    class Fake(Session):
        def add(self, instance, _warn=True):
            self.added = instance

    session = Fake()
    AuditTrail(Entry).record(session, Principal(Role.COORDINATOR, "n", actor="c@x"), "a", "x" * 500, 3)
    assert len(session.added.subject) == 200 and session.added.actor == "c@x" and session.added.count == 3
