"""Whether a pass may use an offer now, why not, and from when, with plain values."""

from datetime import datetime, time
from types import SimpleNamespace

from services.appreciation.domain.clock import LOCAL_TIME
from services.appreciation.domain.offers import Outcome, availability, next_applicable
from tests.unit.appreciation.fakes import NOON, an_offer

HOLDER = SimpleNamespace(organisation_ids=["org-1"], is_student=False)


def local(*parts):
    return datetime(*parts, tzinfo=LOCAL_TIME)


def test_an_unused_offer_is_available():
    assert availability(an_offer(usage="once"), HOLDER, [], NOON).available


def test_a_once_offer_used_is_unavailable_for_good():
    found = availability(an_offer(usage="once"), HOLDER, [NOON.replace(month=1)], NOON)
    assert (found.refusal, found.again) == (Outcome.ALREADY_USED, None)


def test_a_monthly_offer_used_this_month_is_available_again_on_the_first_of_the_next():
    offer = an_offer(usage="per_period", per_period=1, period="month")
    found = availability(offer, HOLDER, [NOON.replace(day=2)], NOON)
    assert (found.refusal, found.again) == (Outcome.LIMIT_REACHED, local(2026, 7, 1))


def test_a_monthly_use_of_last_month_does_not_count():
    offer = an_offer(usage="per_period", per_period=1, period="month")
    assert availability(offer, HOLDER, [NOON.replace(month=5)], NOON).available


def test_two_a_week_used_once_this_week_is_still_available():
    offer = an_offer(usage="per_period", per_period=2, period="week")
    assert availability(offer, HOLDER, [NOON], NOON).available
    found = availability(offer, HOLDER, [NOON, NOON], NOON)
    assert found.again == local(2026, 6, 15)  # the next Monday


def test_a_yearly_offer_comes_back_on_new_years_day_at_its_first_hour_and_day():
    offer = an_offer(usage="per_period", per_period=1, period="year", weekdays=[1, 2], starts_at=time(10))
    found = availability(offer, HOLDER, [NOON], NOON)
    assert found.again == local(2027, 1, 4, 10)  # 1 January 2027 is a Friday


def test_an_offer_on_other_days_says_the_next_allowed_day_and_hour():
    offer = an_offer(weekdays=[5], starts_at=time(14), ends_at=time(17))
    found = availability(offer, HOLDER, [], NOON)
    assert (found.refusal, found.again) == (Outcome.NOT_NOW, local(2026, 6, 12, 14))


def test_an_offer_later_today_says_its_hour_today():
    offer = an_offer(starts_at=time(14), ends_at=time(17))
    assert availability(offer, HOLDER, [], NOON).again == local(2026, 6, 10, 14)


def test_an_offer_whose_hours_are_over_today_says_tomorrow():
    offer = an_offer(starts_at=time(9), ends_at=time(11))
    assert availability(offer, HOLDER, [], NOON).again == local(2026, 6, 11, 9)


def test_an_offer_that_starts_later_says_its_first_day():
    offer = an_offer(valid_from=local(2026, 7, 1).date())
    assert availability(offer, HOLDER, [], NOON).again == local(2026, 7, 1)


def test_an_offer_ending_before_its_next_day_has_no_next_moment():
    offer = an_offer(weekdays=[5], valid_until=local(2026, 6, 11).date())
    found = availability(offer, HOLDER, [], NOON)
    assert (found.refusal, found.again) == (Outcome.NOT_NOW, None)


def test_a_sold_out_offer_has_no_next_moment():
    found = availability(an_offer(total_quantity=5, redeemed=5), HOLDER, [], NOON)
    assert (found.refusal, found.again) == (Outcome.SOLD_OUT, None)


def test_an_offer_for_students_is_not_for_this_pass():
    found = availability(an_offer(audience="students"), HOLDER, [], NOON)
    assert found.refusal == Outcome.NOT_ELIGIBLE


def test_a_paused_offer_is_unavailable_to_everyone_without_a_moment_to_name():
    found = availability(an_offer(audience="students", paused_at=NOON), HOLDER, [], NOON)
    assert (found.refusal, found.again) == (Outcome.PAUSED, None)
    assert found.refusal in found.REASONS and found.refusal in Outcome.MESSAGES


def test_the_period_limit_waits_for_the_offers_hours_in_the_next_period():
    offer = an_offer(usage="per_period", per_period=1, period="week", weekdays=[3], starts_at=time(10))
    found = availability(offer, HOLDER, [NOON], NOON)
    assert found.again == local(2026, 6, 17, 10)


def test_next_applicable_is_now_when_the_offer_applies():
    assert next_applicable(an_offer(), NOON) == NOON.astimezone(LOCAL_TIME)
