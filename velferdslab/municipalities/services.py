"""Municipalities and agencies: visibility by scope, and changes that keep names unique."""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import Select, exists, select

from velferdslab import policy
from velferdslab.audit.log import record
from velferdslab.db import AnySession
from velferdslab.errors import Conflict, NotFound, Text, ValidationFailed
from velferdslab.families.models import Family
from velferdslab.municipalities.models import Agency, Municipality
from velferdslab.users.models import User

UNIQUE_FIELDS = {
    "name": Text("Another municipality has this name."),
    "number": Text("Another municipality has this number."),
    "reference_prefix": Text("Another municipality uses this prefix."),
}


def visible_municipalities(user: User) -> Select[Municipality]:
    query = select(Municipality).where(policy.scope_filter(user, Municipality.id))
    return query.order_by(Municipality.name, Municipality.id)


def municipality_or_404(session: AnySession, user: User, municipality_id: int) -> Municipality:
    row = session.get(Municipality, municipality_id)
    if row is None or not policy.in_scope(user, row.id):
        raise NotFound()
    return row


def _check_unique(session: AnySession, data: Mapping[str, Any], current_id: int | None) -> None:
    errors = {}
    for field, message in UNIQUE_FIELDS.items():
        if field not in data:
            continue
        clash = select(Municipality.id).where(getattr(Municipality, field) == data[field])
        if current_id is not None:
            clash = clash.where(Municipality.id != current_id)
        if session.scalar(clash.limit(1)) is not None:
            errors[field] = [message]
    if errors:
        raise Conflict(Text("A municipality with these values exists already."), errors)


def create_municipality(session: AnySession, data: Mapping[str, Any]) -> Municipality:
    _check_unique(session, data, None)
    prefix = data.get("reference_prefix") or derive_prefix(session, data["name"], data["number"])
    row = Municipality(name=data["name"], number=data["number"], reference_prefix=prefix)
    session.add(row)
    session.flush()
    record(session, "create", "municipality", row.id)
    return row


def prefix_candidates(name: str, number: str) -> Iterator[str]:
    """Prefixes for a municipality, most natural first: the name's first three letters ("Asker"
    → ASK), then four and five, then its first two letters with each later one, then its first
    letter with later pairs; last, letters spelled from the kommunenummer (0→A … 9→J)."""
    # Æ, Ø and Å are letters of their own; other accents fall away (É → E)
    folded = (
        c if c in PREFIX_LETTERS else unicodedata.normalize("NFKD", c)[:1] for c in name.upper()
    )
    letters = "".join(c for c in folded if c in PREFIX_LETTERS)
    yield from (letters[:size] for size in (3, 4, 5) if len(letters) >= size)
    yield from (letters[:2] + letter for letter in letters[2:])
    yield from (letters[0] + a + b for a, b in itertools.combinations(letters[1:], 2))
    spelled = "".join(chr(ord("A") + int(digit)) for digit in number if digit.isdigit())
    yield "K" + spelled[:4]
    yield from ("K" + spelled[:2] + a + b for a in ALPHABET for b in ALPHABET)


PREFIX_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZÆØÅ")
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def derive_prefix(session: AnySession, name: str, number: str) -> str:
    """The first free candidate of prefix_candidates: unique, and editable until families exist."""
    taken = set(session.scalars(select(Municipality.reference_prefix)))
    for candidate in prefix_candidates(name, number):
        if 2 <= len(candidate) <= 5 and candidate not in taken:
            return candidate
    raise Conflict(  # 26² codes per number: only reachable by a deliberate flood
        Text("No free reference prefix could be derived: give one."),
        {"reference_prefix": [Text("Give 2–5 capital letters.")]},
    )


def update_municipality(
    session: AnySession, row: Municipality, data: Mapping[str, Any]
) -> Municipality:
    changes = {k: v for k, v in data.items() if getattr(row, k) != v}
    _check_unique(session, changes, row.id)
    if "reference_prefix" in changes and _has_families(session, row.id):
        # Existing references carry the old prefix; a new one would split the municipality's
        # sequence and could collide with a prefix another municipality takes later.
        raise Conflict(
            Text("The municipality has families: its reference prefix can no longer change."),
            {"reference_prefix": [Text("Fixed once families are registered.")]},
        )
    for field, value in changes.items():
        setattr(row, field, value)
    session.flush()
    if data:
        record(session, "update", "municipality", row.id, details={"fields": sorted(data)})
    return row


def _has_families(session: AnySession, municipality_id: int) -> bool:
    return bool(session.scalar(select(exists().where(Family.municipality_id == municipality_id))))


def visible_agencies(user: User, filters: Mapping[str, Any]) -> Select[Agency]:
    query = select(Agency).where(policy.scope_filter(user, Agency.municipality_id))
    if "municipality_id" in filters:
        query = query.where(Agency.municipality_id == filters["municipality_id"])
    if "kind" in filters:
        query = query.where(Agency.kind == filters["kind"])
    return query.order_by(Agency.name, Agency.id)


def agency_or_404(session: AnySession, user: User, agency_id: int) -> Agency:
    row = session.get(Agency, agency_id)
    if row is None or not policy.in_scope(user, row.municipality_id):
        raise NotFound()
    return row


def municipality_for_new_record(session: AnySession, user: User, requested: int | None) -> int:
    """The municipality named in a body (or the user's own): it must exist and be in scope."""
    if requested is None:
        if user.municipality_id is None:
            raise ValidationFailed(
                Text("Regional users name the municipality."),
                {"municipality_id": [Text("Required for a regional user.")]},
            )
        return user.municipality_id
    if not policy.in_scope(user, requested) or session.get(Municipality, requested) is None:
        raise ValidationFailed(
            Text("Not a municipality in your scope."),
            {"municipality_id": [Text("No such municipality in your scope.")]},
        )
    return requested


def _check_agency_name(
    session: AnySession, municipality_id: int, name: str, current_id: int | None
) -> None:
    clash = select(Agency.id).where(Agency.municipality_id == municipality_id, Agency.name == name)
    if current_id is not None:
        clash = clash.where(Agency.id != current_id)
    if session.scalar(clash.limit(1)) is not None:
        raise Conflict(
            Text("The municipality has an agency by that name already."),
            {"name": [Text("The municipality has an agency by this name already.")]},
        )


def create_agency(session: AnySession, user: User, data: Mapping[str, Any]) -> Agency:
    municipality_id = municipality_for_new_record(session, user, data.get("municipality_id"))
    _check_agency_name(session, municipality_id, data["name"], None)
    row = Agency(
        municipality_id=municipality_id,
        name=data["name"],
        kind=data["kind"],
        government_level=data["government_level"],
    )
    session.add(row)
    session.flush()
    record(session, "create", "agency", row.id)
    return row


def update_agency(session: AnySession, row: Agency, data: Mapping[str, Any]) -> Agency:
    if "name" in data:
        _check_agency_name(session, row.municipality_id, data["name"], row.id)
    for field, value in data.items():
        setattr(row, field, value)
    session.flush()
    if data:
        record(session, "update", "agency", row.id, details={"fields": sorted(data)})
    return row
