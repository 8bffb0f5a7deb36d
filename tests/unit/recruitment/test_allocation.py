"""Properties of the cohort allocation: capacity, stability, determinism, and honest bookkeeping.

The ordering a placement applies is recomputed here from the rule documented in the module (priority
rank, then the lottery drawn by shuffling the sorted ids with ``random.Random(seed)``), rather than
taken from the module, so a drift between the docs and the code fails these tests.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.recruitment.domain.allocation import (
    REASONS,
    Allocation,
    Placement,
    Student,
    allocate,
    lottery,
    order_key,
    priority_ranks,
)

STUDENT_IDS = [f"s{i}" for i in range(40)]
PLACEMENT_IDS = [f"p{i}" for i in range(12)]
UNKNOWN_PLACEMENTS = ["x1", "x2"]
UNKNOWN_STUDENTS = ["ghost"]


@st.composite
def instances(draw) -> tuple[list[Student], list[Placement], int]:
    """Small cohorts with capacity-0 placements, unknown and repeated ids, and optional priorities."""
    student_ids = draw(st.lists(st.sampled_from(STUDENT_IDS), max_size=40, unique=True))
    placement_ids = draw(st.lists(st.sampled_from(PLACEMENT_IDS), max_size=12, unique=True))
    wanted = st.sampled_from(placement_ids + UNKNOWN_PLACEMENTS)
    students = [Student(sid, tuple(draw(st.lists(wanted, max_size=5)))) for sid in student_ids]
    ranked = st.sampled_from(student_ids + UNKNOWN_STUDENTS)
    with_priorities = draw(st.booleans())
    placements = [
        Placement(
            pid,
            draw(st.integers(0, 5)),
            tuple(draw(st.lists(ranked, max_size=8))) if with_priorities and draw(st.booleans()) else (),
        )
        for pid in placement_ids
    ]
    return students, placements, draw(st.integers(0, 2**32))


def valid_prefs(student: Student, placements: list[Placement]) -> list[str]:
    """The documented rule: open (existing, capacity > 0) placements, first occurrence, in order."""
    open_ids = {p.id for p in placements if p.capacity > 0}
    seen: list[str] = []
    for pid in student.preferences:
        if pid in open_ids and pid not in seen:
            seen.append(pid)
    return seen


def documented_order(students: list[Student], placements: list[Placement], seed: int):
    """The placement's order as documented: priority rank (unranked last), then lottery position."""
    draw = sorted(s.id for s in students)
    random.Random(seed).shuffle(draw)
    lottery_position = {sid: i for i, sid in enumerate(draw)}

    def key(placement: Placement, student_id: str) -> tuple[float, int]:
        rank = placement.priorities.index(student_id) if student_id in placement.priorities else float("inf")
        return rank, lottery_position[student_id]

    return key


SETTINGS = settings(max_examples=300, deadline=None)


@SETTINGS
@given(instances())
def test_never_over_capacity(instance):
    students, placements, seed = instance
    result = allocate(students, placements, seed)
    capacity = {p.id: p.capacity for p in placements}
    for pid in set(result.assignments.values()):
        assert list(result.assignments.values()).count(pid) <= capacity[pid]


@SETTINGS
@given(instances())
def test_only_ranked_placements_and_choice_of_is_position_among_valid_preferences(instance):
    students, placements, seed = instance
    result = allocate(students, placements, seed)
    by_id = {s.id: s for s in students}
    assert result.choice_of.keys() == result.assignments.keys()
    for sid, pid in result.assignments.items():
        prefs = valid_prefs(by_id[sid], placements)
        assert pid in prefs
        assert result.choice_of[sid] == prefs.index(pid) + 1


@SETTINGS
@given(instances())
def test_stable_no_blocking_pair(instance):
    students, placements, seed = instance
    result = allocate(students, placements, seed)
    key = documented_order(students, placements, seed)
    holders: dict[str, list[str]] = {p.id: [] for p in placements}
    for sid, pid in result.assignments.items():
        holders[pid].append(sid)
    by_id = {p.id: p for p in placements}
    for student in students:
        prefs = valid_prefs(student, placements)
        got = result.assignments.get(student.id)
        better = prefs[: prefs.index(got)] if got else prefs
        for pid in better:
            placement = by_id[pid]
            held = holders[pid]
            assert len(held) == placement.capacity, f"{student.id} could take a free seat at {pid}"
            mine = key(placement, student.id)
            assert all(key(placement, other) < mine for other in held), f"{student.id} blocks with {pid}"


@SETTINGS
@given(instances(), st.randoms(use_true_random=False))
def test_deterministic_for_a_seed_whatever_the_input_order(instance, rnd):
    students, placements, seed = instance
    expected = allocate(students, placements, seed)
    shuffled_students, shuffled_placements = list(students), list(placements)
    rnd.shuffle(shuffled_students)
    rnd.shuffle(shuffled_placements)
    again = allocate(iter(shuffled_students), iter(shuffled_placements), seed)
    assert again == expected
    assert list(again.assignments) == list(expected.assignments)


@SETTINGS
@given(instances())
def test_everyone_placed_or_unplaced_with_a_reason_never_both(instance):
    students, placements, seed = instance
    result = allocate(students, placements, seed)
    placed, unplaced = set(result.assignments), set(result.unplaced)
    assert placed.isdisjoint(unplaced)
    assert placed | unplaced == {s.id for s in students}
    for student in students:
        if student.id in unplaced:
            reason = result.unplaced[student.id]
            assert reason in REASONS
            assert (reason == "no_preferences") == (not valid_prefs(student, placements))
        else:
            assert valid_prefs(student, placements)


@SETTINGS
@given(instances())
def test_choice_counts_add_up_to_the_placed_students(instance):
    result = allocate(*instance)
    counts = result.choice_counts()
    assert sum(counts.values()) == len(result.assignments)
    assert list(counts) == sorted(counts)
    assert all(count > 0 for count in counts.values())


@settings(max_examples=100, deadline=None)
@given(instances())
def test_exposed_order_helpers_follow_the_documented_rule(instance):
    students, placements, seed = instance
    key = documented_order(students, placements, seed)
    numbers = lottery((s.id for s in students), seed)
    for placement in placements:
        ranks = priority_ranks(placement)
        ordered = sorted((s.id for s in students), key=lambda sid: order_key(ranks, numbers, sid))
        assert ordered == sorted((s.id for s in students), key=lambda sid: key(placement, sid))


def test_classic_three_by_three_gives_the_student_optimal_matching():
    # Every student's first choice is a stable matching, even though each placement would rather have
    # someone else (the placement-optimal matching is A-Z, B-X, C-Y): students propose, students win.
    students = [Student("A", ("X", "Y", "Z")), Student("B", ("Y", "Z", "X")), Student("C", ("Z", "X", "Y"))]
    placements = [
        Placement("X", 1, ("B", "C", "A")),
        Placement("Y", 1, ("C", "A", "B")),
        Placement("Z", 1, ("A", "B", "C")),
    ]
    for seed in range(5):
        result = allocate(students, placements, seed)
        assert result.assignments == {"A": "X", "B": "Y", "C": "Z"}
        assert result.choice_counts() == {1: 3}
        assert result.unplaced == {}


def test_rejection_chain_settles_where_priorities_say():
    # A and C both want X; X prefers A, so C moves on to Y, where B is preferred, so C ends up at Z.
    students = [Student("A", ("X", "Y", "Z")), Student("B", ("Y", "X", "Z")), Student("C", ("X", "Y", "Z"))]
    placements = [
        Placement("X", 1, ("B", "A", "C")),
        Placement("Y", 1, ("A", "B", "C")),
        Placement("Z", 1),
    ]
    result = allocate(students, placements, seed=7)
    assert result.assignments == {"A": "X", "B": "Y", "C": "Z"}
    assert result.choice_of == {"A": 1, "B": 1, "C": 3}
    assert result.choice_counts() == {1: 2, 3: 1}


def test_organisation_priority_beats_the_lottery():
    students = [Student("s1", ("p",)), Student("s2", ("p",))]
    for seed in range(20):
        numbers = lottery(["s1", "s2"], seed)
        lottery_loser = max(numbers, key=numbers.__getitem__)
        lottery_winner = min(numbers, key=numbers.__getitem__)
        without = allocate(students, [Placement("p", 1)], seed)
        assert without.assignments == {lottery_winner: "p"}
        with_priority = allocate(students, [Placement("p", 1, (lottery_loser,))], seed)
        assert with_priority.assignments == {lottery_loser: "p"}
        assert with_priority.unplaced == {lottery_winner: "preferences_full"}


def test_a_placement_with_capacity_zero_is_never_used_nor_counted_as_a_choice():
    students = [Student("s1", ("closed", "open")), Student("s2", ("closed",))]
    placements = [Placement("closed", 0), Placement("open", 3)]
    result = allocate(students, placements, seed=1)
    assert result.assignments == {"s1": "open"}
    assert result.choice_of == {"s1": 1}
    assert result.unplaced == {"s2": "no_preferences"}


def test_duplicate_and_unknown_preferences_are_ignored():
    result = allocate([Student("s", ("nope", "p", "p", "q"))], [Placement("p", 0), Placement("q", 1)], seed=0)
    assert result.assignments == {"s": "q"}
    assert result.choice_of == {"s": 1}


def test_empty_inputs():
    assert allocate([], [], seed=0) == Allocation({}, {}, {})
    assert allocate([Student("s", ("p",))], [], seed=0).unplaced == {"s": "no_preferences"}
    assert allocate([], [Placement("p", 2)], seed=0).choice_counts() == {}


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError, match="student"):
        allocate([Student("s", ()), Student("s", ("p",))], [Placement("p", 1)], seed=0)
    with pytest.raises(ValueError, match="placement"):
        allocate([Student("s", ())], [Placement("p", 1), Placement("p", 0)], seed=0)


def test_reasons_are_explained():
    assert set(REASONS) == {"no_preferences", "preferences_full"}
    assert all(isinstance(text, str) and text for text in REASONS.values())


def test_a_full_size_cohort_completes_within_capacity():
    rnd = random.Random(2024)
    placements = [Placement(f"p{i}", rnd.randint(0, 25)) for i in range(400)]
    ids = [p.id for p in placements]
    popularity = [1 / (rank + 1) for rank in range(len(ids))]  # a few placements everybody wants
    students = [Student(f"s{i}", tuple(rnd.choices(ids, weights=popularity, k=5))) for i in range(5000)]
    result = allocate(students, placements, seed=42)
    capacity = {p.id: p.capacity for p in placements}
    load: dict[str, int] = {}
    for pid in result.assignments.values():
        load[pid] = load.get(pid, 0) + 1
    assert all(load[pid] <= capacity[pid] for pid in load)
    assert len(result.assignments) + len(result.unplaced) == 5000
    assert sum(result.choice_counts().values()) == len(result.assignments)
