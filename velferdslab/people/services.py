"""A family's members: the national id checked and unique within the family, every change
audited here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from velferdslab.audit.log import record
from velferdslab.bulk import add_objects
from velferdslab.db import AnySession
from velferdslab.errors import Conflict, DomainError, Text, ValidationFailed
from velferdslab.families.models import Family, Member
from velferdslab.people.national_id import matches_birth_date, parse


def add_member(session: AnySession, family: Family, data: dict[str, Any]) -> Member:
    check_member(session, family.id, data)
    member = Member(family_id=family.id, **data)
    session.add(member)
    session.flush()
    record(session, "create", "member", member.id, family_id=family.id)
    return member


class MemberRefused(Exception):
    """add_members: the member at `index` breaks a rule (`error`); nothing was added."""

    def __init__(self, index: int, error: DomainError) -> None:
        super().__init__(str(error))
        self.index, self.error = index, error


def add_members(
    session: AnySession, family: Family, members: Sequence[dict[str, Any]], *, fresh: bool = False
) -> list[Member]:
    """Many members of one family at once (an import): each checked as add_member checks it,
    the family's stored national ids read in one query (none when the family is `fresh`: the
    caller created it in this transaction); one event each. While an import collects its rows
    (velferdslab.bulk) the members are collected, not flushed."""
    query = select(Member.national_id).where(
        Member.family_id == family.id, Member.national_id.is_not(None)
    )
    taken: set[str] = set() if fresh else set(session.scalars(query))
    for index, data in enumerate(members):
        try:
            check_member_fields(data)
            if data.get("national_id") in taken:
                raise _taken()
        except DomainError as error:
            raise MemberRefused(index, error) from error
        if data.get("national_id"):
            taken.add(data["national_id"])
    added = [Member(family_id=family.id, **data) for data in members]
    add_objects(session, added)  # flushed, or collected for an import's COPY (velferdslab.bulk)
    for member in added:
        record(session, "create", "member", member.id, family_id=family.id)
    return added


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
    check_member_fields(data, member)
    _unique_national_id(session, family_id, data.get("national_id"), member)


def check_member_fields(data: dict[str, Any], member: Member | None = None) -> None:
    """check_member's rules that need no query."""
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


def _unique_national_id(
    session: AnySession, family_id: int, number: str | None, member: Member | None
) -> None:
    if not number:
        return
    clash = session.scalar(
        select(Member.id).where(Member.family_id == family_id, Member.national_id == number)
    )
    if clash is not None and (member is None or clash != member.id):
        raise _taken()


def _taken() -> Conflict:
    return Conflict(
        Text("Another member of the family has this national id."),
        {"national_id": [Text("Already registered for this family.")]},
    )
