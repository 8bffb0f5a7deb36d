"""Offers' rules with plain values: the audience rule, when an offer applies, its slots, its end."""

from datetime import UTC, date, datetime, time
from types import SimpleNamespace

from services.appreciation.domain.offers import (
    Outcome,
    Slots,
    applies_at,
    is_current,
    is_eligible,
    matches,
    refused_when_used_up,
    slots,
)
from tests.unit.appreciation.fakes import NOON, an_offer


def a_holder(organisation_ids=(), is_student=False):
    return SimpleNamespace(organisation_ids=list(organisation_ids), is_student=is_student)


def test_an_offer_for_all_is_for_every_holder():
    assert is_eligible(an_offer(), a_holder())


def test_an_offer_for_students_is_not_for_a_volunteer():
    assert not is_eligible(an_offer(audience="students"), a_holder(["org-1"]))


def test_an_offer_for_students_is_for_a_student():
    assert is_eligible(an_offer(audience="students"), a_holder(is_student=True))


def test_an_offer_for_organisations_is_for_a_volunteer_of_one_of_them():
    offer = an_offer(audience="organisations", organisations=["org-1", "org-2"])
    assert is_eligible(offer, a_holder(["org-3", "org-2"]))


def test_an_offer_for_organisations_is_not_for_a_volunteer_of_another():
    offer = an_offer(audience="organisations", organisations=["org-1"])
    assert not is_eligible(offer, a_holder(["org-3"]))


def test_an_offer_without_limits_applies_at_any_moment():
    assert applies_at(an_offer(), NOON)


def test_an_offer_applies_only_on_its_weekdays():
    assert applies_at(an_offer(weekdays=[3]), NOON) and not applies_at(an_offer(weekdays=[6, 7]), NOON)


def test_an_offer_until_17_00_applies_during_the_minute_of_17_00():
    offer = an_offer(starts_at=time(9, 0), ends_at=time(17, 0))
    assert applies_at(offer, datetime(2026, 6, 10, 15, 0, 30, tzinfo=UTC))


def test_an_offer_until_17_00_does_not_apply_at_17_01():
    offer = an_offer(starts_at=time(9, 0), ends_at=time(17, 0))
    assert not applies_at(offer, datetime(2026, 6, 10, 15, 1, tzinfo=UTC))


def test_the_hours_of_an_offer_are_dutch_time():
    offer = an_offer(starts_at=time(11, 0), ends_at=time(13, 0))
    assert applies_at(offer, NOON)  # 10:00 UTC is 12:00 in Amsterdam


def test_an_offer_does_not_apply_before_its_first_day():
    assert not applies_at(an_offer(valid_from=date(2026, 6, 11)), NOON)


def test_an_offer_applies_on_its_last_day():
    assert applies_at(an_offer(valid_until=date(2026, 6, 10)), NOON)


def test_an_offer_does_not_apply_after_its_last_day():
    assert not applies_at(an_offer(valid_until=date(2026, 6, 9)), NOON)


def test_an_offer_past_its_last_day_is_no_longer_current():
    assert not is_current(an_offer(valid_until=date(2026, 6, 9)), date(2026, 6, 10))


def test_an_offer_without_a_last_day_stays_current():
    assert is_current(an_offer(), date(2999, 1, 1))


def test_a_holder_matches_an_offer_they_may_use_now():
    assert matches(an_offer(audience="students"), a_holder(is_student=True), NOON)


def test_a_holder_does_not_match_an_offer_that_is_off_now():
    assert not matches(an_offer(weekdays=[6]), a_holder(), NOON)


def test_a_holder_does_not_match_an_offer_for_others():
    assert not matches(an_offer(audience="students"), a_holder(), NOON)


def test_an_unlimited_offer_has_unlimited_slots():
    assert slots(an_offer(), NOON) == Slots("", None)


def test_a_once_only_offer_has_one_slot_for_ever():
    assert slots(an_offer(usage="once"), NOON) == Slots("once", 1)


def test_a_monthly_offer_has_its_slots_per_month():
    offer = an_offer(usage="per_period", per_period=3, period="month")
    assert slots(offer, NOON) == Slots("2026-06", 3)


def test_a_weekly_offer_has_its_slots_per_iso_week():
    offer = an_offer(usage="per_period", per_period=1, period="week")
    assert slots(offer, NOON) == Slots("2026-W24", 1)


def test_the_period_of_a_slot_is_on_the_dutch_calendar():
    offer = an_offer(usage="per_period", per_period=2, period="year")
    new_year_in_amsterdam = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert slots(offer, new_year_in_amsterdam) == Slots("2027", 2)


def test_a_once_only_offer_used_up_is_already_used():
    assert refused_when_used_up(an_offer(usage="once")) == Outcome.ALREADY_USED


def test_a_periodic_offer_used_up_has_reached_its_limit():
    assert refused_when_used_up(an_offer(usage="per_period")) == Outcome.LIMIT_REACHED
