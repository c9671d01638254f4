"""A record that belongs to a family (a goal, a reading, a member, a spending…): reached only
through that family. One of another family is as missing as one that is not there (404), so a
guessed id tells nothing; as a reference in a form, it is an unknown value (None here)."""

from __future__ import annotations

from typing import Protocol, TypeVar

from velferdslab.db import AnySession
from velferdslab.errors import NotFound


class OfFamily(Protocol):
    family_id: int


T = TypeVar("T", bound=OfFamily)


def record_of_family(
    session: AnySession, model: type[T], family_id: int, record_id: int | None
) -> T | None:
    if record_id is None:
        return None
    record = session.get(model, record_id)
    if record is None or record.family_id != family_id:
        return None
    return record


def record_of_family_or_404(
    session: AnySession, model: type[T], family_id: int, record_id: int
) -> T:
    record = record_of_family(session, model, family_id, record_id)
    if record is None:
        raise NotFound()
    return record
