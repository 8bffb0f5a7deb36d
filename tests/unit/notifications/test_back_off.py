"""A postponed delivery's back-off: doubling, capped, jittered, and never overflowing."""

from datetime import UTC, datetime, timedelta

from services.notifications.domain import BackOff


def test_each_step_doubles_within_its_jitter_until_the_cap():
    back_off = BackOff(first=timedelta(seconds=30), most=timedelta(minutes=15))
    for attempts, step in ((1, 30), (2, 60), (3, 120), (6, 900), (7, 900)):
        assert step * 0.8 <= back_off.delay(attempts).total_seconds() <= step * 1.2


def test_a_delivery_tried_for_days_still_gets_a_step_not_an_overflow():
    back_off = BackOff(first=timedelta(seconds=30), most=timedelta(minutes=15))
    assert back_off.delay(10_000) <= timedelta(minutes=18)


def test_a_delivery_recorded_longer_ago_than_the_limit_is_given_up():
    back_off = BackOff(give_up_after=timedelta(days=3))
    recorded = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert back_off.gives_up(recorded, recorded + timedelta(days=3, seconds=1))


def test_a_delivery_within_the_limit_is_tried_again():
    back_off = BackOff(give_up_after=timedelta(days=3))
    recorded = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert not back_off.gives_up(recorded, recorded + timedelta(days=3))
