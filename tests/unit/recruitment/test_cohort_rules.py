"""Student placements: when a cohort takes registrations, who acts on cohorts and placements, and
which hours count towards sign-off."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from services.recruitment.domain import (
    InvalidTransition,
    NotAllowed,
    counted_hours,
    ensure_allocation_open,
    ensure_partner_or_coordinator,
    ensure_placement_owner,
    registration_closed_reason,
)
from tests.unit.recruitment.fakes import NETWORK, NOW, coordinator, member, partner

DAY = timedelta(days=1)


def cohort(**values) -> SimpleNamespace:
    fields = {
        "opens_at": NOW - DAY,
        "closes_at": NOW + DAY,
        "registration_closed_at": None,
        "published_at": None,
        "partner_id": "e1",
        "network_id": NETWORK,
    }
    return SimpleNamespace(**{**fields, **values})


def placement(organisation_id: str = "o1") -> SimpleNamespace:
    return SimpleNamespace(organisation_id=organisation_id, network_id=NETWORK)


def entry(hours: float, status: str, approved_hours: float | None = None) -> SimpleNamespace:
    return SimpleNamespace(hours=hours, status=status, approved_hours=approved_hours)


def test_a_cohort_takes_registrations_within_its_period():
    assert registration_closed_reason(cohort(), NOW) is None


def test_a_cohort_takes_registrations_from_the_moment_it_opens():
    assert registration_closed_reason(cohort(opens_at=NOW), NOW) is None


def test_a_cohort_not_yet_open_says_so():
    assert registration_closed_reason(cohort(opens_at=NOW + DAY), NOW) == "registration has not opened yet"


def test_a_cohort_is_closed_from_the_moment_its_period_ends():
    reason = registration_closed_reason(cohort(closes_at=NOW), NOW)
    assert reason == "registration closed at the end of the registration period"


def test_a_cohort_closed_by_hand_is_closed_even_within_its_period():
    reason = registration_closed_reason(cohort(registration_closed_at=NOW - DAY), NOW)
    assert reason == "registration for this group has been closed"


def test_placements_change_until_the_allocation_is_published():
    ensure_allocation_open(cohort())
    with pytest.raises(InvalidTransition):
        ensure_allocation_open(cohort(published_at=NOW))


def test_the_cohorts_partner_and_the_networks_coordinator_act_on_a_cohort():
    ensure_partner_or_coordinator(partner("e1"), cohort())
    ensure_partner_or_coordinator(coordinator(), cohort())


@pytest.mark.parametrize(
    "caller",
    [partner("e2"), coordinator("n2"), member()],
    ids=["other partner", "other coordinator", "member"],
)
def test_another_partner_another_networks_coordinator_or_a_member_may_not(caller):
    with pytest.raises(NotAllowed):
        ensure_partner_or_coordinator(caller, cohort())


def test_the_offering_organisation_and_the_coordinator_act_on_a_placement():
    ensure_placement_owner(member("o1"), placement("o1"))
    ensure_placement_owner(coordinator(), placement("o1"))


@pytest.mark.parametrize(
    "caller",
    [member("o2"), partner("e1"), coordinator("n2")],
    ids=["other member", "partner", "other coordinator"],
)
def test_another_organisation_a_partner_or_another_networks_coordinator_may_not(caller):
    with pytest.raises(NotAllowed):
        ensure_placement_owner(caller, placement("o1"))


def test_approved_hours_count_as_logged():
    assert counted_hours([entry(3, "approved"), entry(2.5, "approved")]) == 5.5


def test_a_correction_counts_the_organisations_number():
    assert counted_hours([entry(4, "corrected", approved_hours=3)]) == 3


def test_hours_not_yet_reviewed_do_not_count():
    assert counted_hours([entry(4, "logged"), entry(2, "approved")]) == 2


def test_no_entries_count_nothing():
    assert counted_hours([]) == 0
