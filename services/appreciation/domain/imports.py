"""Nominations from a large CSV file, worked through in chunks: the job's states, its next chunk,
who it acts as, and who may follow it."""

from __future__ import annotations

from shared.identity import Principal, Role

QUEUED, RUNNING, DONE = "queued", "running", "done"
STATUSES = (QUEUED, RUNNING, DONE)


def chunk_after(done: int, total: int, size: int) -> int:
    """How many rows the chunk that starts after `done` of `total` rows holds (0: none left)."""
    return max(0, min(size, total - done))


def status_after(done: int, total: int) -> str:
    """The job's state once `done` of its `total` rows are processed."""
    return DONE if done >= total else RUNNING


def acting_as(role: str, network_id: str, organisation_id: str) -> Principal:
    """Who the worker nominates as: the member itself, or the coordinator on the member's behalf."""
    if role == Role.ORGANISATION:
        return Principal(role=role, network_id=network_id, organisation_id=organisation_id)
    return Principal(role=role, network_id=network_id)


def may_follow(principal: Principal, role: str, network_id: str, organisation_id: str) -> bool:
    """Only the party that started the job follows it: the member organisation for its own file
    (whether sent from a page or with one of its API keys), the network's coordinator for a file
    it sent on a member's behalf."""
    if principal.network_id != network_id or principal.role != role:
        return False
    return role == Role.COORDINATOR or principal.organisation_id == organisation_id
