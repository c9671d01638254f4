"""The family lifecycle: referred → active → concluded, or withdrawn from referred or active."""

from __future__ import annotations

import datetime as dt

from velferdslab.errors import FieldErrors, Text
from velferdslab.vocabulary import FamilyStatus

# No way back: a concluded or withdrawn family is re-referred as a new case.
ALLOWED: dict[str, frozenset[str]] = {
    FamilyStatus.REFERRED: frozenset({FamilyStatus.ACTIVE, FamilyStatus.WITHDRAWN}),
    FamilyStatus.ACTIVE: frozenset({FamilyStatus.CONCLUDED, FamilyStatus.WITHDRAWN}),
    FamilyStatus.CONCLUDED: frozenset(),
    FamilyStatus.WITHDRAWN: frozenset(),
}


class LifecycleError(FieldErrors):
    pass


def check_transition(
    current: str,
    new: str,
    referred_on: dt.date,
    enrolled_on: dt.date | None,
    concluded_on: dt.date | None,
    *,
    today: dt.date,
) -> None:
    """Raise LifecycleError naming each field that makes the step impossible."""
    errors: dict[str, list[str]] = {}
    if new not in ALLOWED:
        raise LifecycleError({"status": [Text("Unknown status %(status)r.", status=new)]})
    if new != current and new not in ALLOWED[current]:
        errors["status"] = [
            Text("A family cannot go from %(current)s to %(new)s.", current=current, new=new)
        ]
    if new in (FamilyStatus.ACTIVE, FamilyStatus.CONCLUDED) and enrolled_on is None:
        errors["enrolled_on"] = [Text("Give the date the family was enrolled.")]
    if new in (FamilyStatus.CONCLUDED, FamilyStatus.WITHDRAWN) and concluded_on is None:
        errors["concluded_on"] = [Text("Give the date the journey ended.")]
    _check_dates(referred_on, enrolled_on, concluded_on, today, errors)
    if errors:
        raise LifecycleError(errors)


def _check_dates(
    referred_on: dt.date,
    enrolled_on: dt.date | None,
    concluded_on: dt.date | None,
    today: dt.date,
    errors: dict[str, list[str]],
) -> None:
    for name, value in (("enrolled_on", enrolled_on), ("concluded_on", concluded_on)):
        if value is not None and value > today:
            errors.setdefault(name, []).append(Text("Cannot be in the future."))
        if value is not None and value < referred_on:
            errors.setdefault(name, []).append(Text("Cannot be before the referral date."))
    if enrolled_on and concluded_on and concluded_on < enrolled_on:
        errors.setdefault("concluded_on", []).append(Text("Cannot be before the enrolment date."))
