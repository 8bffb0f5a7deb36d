"""Appreciation events' rules (Gathering in code) with plain values: the audience rule, sign-up,
seats, invitation states and the waiting list's offer deadline."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from services.appreciation.domain.errors import InvalidTransition
from services.appreciation.domain.gatherings import (
    OFFER_HOURS,
    OFFER_MINIMUM,
    GatheringClosed,
    GatheringStatus,
    InvitationStatus,
    audience_organisations,
    declining,
    ensure_may_give_feedback,
    ensure_sign_up_open,
    ensure_times,
    feedback_mark,
    frees_seats,
    in_audience,
    may_offer_places,
    organised_by,
    place_offer_expiry,
    seats_for,
)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def a_gathering(**fields):
    defaults = {
        "audience": "all",
        "organisations": [],
        "status": GatheringStatus.PUBLISHED,
        "starts_at": NOW + timedelta(days=7),
        "ends_at": NOW + timedelta(days=7, hours=3),
        "signup_deadline": NOW + timedelta(days=5),
        "guests_allowed": 1,
        "capacity": 10,
    }
    return SimpleNamespace(**{**defaults, **fields})


def test_a_gathering_for_all_invites_every_pass_holder():
    assert audience_organisations(a_gathering()) is None and in_audience(a_gathering(), [])


def test_a_gathering_for_organisations_invites_their_volunteers():
    gathering = a_gathering(audience="organisations", organisations=["org-1"])
    assert in_audience(gathering, ["org-2", "org-1"])


def test_a_gathering_for_organisations_does_not_invite_other_volunteers():
    gathering = a_gathering(audience="organisations", organisations=["org-1"])
    assert not in_audience(gathering, ["org-2"])


def test_a_member_organises_for_its_own_volunteers_only():
    fields = organised_by("org-1", {"title": "Dag", "audience": "all"})
    assert fields["organiser_id"] == "org-1"
    assert (fields["audience"], fields["organisations"]) == ("organisations", ["org-1"])


def test_the_coordinator_organises_for_the_audience_it_chooses():
    assert organised_by(None, {"audience": "all"}) == {"audience": "all", "organiser_id": None}


def test_sign_up_is_open_before_the_deadline():
    ensure_sign_up_open(a_gathering(), NOW)


def test_sign_up_is_closed_after_the_deadline():
    with pytest.raises(GatheringClosed):
        ensure_sign_up_open(a_gathering(), NOW + timedelta(days=6))


def test_sign_up_is_closed_for_a_draft():
    with pytest.raises(GatheringClosed):
        ensure_sign_up_open(a_gathering(status=GatheringStatus.DRAFT), NOW)


def test_a_closed_gathering_is_an_invalid_transition():
    assert issubclass(GatheringClosed, InvalidTransition)


def test_a_person_with_a_guest_takes_two_seats():
    assert seats_for(a_gathering(), 1) == 2


def test_more_guests_than_allowed_are_refused():
    with pytest.raises(InvalidTransition, match="at most 1 guest"):
        seats_for(a_gathering(), 2)


def test_a_party_larger_than_the_gathering_is_refused():
    with pytest.raises(InvalidTransition, match="fewer places"):
        seats_for(a_gathering(capacity=1), 1)


def test_a_gathering_that_ends_before_it_starts_is_refused():
    with pytest.raises(InvalidTransition):
        ensure_times(a_gathering(ends_at=NOW))


def test_sign_up_closing_after_the_start_is_refused():
    with pytest.raises(InvalidTransition):
        ensure_times(a_gathering(signup_deadline=NOW + timedelta(days=8)))


def test_not_coming_before_signing_up_is_declining():
    assert declining(InvitationStatus.INVITED) == InvitationStatus.DECLINED


def test_not_coming_after_signing_up_is_cancelling():
    assert declining(InvitationStatus.SIGNED_UP) == InvitationStatus.CANCELLED


def test_not_coming_from_the_waiting_list_is_cancelling():
    assert declining(InvitationStatus.WAITING) == InvitationStatus.CANCELLED


def test_not_coming_twice_changes_nothing():
    assert declining(InvitationStatus.DECLINED) is None and declining(InvitationStatus.CANCELLED) is None


def test_leaving_a_held_or_offered_seat_frees_it():
    assert frees_seats(InvitationStatus.SIGNED_UP) and frees_seats(InvitationStatus.OFFERED)


def test_leaving_the_waiting_list_frees_no_seat():
    assert not frees_seats(InvitationStatus.WAITING)


def test_who_may_sign_up_again_after_declining_or_a_lapsed_offer():
    assert {InvitationStatus.DECLINED, InvitationStatus.LAPSED} <= set(InvitationStatus.MAY_SIGN_UP)


def test_a_signed_up_person_cannot_claim_seats_again():
    assert InvitationStatus.SIGNED_UP not in InvitationStatus.MAY_SIGN_UP


def test_a_place_offered_well_ahead_waits_its_full_hours():
    assert place_offer_expiry(NOW, NOW + timedelta(days=10)) == NOW + timedelta(hours=OFFER_HOURS)


def test_a_place_offered_close_to_the_start_waits_half_the_time_left():
    assert place_offer_expiry(NOW, NOW + timedelta(hours=10)) == NOW + timedelta(hours=5)


def test_a_place_offered_at_the_last_moment_waits_at_least_the_minimum():
    assert place_offer_expiry(NOW, NOW + timedelta(hours=3)) == NOW + OFFER_MINIMUM


def test_a_place_offered_never_waits_past_the_start():
    assert place_offer_expiry(NOW, NOW + timedelta(hours=1)) == NOW + timedelta(hours=1)


def test_freed_places_are_offered_while_the_gathering_is_ahead():
    assert may_offer_places(a_gathering(), NOW)


def test_freed_places_are_not_offered_once_it_is_under_way():
    assert not may_offer_places(a_gathering(), NOW + timedelta(days=7))


def test_freed_places_are_not_offered_for_a_cancelled_gathering():
    assert not may_offer_places(a_gathering(status=GatheringStatus.CANCELLED), NOW)


def test_feedback_is_only_for_those_who_came():
    with pytest.raises(InvalidTransition, match="those who came"):
        ensure_may_give_feedback(None)


@pytest.mark.parametrize("given, mark", [("1", 1), (" 10 ", 10), ("7", 7)])
def test_a_feedback_mark_is_a_whole_number_from_1_to_10(given, mark):
    assert feedback_mark(given) == mark


@pytest.mark.parametrize(
    "given", ["0", "11", "7.5", "-3", "", "zeven", "\uff17"]
)  # the last: a full-width seven
def test_anything_else_is_no_feedback_mark(given):
    assert feedback_mark(given) is None
