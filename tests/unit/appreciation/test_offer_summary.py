"""An offer's rules as the parts of a plain summary, and its state, from plain values."""

from datetime import UTC, date, datetime, time
from types import SimpleNamespace

from services.appreciation.domain.offer_summary import (
    OfferState,
    clock,
    day_ranges,
    may_pause,
    state,
    summarise,
)


def offer(**fields):
    base = {
        "usage": "unlimited",
        "per_period": None,
        "period": None,
        "weekdays": [],
        "starts_at": None,
        "ends_at": None,
        "valid_from": None,
        "valid_until": None,
        "total_quantity": None,
        "redeemed": 0,
        "audience": "all",
        "organisations": [],
        "withdrawn_at": None,
        "paused_at": None,
    }
    return SimpleNamespace(**(base | fields))


def test_weekdays_become_runs_of_consecutive_days():
    assert day_ranges([1, 2, 3, 4, 5]) == ((1, 5),)
    assert day_ranges([7, 1, 2, 3, 4, 5]) == ((1, 5), (7, 7))
    assert day_ranges([2, 4, 6]) == ((2, 2), (4, 4), (6, 6))


def test_no_days_or_all_seven_is_every_day():
    assert day_ranges([]) == ()
    assert day_ranges(None) == ()
    assert day_ranges(range(1, 8)) == ()


def test_once_a_month_on_weekdays_with_a_quantity_left():
    found = summarise(
        offer(
            usage="per_period",
            per_period=1,
            period="month",
            weekdays=[1, 2, 3, 4, 5],
            starts_at=time(10),
            ends_at=time(17),
            total_quantity=50,
            redeemed=13,
        )
    )
    assert (found.usage, found.per_period, found.period) == ("per_period", 1, "month")
    assert found.day_ranges == ((1, 5),)
    assert (found.starts_at, found.ends_at) == (time(10), time(17))
    assert (found.left, found.total) == (37, 50)


def test_an_unlimited_quantity_has_nothing_left_to_count():
    found = summarise(offer())
    assert found.total is None and found.left is None
    assert found.usage == "unlimited" and found.per_period is None


def test_a_count_per_period_is_ignored_for_once():
    found = summarise(offer(usage="once", per_period=3, period="week"))
    assert found.usage == "once" and found.per_period is None and found.period is None


def test_the_audience_counts_the_chosen_members_only_for_members():
    assert summarise(offer(audience="organisations", organisations=["a", "b"])).organisation_count == 2
    assert summarise(offer(audience="all", organisations=["a"])).organisation_count == 0


def test_an_offer_is_ended_when_withdrawn_or_past_its_last_day():
    today = date(2026, 12, 6)
    assert state(offer(), today) == OfferState.ACTIVE
    assert state(offer(valid_until=today), today) == OfferState.ACTIVE
    assert state(offer(valid_until=date(2026, 12, 5)), today) == OfferState.ENDED
    assert state(offer(withdrawn_at=datetime(2026, 12, 1, tzinfo=UTC)), today) == OfferState.ENDED


def test_a_paused_offer_is_paused_until_it_ends_and_only_one_not_ended_may_be_paused():
    today, moment = date(2026, 12, 6), datetime(2026, 12, 1, tzinfo=UTC)
    assert state(offer(paused_at=moment), today) == OfferState.PAUSED
    assert state(offer(paused_at=moment, withdrawn_at=moment), today) == OfferState.ENDED
    assert state(offer(paused_at=moment, valid_until=date(2026, 12, 5)), today) == OfferState.ENDED
    assert may_pause(offer(), today) and may_pause(offer(paused_at=moment), today)
    assert not may_pause(offer(withdrawn_at=moment), today)
    assert not may_pause(offer(valid_until=date(2026, 12, 5)), today)


def test_a_whole_hour_is_said_without_minutes():
    assert clock(time(10)) == "10"
    assert clock(time(9, 30)) == "9:30"
