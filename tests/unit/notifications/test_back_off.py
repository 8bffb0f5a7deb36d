"""A postponed delivery's back-off: doubling, capped, jittered, and never overflowing."""

from datetime import timedelta

from services.notifications.deliveries import BackOff


def test_each_step_doubles_within_its_jitter_until_the_cap():
    back_off = BackOff(first=timedelta(seconds=30), most=timedelta(minutes=15))
    for attempts, step in ((1, 30), (2, 60), (3, 120), (6, 900), (7, 900)):
        assert step * 0.8 <= back_off.delay(attempts).total_seconds() <= step * 1.2


def test_a_delivery_tried_for_days_still_gets_a_step_not_an_overflow():
    back_off = BackOff(first=timedelta(seconds=30), most=timedelta(minutes=15))
    assert back_off.delay(10_000) <= timedelta(minutes=18)
