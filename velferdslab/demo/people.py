"""Synthetic family members, some with a valid (invented) fødselsnummer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from velferdslab.demo.reference import FIRST_NAMES_F, FIRST_NAMES_M, SURNAMES

W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def check_digits(nine: str) -> str | None:
    digits = [int(c) for c in nine]
    k1 = (11 - sum(a * b for a, b in zip(W1, digits, strict=True)) % 11) % 11
    if k1 == 10:
        return None
    k2 = (11 - sum(a * b for a, b in zip(W2, [*digits, k1], strict=True)) % 11) % 11
    return None if k2 == 10 else f"{k1}{k2}"


def fodselsnummer(rng: np.random.Generator, born: dt.date) -> str:
    """A number valid under the classic rule with the century its individual number encodes."""
    low, high = (0, 499) if born.year < 2000 else (500, 999)
    while True:
        nine = born.strftime("%d%m%y") + f"{int(rng.integers(low, high + 1)):03d}"
        digits = check_digits(nine)
        if digits:
            return nine + digits


def _birth(rng: np.random.Generator, today: dt.date, low: int, high: int) -> dt.date:
    return today - dt.timedelta(days=int(rng.integers(low * 365, high * 365)))


def members(
    rng: np.random.Generator,
    family_id: int,
    first_id: int,
    today: dt.date,
    has_children: bool,
    first_has_national_id: bool = False,
) -> list[dict[str, Any]]:
    surname = str(rng.choice(SURNAMES))
    people: list[tuple[str, str, dt.date]] = []
    if has_children:
        people.append((str(rng.choice(FIRST_NAMES_F)), "parent", _birth(rng, today, 26, 50)))
        if rng.random() < 0.5:
            people.append((str(rng.choice(FIRST_NAMES_M)), "parent", _birth(rng, today, 27, 55)))
        for _ in range(int(rng.integers(1, 5))):
            names = FIRST_NAMES_F if rng.random() < 0.5 else FIRST_NAMES_M
            people.append((str(rng.choice(names)), "child", _birth(rng, today, 1, 17)))
    else:
        names = FIRST_NAMES_F if rng.random() < 0.5 else FIRST_NAMES_M
        people.append((str(rng.choice(names)), "youth", _birth(rng, today, 17, 25)))
    used: set[str] = set()

    def national_id(born: dt.date, certain: bool) -> str | None:
        if rng.random() >= 0.5 and not certain:
            return None
        number = fodselsnummer(rng, born)
        while number in used:  # twins: one number each
            number = fodselsnummer(rng, born)
        used.add(number)
        return number

    return [
        {
            "id": first_id + offset,
            "family_id": family_id,
            "full_name": f"{first} {surname}",
            "national_id": national_id(born, first_has_national_id and offset == 0),
            "birth_date": born,
            "relation": relation,
            "version": 1,
        }
        for offset, (first, relation, born) in enumerate(people)
    ]
