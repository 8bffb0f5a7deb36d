"""The volunteer pass's rules with plain values: Luhn check digit, typed numbers, validity, state."""

from datetime import date
from types import SimpleNamespace

import pytest

from services.appreciation.domain.access import nominating_member
from services.appreciation.domain.errors import MemberChoice, NotAllowed
from services.appreciation.domain.offers import Outcome, pass_refusal
from services.appreciation.domain.passes import (
    NUMBER_DIGITS,
    PassStatus,
    first_name,
    grouped,
    last_four,
    luhn_check_digit,
    new_pass_number,
    normalise_number,
    number_tail,
    shown_status,
    validity,
)
from shared.identity import Principal, Role

NUMBER = "12345678903" + luhn_check_digit("12345678903")


def a_pass(status=PassStatus.ACTIVE, valid_from=date(2026, 1, 1), valid_until=date(2026, 12, 31)):
    return SimpleNamespace(status=status, valid_from=valid_from, valid_until=valid_until)


def test_the_check_digit_is_the_luhn_digit():
    assert luhn_check_digit("7992739871") == "3"


def test_a_new_pass_number_has_twelve_digits_and_a_valid_check_digit():
    number = new_pass_number()
    assert len(number) == NUMBER_DIGITS and normalise_number(number) == number


def test_spaces_and_dashes_in_a_typed_number_are_ignored():
    assert normalise_number(f" {grouped(NUMBER)} ".replace(" ", "-", 1)) == NUMBER


def test_a_mistyped_digit_is_not_a_pass_number():
    typo = NUMBER[:3] + str((int(NUMBER[3]) + 1) % 10) + NUMBER[4:]
    assert normalise_number(typo) is None


def test_two_swapped_neighbouring_digits_are_not_a_pass_number():
    swapped = NUMBER[1] + NUMBER[0] + NUMBER[2:]
    assert normalise_number(swapped) is None


def test_digits_of_other_scripts_are_not_a_pass_number():
    assert normalise_number("²" * NUMBER_DIGITS) is None


def test_a_number_of_the_wrong_length_is_not_a_pass_number():
    assert normalise_number(NUMBER[:-1]) is None


def test_a_pass_number_is_shown_in_groups_of_four():
    assert grouped("123456789012") == "1234 5678 9012"


def test_a_calendar_year_pass_runs_until_31_december():
    assert validity("calendar_year", date(2026, 3, 5)) == (date(2026, 3, 5), date(2026, 12, 31))


def test_a_twelve_month_pass_runs_until_the_day_before_its_anniversary():
    assert validity("twelve_months", date(2026, 3, 5)) == (date(2026, 3, 5), date(2027, 3, 4))


def test_a_twelve_month_pass_issued_on_29_february_runs_until_the_end_of_february():
    assert validity("twelve_months", date(2028, 2, 29)) == (date(2028, 2, 29), date(2029, 2, 28))


def test_an_active_pass_past_its_validity_shows_as_expired():
    assert shown_status(a_pass(), date(2027, 1, 1)) == PassStatus.EXPIRED


def test_a_revoked_pass_shows_as_revoked_after_its_validity_too():
    assert shown_status(a_pass(status=PassStatus.REVOKED), date(2027, 1, 1)) == PassStatus.REVOKED


def test_a_replaced_pass_is_refused_at_the_counter():
    assert pass_refusal(a_pass(status=PassStatus.REPLACED), date(2026, 6, 1)) == Outcome.REVOKED


def test_a_pass_before_its_first_day_is_not_yet_valid():
    assert pass_refusal(a_pass(), date(2025, 12, 31)) == Outcome.NOT_YET_VALID


def test_a_pass_after_its_last_day_is_no_longer_valid():
    assert pass_refusal(a_pass(), date(2027, 1, 1)) == Outcome.NO_LONGER_VALID


def test_a_pass_on_its_last_day_is_fine():
    assert pass_refusal(a_pass(), date(2026, 12, 31)) is None


def test_the_counter_sees_only_the_first_name():
    assert first_name("Joop van der Visser") == "Joop" and first_name("  ") == ""


def test_a_member_sees_only_the_last_four_digits():
    assert last_four("741025543991") == "•••• •••• 3991"


def test_a_search_of_three_or_more_digits_is_the_end_of_a_pass_number():
    assert number_tail("3991") == "3991" and number_tail("543 991") == "543991"
    assert number_tail("91") is None and number_tail("joop") is None and number_tail("a3991") is None


def test_the_coordinator_nominates_for_a_chosen_member_and_a_member_only_for_itself():
    member = Principal(role=Role.ORGANISATION, network_id="n", organisation_id="own")
    coordinator = Principal(role=Role.COORDINATOR, network_id="n")
    assert nominating_member(member, None) == nominating_member(member, "own") == "own"
    assert nominating_member(coordinator, "chosen") == "chosen"
    with pytest.raises(MemberChoice):
        nominating_member(member, "other")
    with pytest.raises(MemberChoice):
        nominating_member(coordinator, None)
    with pytest.raises(NotAllowed):
        nominating_member(Principal(role=Role.DISCOUNT_PARTNER, network_id="n", partner_id="p"), "x")
