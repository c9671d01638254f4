"""Norwegian national identity numbers: fødselsnummer, D-number and H-number, under both the
classic check-digit rule and the rule for numbers issued from 2032 (Skatteetaten)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
# From 2032 the remainder of the first check may be 0-3 (k1 = 11 - remainder, so up to four
# valid k1); before it only 0. The second check digit is computed as always.
K1_REMAINDERS_2032 = (0, 1, 2, 3)


class InvalidNationalId(ValueError):
    """The number is not a valid Norwegian national id; the message says why."""


@dataclass(frozen=True)
class NationalId:
    number: str
    kind: str  # "fnr", "dnr" or "hnr"
    rule: str  # "classic", or "2032" for numbers valid only under the new rule
    birth_dates: tuple[dt.date, ...]  # one date, or the candidates when no century is encoded

    @property
    def birth_date(self) -> dt.date | None:
        return self.birth_dates[0] if len(self.birth_dates) == 1 else None


def _weighted(digits: list[int], weights: tuple[int, ...]) -> int:
    return sum(d * w for d, w in zip(digits, weights, strict=False))


def check_rule(digits: list[int]) -> str:
    """Which rule the check digits satisfy: 'classic' or '2032'."""
    k1_check = (_weighted(digits[:9], W1) + digits[9]) % 11
    k2_check = (_weighted(digits[:10], W2) + digits[10]) % 11
    if k2_check != 0:
        raise InvalidNationalId("The second check digit does not match the number.")
    if k1_check == 0:
        return "classic"
    if k1_check in K1_REMAINDERS_2032:
        return "2032"
    raise InvalidNationalId("The first check digit does not match the number.")


def _kind_and_date_digits(digits: list[int]) -> tuple[str, int, int, int]:
    day, month, year = (
        digits[0] * 10 + digits[1],
        digits[2] * 10 + digits[3],
        digits[4] * 10 + digits[5],
    )
    if day > 40:
        return "dnr", day - 40, month, year
    if month > 40:
        return "hnr", day, month - 40, year
    return "fnr", day, month, year


def _centuries(individual: int, year: int) -> tuple[int, ...]:
    """The century the classic individnummer ranges encode (Skatteetaten, before 2032)."""
    if individual <= 499:
        return (1900,)
    if individual <= 749 and year >= 54:
        return (1800,)
    if year <= 39:
        return (2000,)
    if individual >= 900:
        return (1900,)
    raise InvalidNationalId("The individual number does not fit the year of birth.")


def _dates(day: int, month: int, year: int, centuries: tuple[int, ...]) -> tuple[dt.date, ...]:
    found = []
    for century in centuries:
        try:
            found.append(dt.date(century + year, month, day))
        except ValueError:
            continue
    if not found:
        raise InvalidNationalId(f"{day:02d}.{month:02d} is not a date.")
    return tuple(found)


def parse(number: str) -> NationalId:
    text = number.replace(" ", "")
    if len(text) != 11 or not text.isascii() or not text.isdigit():
        raise InvalidNationalId("A national id has exactly 11 digits.")
    digits = [int(c) for c in text]
    rule = check_rule(digits)
    kind, day, month, year = _kind_and_date_digits(digits)
    individual = digits[6] * 100 + digits[7] * 10 + digits[8]
    if rule == "2032":
        # The individual number no longer encodes the century: either of the last two may be.
        centuries: tuple[int, ...] = (1900, 2000)
    else:
        centuries = _centuries(individual, year)
    return NationalId(text, kind, rule, _dates(day, month, year, centuries))


def is_valid(number: str) -> bool:
    try:
        parse(number)
    except InvalidNationalId:
        return False
    return True


def matches_birth_date(number: str, birth_date: dt.date) -> bool:
    """Whether the birth date is one the number can encode (false for an invalid number)."""
    try:
        return birth_date in parse(number).birth_dates
    except InvalidNationalId:
        return False
