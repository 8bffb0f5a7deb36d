"""A response to a vacancy: the steps a member takes with it, and when the member is reminded."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from services.recruitment.domain import InvalidTransition, change_response_status, needs_reminder
from tests.unit.recruitment.fakes import NOW

LATER = NOW + timedelta(hours=3)
WEEK = timedelta(days=7)


def response(status: str = "new", **values) -> SimpleNamespace:
    fields = {"status": status, "note": None, "first_action_at": None, "reminder_sent_at": None}
    return SimpleNamespace(**{**fields, "created_at": NOW, **values})


def test_a_new_response_can_be_contacted_and_the_first_action_is_stamped():
    answer = response()
    change_response_status(answer, "contacted", NOW)
    assert (answer.status, answer.first_action_at) == ("contacted", NOW)


def test_a_later_step_keeps_the_time_of_the_first_action():
    answer = response()
    change_response_status(answer, "contacted", NOW)
    change_response_status(answer, "started", LATER)
    assert (answer.status, answer.first_action_at) == ("started", NOW)


def test_a_new_response_cannot_skip_to_started():
    answer = response()
    with pytest.raises(InvalidTransition, match="a response that is new cannot become started"):
        change_response_status(answer, "started", NOW)
    assert answer.status == "new"


@pytest.mark.parametrize("final", ["started", "declined"])
def test_a_started_or_declined_response_is_final(final):
    with pytest.raises(InvalidTransition):
        change_response_status(response(final), "contacted", NOW)


def test_a_note_is_kept_trimmed_and_replaces_the_previous_one():
    answer = response(note="eerste")
    change_response_status(answer, "contacted", NOW, note="  belt dinsdag terug \n")
    assert answer.note == "belt dinsdag terug"


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_blank_note_leaves_the_previous_one(blank):
    answer = response(note="eerste")
    change_response_status(answer, "declined", NOW, note=blank)
    assert answer.note == "eerste"


def test_a_new_response_left_as_long_as_the_period_needs_a_reminder():
    assert needs_reminder(response(), NOW + WEEK, WEEK)


def test_a_new_response_younger_than_the_period_needs_no_reminder():
    assert not needs_reminder(response(), NOW + WEEK - timedelta(seconds=1), WEEK)


def test_a_response_already_acted_on_needs_no_reminder():
    assert not needs_reminder(response("contacted"), NOW + 2 * WEEK, WEEK)


def test_a_reminder_is_sent_only_once():
    assert not needs_reminder(response(reminder_sent_at=NOW + WEEK), NOW + 2 * WEEK, WEEK)
