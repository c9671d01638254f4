"""The family lifecycle: forward only, with its dates in order."""

from __future__ import annotations

import datetime as dt

import pytest

from velferdslab.families.lifecycle import LifecycleError, check_transition

TODAY = dt.date(2026, 11, 23)
REFERRED = dt.date(2026, 1, 5)


def step(current: str, new: str, enrolled=None, concluded=None) -> None:  # type: ignore[no-untyped-def]
    check_transition(current, new, REFERRED, enrolled, concluded, today=TODAY)


@pytest.mark.parametrize(
    ("current", "new", "enrolled", "concluded"),
    [
        ("referred", "active", dt.date(2026, 2, 1), None),
        ("referred", "withdrawn", None, dt.date(2026, 1, 20)),
        ("active", "concluded", dt.date(2026, 2, 1), dt.date(2026, 10, 1)),
        ("active", "withdrawn", dt.date(2026, 2, 1), dt.date(2026, 3, 1)),
    ],
)
def test_the_allowed_steps(current: str, new: str, enrolled, concluded) -> None:  # type: ignore[no-untyped-def]
    step(current, new, enrolled, concluded)


@pytest.mark.parametrize(
    ("current", "new"),
    [
        ("active", "referred"),
        ("concluded", "active"),
        ("withdrawn", "active"),
        ("referred", "concluded"),
    ],
)
def test_no_way_back_or_past_a_step(current: str, new: str) -> None:
    with pytest.raises(LifecycleError) as caught:
        step(current, new, dt.date(2026, 2, 1), dt.date(2026, 3, 1))
    assert "cannot go from" in caught.value.errors["status"][0]


def test_dates_must_be_given_and_in_order() -> None:
    with pytest.raises(LifecycleError) as caught:
        step("referred", "active")
    assert caught.value.errors == {"enrolled_on": ["Give the date the family was enrolled."]}
    with pytest.raises(LifecycleError) as caught:
        step("active", "concluded", dt.date(2026, 3, 1), dt.date(2026, 2, 1))
    assert caught.value.errors["concluded_on"] == ["Cannot be before the enrolment date."]
    with pytest.raises(LifecycleError) as caught:
        step("referred", "active", dt.date(2025, 12, 31))
    assert caught.value.errors["enrolled_on"] == ["Cannot be before the referral date."]
    with pytest.raises(LifecycleError) as caught:
        step("referred", "active", dt.date(2026, 11, 24))
    assert caught.value.errors["enrolled_on"] == ["Cannot be in the future."]


def test_an_unknown_status_is_named() -> None:
    with pytest.raises(LifecycleError, match="Unknown status 'paused'"):
        step("active", "paused")
