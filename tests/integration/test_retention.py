"""Retention by beat (docs/privacy.md): each rule against a real database, with a clock: a record
just past its period goes (anonymised, or deleted where nothing counts it), one just inside stays."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from shared.db import Database

pytestmark = pytest.mark.integration

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
YEAR = timedelta(days=365)


def past(period: timedelta) -> datetime:
    return NOW - period - MINUTE


def inside(period: timedelta) -> datetime:
    return NOW - period + MINUTE


# --- recruitment ----------------------------------------------------------------------------------


def recruitment_periods(responses=365, unconfirmed=7, students=365):
    from services.recruitment.usecases.retention import Periods

    return Periods(responses, unconfirmed, students)


def a_network(session) -> tuple[str, str]:
    """(network id, organisation id)."""
    from services.recruitment.models import Network, Organisation

    network = Network(name="Enkhuizen", slug="enkhuizen")
    session.add(network)
    session.flush()
    member = Organisation(
        network_id=network.id, name="Humanitas", contact_name="Kees", contact_email="kees@humanitas.nl"
    )
    session.add(member)
    session.flush()
    return network.id, member.id


def a_cohort(session, network_id: str, organisation_id: str):
    """(cohort, placement) of one education partner."""
    from services.recruitment.models import Cohort, EducationPartner, Placement

    partner = EducationPartner(
        network_id=network_id, institution="Hogeschool", programme="Social work", contact_email="sw@hs.nl"
    )
    session.add(partner)
    session.flush()
    cohort = Cohort(
        network_id=network_id,
        partner_id=partner.id,
        name="Year 1",
        required_hours=40,
        opens_at=NOW - 2 * YEAR,
        closes_at=NOW + YEAR,
        registration_token="t" * 64,
        short_code="ABC123",
    )
    session.add(cohort)
    session.flush()
    placement = Placement(
        network_id=network_id, cohort_id=cohort.id, organisation_id=organisation_id, title="Buddy", capacity=3
    )
    session.add(placement)
    session.flush()
    return cohort, placement


def test_responses_are_anonymised_a_year_after_their_vacancy_closed(backend):
    from services.recruitment.models import Response, Vacancy
    from services.recruitment.usecases import retention

    db = Database(backend.fresh("recruitment"))
    with db.transaction() as session:
        network_id, member_id = a_network(session)
        vacancies = {
            name: Vacancy(
                network_id=network_id, organisation_id=member_id, title=name, status=status, closed_at=at
            )
            for name, status, at in (
                ("long closed", "filled", past(YEAR)),
                ("just closed", "expired", inside(YEAR)),
                ("still open", "published", None),
            )
        }
        session.add_all(vacancies.values())
        session.flush()
        for name, vacancy in vacancies.items():
            session.add(
                Response(
                    network_id=network_id,
                    vacancy_id=vacancy.id,
                    name=f"Sanne ({name})",
                    email=f"{name.replace(' ', '.')}@example.org",
                    phone="0612345678",
                    motivation="Ik wil graag helpen",
                    status="accepted",
                    created_at=NOW - 2 * YEAR,
                    volunteer_says_match=True,
                )
            )

    done = retention.apply(db, NOW, recruitment_periods())

    assert done["responses"] == 1
    with db.reader() as session:
        rows = {r.vacancy.title: r for r in session.scalars(select(Response))}
    gone = rows["long closed"]
    assert (gone.name, gone.phone, gone.motivation) == ("", "", "")
    assert "example.org" not in gone.email
    # What the figures count stays: the response, its status, its time, its match.
    assert (gone.status, gone.created_at, gone.volunteer_says_match) == ("accepted", NOW - 2 * YEAR, True)
    assert rows["just closed"].name == "Sanne (just closed)" and rows["still open"].phone == "0612345678"
    assert retention.apply(db, NOW, recruitment_periods())["responses"] == 0


def test_registrations_never_confirmed_go_once_their_link_lapsed(backend):
    from services.recruitment.models import AlertSubscription, Student, StudentPreference
    from services.recruitment.usecases import retention

    db = Database(backend.fresh("recruitment"))
    week = timedelta(days=7)
    with db.transaction() as session:
        network_id, member_id = a_network(session)
        cohort, placement = a_cohort(session, network_id, member_id)
        for number, (name, at, verified, imported) in enumerate(
            (
                ("lapsed", past(week), None, False),
                ("waiting", inside(week), None, False),
                ("imported", past(week), None, True),
                ("confirmed", past(week), past(week), False),
            )
        ):
            student = Student(
                network_id=network_id,
                cohort_id=cohort.id,
                name=name,
                email=f"{name}@student.nl",
                student_number=str(number),
                registered_at=at,
                verified_at=verified,
                imported=imported,
                status="registered" if verified else "unverified",
            )
            student.preferences = [StudentPreference(rank=1, placement_id=placement.id)]
            session.add(student)
        for name, at, confirmed in (
            ("lapsed", past(week), None),
            ("waiting", inside(week), None),
            ("confirmed", past(week), past(week)),
        ):
            session.add(
                AlertSubscription(
                    network_id=network_id, email=f"{name}@example.org", created_at=at, confirmed_at=confirmed
                )
            )

    done = retention.apply(db, NOW, recruitment_periods())

    assert (done["unconfirmed students"], done["unconfirmed alerts"]) == (1, 1)
    with db.reader() as session:
        assert sorted(session.scalars(select(Student.name))) == ["confirmed", "imported", "waiting"]
        assert session.scalar(select(func.count()).select_from(StudentPreference)) == 3
        assert sorted(session.scalars(select(AlertSubscription.email))) == [
            "confirmed@example.org",
            "waiting@example.org",
        ]


def test_students_are_anonymised_a_year_after_sign_off(backend):
    from services.recruitment.models import HoursEntry, Student
    from services.recruitment.usecases import retention

    db = Database(backend.fresh("recruitment"))
    with db.transaction() as session:
        network_id, member_id = a_network(session)
        cohort, placement = a_cohort(session, network_id, member_id)
        for number, (name, signed_off) in enumerate(
            (("long ago", past(YEAR)), ("recently", inside(YEAR)), ("still busy", None))
        ):
            student = Student(
                network_id=network_id,
                cohort_id=cohort.id,
                name=name,
                email=f"{number}@student.nl",
                student_number=f"S{number}",
                phone="0687654321",
                verified_at=NOW - 2 * YEAR,
                status="signed_off" if signed_off else "confirmed",
                placement_id=placement.id,
                signed_off_at=signed_off,
            )
            session.add(student)
            session.flush()
            session.add(
                HoursEntry(
                    network_id=network_id,
                    student_id=student.id,
                    day=date(2025, 3, 1),
                    hours=4.0,
                    activity=f"Visited Mrs de Vries with {name}",
                    status="approved",
                    approved_hours=4.0,
                )
            )

    assert retention.apply(db, NOW, recruitment_periods())["students"] == 1

    with db.reader() as session:
        students = {s.signed_off_at: s for s in session.scalars(select(Student))}
        gone = students[past(YEAR)]
        hours = session.scalar(select(HoursEntry).where(HoursEntry.student_id == gone.id))
        kept = session.scalars(select(HoursEntry.activity).where(HoursEntry.student_id != gone.id)).all()
    assert (gone.name, gone.phone) == ("", "")
    assert "student.nl" not in gone.email and gone.student_number != "S0"
    # The figures still count the placement and its hours; the words about the work are gone.
    assert (gone.status, gone.placement_id, hours.approved_hours, hours.activity) == (
        "signed_off",
        placement.id,
        4.0,
        "",
    )
    assert students[inside(YEAR)].name == "recently" and students[None].student_number == "S2"
    assert sorted(kept) == ["Visited Mrs de Vries with recently", "Visited Mrs de Vries with still busy"]
    assert retention.apply(db, NOW, recruitment_periods())["students"] == 0


def test_a_period_of_zero_keeps_everything(sqlite_provider):
    from services.recruitment.models import AlertSubscription
    from services.recruitment.usecases import retention

    db = Database(sqlite_provider.fresh("recruitment"))
    with db.transaction() as session:
        network_id, _ = a_network(session)
        session.add(
            AlertSubscription(network_id=network_id, email="old@example.org", created_at=NOW - 3 * YEAR)
        )

    done = retention.apply(db, NOW, recruitment_periods(0, 0, 0))

    assert set(done.values()) == {0}
    with db.reader() as session:
        assert session.scalar(select(AlertSubscription.email)) == "old@example.org"


# --- appreciation ---------------------------------------------------------------------------------


def test_redemption_attempts_and_till_answers_go_after_90_days(backend):
    from services.appreciation.models import IdempotentResponse, RedemptionAttempt
    from services.appreciation.usecases import retention

    db = Database(backend.fresh("appreciation"))
    days90 = timedelta(days=90)
    with db.transaction() as session:
        for client, at in (("192.0.2.1", past(days90)), ("192.0.2.2", inside(days90))):
            session.add(RedemptionAttempt(network_id="n1", client=client, how="number", outcome="ok", at=at))
            session.add(
                IdempotentResponse(
                    partner_id="p1",
                    key=client,
                    request_hash="h",
                    status=201,
                    body={"first_name": "Sanne"},
                    created_at=at,
                )
            )

    assert retention.apply(db, NOW, 90) == {"redemption attempts": 1, "till answers": 1}

    with db.reader() as session:
        assert list(session.scalars(select(RedemptionAttempt.client))) == ["192.0.2.2"]
        assert list(session.scalars(select(IdempotentResponse.key))) == ["192.0.2.2"]


# --- notifications --------------------------------------------------------------------------------


def test_delivery_log_addresses_go_90_days_after_the_message(backend):
    from services.notifications.models import Delivery
    from services.notifications.usecases import retention

    db = Database(backend.fresh("notifications"))
    days90 = timedelta(days=90)
    with db.transaction() as session:
        for name, status, at in (
            ("old-sent", "sent", past(days90)),
            ("old-failed", "failed", past(days90)),
            ("new-sent", "sent", inside(days90)),
            ("old-pending", "pending", past(days90)),
        ):
            session.add(
                Delivery(
                    network_id="n1",
                    event_id="e1",
                    event_type="recruitment.response_received.v1",
                    recipient=f"{name}@example.org",
                    recipient_name="Sanne Jansen",
                    template="response_received",
                    context={"volunteer": {"name": "Sanne Jansen"}},
                    status=status,
                    created_at=at,
                )
            )

    assert retention.apply(db, NOW, 90) == {"deliveries": 2}

    with db.reader() as session:
        rows = list(session.scalars(select(Delivery).order_by(Delivery.id)))
    kept = [r.recipient for r in rows if r.recipient.endswith("@example.org")]
    assert kept == ["new-sent@example.org", "old-pending@example.org"]
    for gone in rows[:2]:
        assert (gone.recipient_name, gone.context) == ("", {})
        # The log still counts the message: its kind, template and time stay.
        assert (gone.event_type, gone.template, gone.created_at) == (
            "recruitment.response_received.v1",
            "response_received",
            past(days90),
        )
    assert retention.apply(db, NOW, 90) == {"deliveries": 0}


def test_a_backlog_larger_than_a_batch_is_done_in_several_transactions(sqlite_provider, monkeypatch):
    import shared.retention
    from services.notifications.models import Delivery
    from services.notifications.usecases import retention

    monkeypatch.setattr(shared.retention, "BATCH", 2)
    db = Database(sqlite_provider.fresh("notifications"))
    with db.transaction() as session:
        for n in range(5):
            session.add(
                Delivery(
                    network_id="n1",
                    event_id=f"e{n}",
                    event_type="appreciation.pass_issued.v1",
                    recipient=f"p{n}@example.org",
                    template="pass_issued",
                    context={},
                    status="sent",
                    created_at=NOW - timedelta(days=200),
                )
            )

    assert retention.apply(db, NOW, 90) == {"deliveries": 5}

    with db.reader() as session:
        assert not any(r.endswith("@example.org") for r in session.scalars(select(Delivery.recipient)))


# --- beat -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("service", ["recruitment", "appreciation", "notifications"])
def test_beat_runs_each_services_retention_daily(service, sqlite_provider):
    import importlib

    app = importlib.import_module(f"services.{service}").create_app(
        {"profile": "test", "database_url": sqlite_provider.fresh(service)}
    )
    celery = app.extensions["celery"]
    entry = celery.conf.beat_schedule[f"{service}-apply-retention"]
    assert entry["task"] == f"{service}.apply_retention" and entry["task"] in celery.tasks
    assert (entry["schedule"], entry["options"]["queue"]) == (24 * 3600, service)
