"""The volunteer pass: its number (with a Luhn check digit), its validity, its state."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

NUMBER_DIGITS = 12  # 11 random digits and a Luhn check digit, shown as 1234 5678 9012


def luhn_check_digit(digits: str) -> str:
    """The digit that makes `digits` + it pass the Luhn check (catches every single typo and most
    swaps of neighbouring digits, which is what happens when a number is typed at a counter)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def new_pass_number() -> str:
    """A random pass number with its check digit."""
    body = str(secrets.randbelow(9 * 10 ** (NUMBER_DIGITS - 2)) + 10 ** (NUMBER_DIGITS - 2))
    return body + luhn_check_digit(body)


def normalise_number(typed: str) -> str | None:
    """The pass number in `typed` (spaces and dashes allowed), or None if it cannot be one."""
    digits = "".join(c for c in typed if not c.isspace() and c != "-")
    # ASCII digits only: str.isdigit() also accepts '²' and other scripts' digits.
    if len(digits) != NUMBER_DIGITS or any(c not in "0123456789" for c in digits):
        return None
    return digits if luhn_check_digit(digits[:-1]) == digits[-1] else None


def grouped(number: str) -> str:
    """The number in groups of four, as printed on the pass."""
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


VALIDITY_KINDS = ("calendar_year", "twelve_months")


def validity(kind: str, today: date) -> tuple[date, date]:
    """(first, last day) of a pass issued today under the network's policy."""
    if kind == "calendar_year":
        return today, date(today.year, 12, 31)
    try:
        anniversary = today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        anniversary = date(today.year + 1, 3, 1)
    return today, anniversary - timedelta(days=1)


class PassStatus:
    ACTIVE = "active"
    REVOKED = "revoked"
    REPLACED = "replaced"
    EXPIRED = "expired"  # shown when the validity has passed; the stored status stays active


def shown_status(pass_, today: date) -> str:
    """The status a person sees: an active pass past its validity reads as expired."""
    if pass_.status == PassStatus.ACTIVE and today > pass_.valid_until:
        return PassStatus.EXPIRED
    return pass_.status


def first_name(name: str) -> str:
    """What the counter sees of the holder: no more than it needs."""
    return name.split()[0] if name.split() else ""


def last_four(number: str) -> str:
    """The number as a member organisation sees it: only its last four digits."""
    return "•••• •••• " + number[-4:]


def number_tail(query: str) -> str | None:
    """The digits of a search typed as (the end of) a pass number; None for a name or an address."""
    # At least three digits, so one digit cannot list a tenth of every pass.
    digits = query.replace(" ", "")
    return digits if digits.isdigit() and 3 <= len(digits) <= NUMBER_DIGITS else None
