"""A vacancy's workflow: which step may follow which, what each step stamps, and who may edit."""

from __future__ import annotations

import pytest

from services.recruitment.domain import (
    InvalidTransition,
    NotAllowed,
    VacancyStatus,
    edit_needs_moderation,
    ensure_coordinator,
    ensure_editable,
    ensure_may_edit,
    ensure_revisable,
    is_publisher,
    publishers,
    transition,
)
from tests.unit.recruitment.fakes import NOW, co_publisher, coordinator, member, organisation, vacancy


def test_submitting_a_draft_makes_it_submitted_and_stamps_the_time():
    draft = vacancy(VacancyStatus.DRAFT)
    transition(draft, "submit", NOW)
    assert (draft.status, draft.submitted_at) == (VacancyStatus.SUBMITTED, NOW)


def test_approving_a_submitted_vacancy_publishes_it_and_stamps_the_time():
    submitted = vacancy(VacancyStatus.SUBMITTED)
    transition(submitted, "approve", NOW)
    assert (submitted.status, submitted.published_at) == (VacancyStatus.PUBLISHED, NOW)


@pytest.mark.parametrize("step", ["reject", "withdraw"])
def test_rejecting_or_withdrawing_returns_to_draft_without_a_closing_stamp(step):
    submitted = vacancy(VacancyStatus.SUBMITTED)
    transition(submitted, step, NOW)
    assert (submitted.status, submitted.closed_at) == (VacancyStatus.DRAFT, None)


@pytest.mark.parametrize(
    ("step", "ended"),
    [("fill", VacancyStatus.FILLED), ("close", VacancyStatus.CLOSED), ("expire", VacancyStatus.EXPIRED)],
)
def test_ending_a_published_vacancy_stamps_when_it_closed(step, ended):
    published = vacancy(VacancyStatus.PUBLISHED)
    transition(published, step, NOW)
    assert (published.status, published.closed_at) == (ended, NOW)


def test_a_draft_cannot_be_approved_and_keeps_its_status():
    draft = vacancy(VacancyStatus.DRAFT)
    with pytest.raises(InvalidTransition, match="a draft vacancy cannot be approved"):
        transition(draft, "approve", NOW)
    assert draft.status == VacancyStatus.DRAFT


@pytest.mark.parametrize("ended", VacancyStatus.ENDED)
def test_an_ended_vacancy_cannot_be_closed_again(ended):
    with pytest.raises(InvalidTransition):
        transition(vacancy(ended), "close", NOW)


def test_only_a_draft_can_be_edited():
    ensure_editable(vacancy(VacancyStatus.DRAFT))
    with pytest.raises(InvalidTransition):
        ensure_editable(vacancy(VacancyStatus.PUBLISHED))


def test_only_a_published_vacancy_can_be_revised():
    ensure_revisable(vacancy(VacancyStatus.PUBLISHED))
    with pytest.raises(InvalidTransition):
        ensure_revisable(vacancy(VacancyStatus.DRAFT))


def test_a_revision_needs_moderation_only_when_published_in_a_moderated_network():
    assert edit_needs_moderation(vacancy(VacancyStatus.PUBLISHED), moderated=True)
    assert not edit_needs_moderation(vacancy(VacancyStatus.PUBLISHED), moderated=False)
    assert not edit_needs_moderation(vacancy(VacancyStatus.DRAFT), moderated=True)


def test_the_drafting_member_and_the_networks_coordinator_may_edit():
    ensure_may_edit(member("o1"), vacancy())
    ensure_may_edit(coordinator(), vacancy())


def test_another_member_may_not_edit():
    with pytest.raises(NotAllowed):
        ensure_may_edit(member("o2"), vacancy())


def test_the_coordinator_of_another_network_may_not_edit():
    with pytest.raises(NotAllowed):
        ensure_may_edit(coordinator("n2"), vacancy())


def test_a_member_is_not_the_networks_coordinator():
    with pytest.raises(NotAllowed):
        ensure_coordinator(member(), "n1")


def test_publishers_are_the_drafter_then_accepted_co_publishers_by_name():
    drafter, zonnebloem, alzheimer, pending = (
        organisation("o1", "Humanitas"),
        organisation("o2", "Zonnebloem"),
        organisation("o3", "Alzheimer"),
        organisation("o4", "Rode Kruis"),
    )
    shared = vacancy(
        organisation=drafter,
        co_publishers=[co_publisher(zonnebloem), co_publisher(pending, "invited"), co_publisher(alzheimer)],
    )
    assert publishers(shared) == [drafter, alzheimer, zonnebloem]


def test_an_accepted_co_publisher_is_a_publisher_but_an_invited_one_is_not():
    shared = vacancy(
        co_publishers=[co_publisher(organisation("o2")), co_publisher(organisation("o3"), "invited")]
    )
    assert is_publisher(member("o2"), shared)
    assert not is_publisher(member("o3"), shared)


def test_a_coordinator_is_no_publisher():
    assert not is_publisher(coordinator(), vacancy())
