"""Allocating a cohort of students to introduction placements at volunteer organisations.

We use student-proposing deferred acceptance (Gale-Shapley) because it is both *stable* (no student
and placement would both rather be matched to each other than to what they got, so nobody has a
reason to arrange things behind the coordinator's back) and *strategy-proof for students* when
they may rank every placement (ranking honestly is then always best; with a short list, as a cohort
usually allows, a student may still do better by not wasting it on long shots). Of all stable
outcomes it is the one every student likes best.

Placements may carry an organisation priority (students they would like first); everything left
undecided is settled by a single lottery drawn from the seed, so a run can be repeated and audited:
the same students, placements and seed always give the same allocation, whatever order they come in.

Rules, precisely:

* A student's *valid preferences* are their ranked placement ids, in order, keeping only ids of
  placements that exist and have capacity > 0, and keeping only the first occurrence of each id.
  ``choice_of`` is the 1-based position in that valid list (so a closed placement ranked first does
  not turn the student's real first option into a "second choice").
* The lottery shuffles the sorted student ids with ``random.Random(seed)``; a student's lottery
  number is their index in the shuffled list (lower is better).
* A placement orders students by its priority rank first (every ranked student before every unranked
  one; a student listed twice counts at their first position), then by lottery number.

This module is pure standard library so it can run in a CLI, a worker or a test without an app.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass

NO_PREFERENCES = "no_preferences"
PREFERENCES_FULL = "preferences_full"

REASONS: dict[str, str] = {
    NO_PREFERENCES: "The student ranked no placement that exists and has places available.",
    PREFERENCES_FULL: "Every placement the student ranked was filled by students that placement puts first.",
}


@dataclass(frozen=True)
class Student:
    """A student and the placements they want, best first (duplicates and unknown ids are ignored)."""

    id: str
    preferences: tuple[str, ...]


@dataclass(frozen=True)
class Placement:
    """A placement with a number of seats and an optional priority list of student ids, best first."""

    id: str
    capacity: int
    priorities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Allocation:
    """The outcome: who goes where, how happy they are with it, and why the rest were not placed."""

    assignments: dict[str, str]
    choice_of: dict[str, int]
    unplaced: dict[str, str]

    def choice_counts(self) -> dict[int, int]:
        """How many students got their 1st, 2nd, ... choice, by rank; the headline figure for a cohort."""
        return dict(sorted(Counter(self.choice_of.values()).items()))


def lottery(student_ids: Iterable[str], seed: int) -> dict[str, int]:
    """Each student's lottery number (0 is best).

    Sorting before shuffling makes the draw depend only on the set of ids and the seed, never on the
    order the caller happened to list the students in.
    """
    order = sorted(student_ids)
    random.Random(seed).shuffle(order)
    return {student_id: position for position, student_id in enumerate(order)}


def priority_ranks(placement: Placement) -> dict[str, int]:
    """The placement's priority rank per student it lists (0 is best; unlisted students rank after all).

    Ranks are consecutive, so ``len(ranks)`` is the rank shared by every unlisted student.
    """
    return {student_id: rank for rank, student_id in enumerate(dict.fromkeys(placement.priorities))}


def order_key(
    ranks: Mapping[str, int], lottery_numbers: Mapping[str, int], student_id: str
) -> tuple[int, int]:
    """How a placement orders a student (smaller is preferred): priority rank, then lottery number.

    Exposed so callers and tests can check the outcome against the very rule the allocation used.
    """
    return ranks.get(student_id, len(ranks)), lottery_numbers[student_id]


def valid_preferences(student: Student, open_placement_ids: Container[str]) -> list[str]:
    """The student's preferences restricted to open placements, first occurrence only, order kept.

    A mistyped or closed placement must not cost the student a round, nor count as a choice.
    """
    unique = dict.fromkeys(student.preferences)
    return [placement_id for placement_id in unique if placement_id in open_placement_ids]


def allocate(students: Iterable[Student], placements: Iterable[Placement], seed: int) -> Allocation:
    """The student-optimal stable allocation, with ties broken by priorities and then the seeded lottery.

    Runs in O(P log C) for P proposals and capacity C, so a whole cohort allocates in milliseconds.
    Raises ValueError when a student id or a placement id occurs twice, since that is ambiguous input.
    """
    students = tuple(students)
    placements = tuple(placements)
    _require_unique("student", [student.id for student in students])
    _require_unique("placement", [placement.id for placement in placements])

    open_placements = {placement.id: placement for placement in placements if placement.capacity > 0}
    preferences = {student.id: valid_preferences(student, open_placements) for student in students}
    lottery_numbers = lottery(preferences, seed)
    seats = _deferred_acceptance(preferences, open_placements, lottery_numbers)
    return _build_allocation(preferences, seats)


def _require_unique(kind: str, ids: list[str]) -> None:
    """Refuse duplicate ids: two records with one id would make the outcome depend on which won."""
    duplicates = sorted(ident for ident, count in Counter(ids).items() if count > 1)
    if duplicates:
        raise ValueError(f"duplicate {kind} ids: {', '.join(duplicates)}")


@dataclass(slots=True)
class _Seats:
    """One placement during the run: its capacity, its priority lookup, and the students it holds.

    ``held`` is a max-heap on the placement's order (entries are ``(-key, student id)``), so the worst
    held student is always on top: deciding whether a newcomer displaces someone is O(1), the swap
    O(log capacity). ``key`` folds (priority rank, lottery number) into one int so the heap compares
    plain ints, which keeps the inner loop fast.
    """

    capacity: int
    ranks: dict[str, int]
    held: list[tuple[int, str]]

    def key(self, student_id: str, lottery_numbers: Mapping[str, int]) -> int:
        """The student's place in this placement's order (``order_key``) as one int; smaller is preferred.

        Lottery numbers are below ``len(lottery_numbers)``, so ``rank * len + number`` orders exactly
        like the (rank, number) pair.
        """
        rank, number = order_key(self.ranks, lottery_numbers, student_id)
        return rank * len(lottery_numbers) + number

    def offer(self, student_id: str, key: int) -> tuple[bool, str | None]:
        """Tentatively hold the student if there is room or they beat the worst held student.

        Returns (held, displaced student id or None). Nothing is final until no student is free,
        which is what "deferred" acceptance means and why the outcome is stable.
        """
        if len(self.held) < self.capacity:
            heapq.heappush(self.held, (-key, student_id))
            return True, None
        if -self.held[0][0] > key:
            return True, heapq.heapreplace(self.held, (-key, student_id))[1]
        return False, None


def _deferred_acceptance(
    preferences: Mapping[str, list[str]],
    open_placements: Mapping[str, Placement],
    lottery_numbers: Mapping[str, int],
) -> dict[str, _Seats]:
    """Run the proposals until every student is held or has exhausted their list.

    A free student proposes down their list until held; a displaced student goes back on the stack and
    resumes where they left off, so each (student, placement) pair is tried at most once: the run is
    linear in the number of preferences (times log capacity). The outcome does not depend on the order
    free students are taken (a property of deferred acceptance); sorted order is used only for tidiness.
    """
    seats = {
        placement_id: _Seats(placement.capacity, priority_ranks(placement), [])
        for placement_id, placement in open_placements.items()
    }
    next_choice = dict.fromkeys(preferences, 0)
    free = sorted(preferences, reverse=True)  # a stack; popping gives ascending ids
    while free:
        displaced = _propose(free.pop(), preferences, next_choice, seats, lottery_numbers)
        if displaced is not None:
            free.append(displaced)
    return seats


def _propose(
    student_id: str,
    preferences: Mapping[str, list[str]],
    next_choice: dict[str, int],
    seats: Mapping[str, _Seats],
    lottery_numbers: Mapping[str, int],
) -> str | None:
    """Let one student propose down their list until held; return whoever got displaced, if anyone."""
    choices = preferences[student_id]
    index = next_choice[student_id]
    while index < len(choices):
        placement = seats[choices[index]]
        index += 1
        held, displaced = placement.offer(student_id, placement.key(student_id, lottery_numbers))
        if held:
            next_choice[student_id] = index
            return displaced
    next_choice[student_id] = index
    return None


def _build_allocation(preferences: Mapping[str, list[str]], seats: Mapping[str, _Seats]) -> Allocation:
    """Turn the held students into the public result, listed by student id so output is reproducible.

    Anyone not held but with valid preferences was turned away everywhere they applied, which in a
    stable outcome means each of those placements is full of students it puts ahead of them.
    """
    assignments = {
        student_id: placement_id
        for placement_id, placement in seats.items()
        for _, student_id in placement.held
    }
    ordered = sorted(preferences)
    return Allocation(
        assignments={s: assignments[s] for s in ordered if s in assignments},
        choice_of={s: preferences[s].index(assignments[s]) + 1 for s in ordered if s in assignments},
        unplaced={
            s: NO_PREFERENCES if not preferences[s] else PREFERENCES_FULL
            for s in ordered
            if s not in assignments
        },
    )
