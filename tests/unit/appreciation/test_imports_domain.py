"""A large nomination file's rules with plain values: its chunks, its state, who the worker acts
as, and who may follow it."""

from services.appreciation.domain.imports import (
    DONE,
    RUNNING,
    acting_as,
    chunk_after,
    may_follow,
    status_after,
)
from shared.identity import Principal, Role


def test_a_file_is_cut_into_chunks_the_last_one_shorter_and_none_after_it():
    assert [chunk_after(done, 7, 3) for done in (0, 3, 6, 7)] == [3, 3, 1, 0]
    assert chunk_after(9, 7, 3) == 0


def test_a_job_is_done_only_when_every_row_is_processed():
    assert status_after(6, 7) == RUNNING and status_after(7, 7) == DONE


def test_the_worker_nominates_as_the_member_or_as_the_coordinator_for_it():
    assert acting_as(Role.ORGANISATION, "n", "m") == Principal(Role.ORGANISATION, "n", organisation_id="m")
    assert acting_as(Role.COORDINATOR, "n", "m") == Principal(Role.COORDINATOR, "n")


def test_only_whoever_started_the_file_follows_it():
    member = Principal(Role.ORGANISATION, "n", organisation_id="m")
    coordinator = Principal(Role.COORDINATOR, "n")
    assert may_follow(member, Role.ORGANISATION, "n", "m")
    assert not may_follow(
        Principal(Role.ORGANISATION, "n", organisation_id="other"), Role.ORGANISATION, "n", "m"
    )
    assert not may_follow(coordinator, Role.ORGANISATION, "n", "m")
    assert may_follow(coordinator, Role.COORDINATOR, "n", "m")
    assert not may_follow(member, Role.COORDINATOR, "n", "m")
    assert not may_follow(Principal(Role.COORDINATOR, "other"), Role.COORDINATOR, "n", "m")
