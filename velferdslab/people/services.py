"""A family's members: the national id checked and unique within the family, every change
audited here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from velferdslab.audit.log import record
from velferdslab.db import AnySession
from velferdslab.errors import Conflict, Text, ValidationFailed
from velferdslab.families.models import Family, Member
from velferdslab.people.national_id import matches_birth_date, parse


def add_member(session: AnySession, family: Family, data: dict[str, Any]) -> Member:
    check_member(session, family.id, data)
    member = Member(family_id=family.id, **data)
    session.add(member)
    session.flush()
    record(session, "create", "member", member.id, family_id=family.id)
    return member


def change_member(session: AnySession, member: Member, data: dict[str, Any]) -> None:
    check_member(session, member.family_id, data, member)
    for name, value in data.items():
        setattr(member, name, value)
    session.flush()
    record(session, "update", "member", member.id, family_id=member.family_id)


def remove_member(session: AnySession, member: Member) -> None:
    """A member registered by mistake, or gone from the household."""
    member_id, family_id = member.id, member.family_id
    session.delete(member)
    record(session, "delete", "member", member_id, family_id=family_id)


def check_member(
    session: AnySession, family_id: int, data: dict[str, Any], member: Member | None = None
) -> None:
    """The national id and the birth date agree (also when a PATCH changes only one of them);
    a birth date left out is taken from the national id when it encodes a single date."""
    if data.get("national_id"):
        data["national_id"] = parse(data["national_id"]).number  # stored without spaces
    number = data.get("national_id", member.national_id if member else None)
    born = data.get("birth_date", member.birth_date if member else None)
    if number and born and not matches_birth_date(number, born):
        raise ValidationFailed(
            Text("The birth date does not match the national id."),
            {"birth_date": [Text("Does not match the birth date in the national id.")]},
        )
    if number and born is None:
        data["birth_date"] = parse(number).birth_date
    _unique_national_id(session, family_id, data.get("national_id"), member)


def _unique_national_id(
    session: AnySession, family_id: int, number: str | None, member: Member | None
) -> None:
    if not number:
        return
    clash = session.scalar(
        select(Member.id).where(Member.family_id == family_id, Member.national_id == number)
    )
    if clash is not None and (member is None or clash != member.id):
        raise Conflict(
            Text("Another member of the family has this national id."),
            {"national_id": [Text("Already registered for this family.")]},
        )
