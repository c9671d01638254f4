"""The withholding rules of an access package.

What is withheld, by explicit rules, each counted in the package so the member is told that
something was withheld and why (fvl. § 19, GDPR art. 15(4)):

* `protected_address`: another member with a protected address of their own (kode 6,
  strictly confidential; Folkeregisteret's "strengt fortrolig adresse"): no address (the service
  stores none) and no agency that would reveal where they live — their location agencies are
  left out of consents, the team, contributions, spending and the access log, and staff of
  those agencies are not named. Their own national id and birth date are never given to others.
* `child_confidence`: a note holding what a child told in confidence, while the child is under
  ACCESS_CONFIDENCE_AGE (15 by default): withheld from every other member's package
  (barnevernsloven § 12-4 and pasient- og brukerrettighetsloven § 3-4 protect a child's
  confidences from the parents; the age limit is the municipality's reading, configurable).
* `other_members`: other members' national ids and birth dates are not the requester's data;
  a parent's package shows their children's birth dates, nobody's package another adult's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from velferdslab.assessments.models import ProgressNote
from velferdslab.db import AnySession
from velferdslab.families.models import Family, Member
from velferdslab.privacy.models import ConfidentialNote, MemberProtection
from velferdslab.vocabulary import Protection, Relation

DEFAULT_CONFIDENCE_AGE = 15
WITHHELD = "withheld"
ADULTS = (Relation.PARENT, Relation.OTHER_ADULT)


@dataclass
class Rules:
    """The withholding rules for one requester, with a count of what each withheld."""

    requester: Member
    location_agencies: set[int]
    confidential_notes: dict[int, int]  # note id → the child who confided
    children_under_limit: set[int]
    counts: dict[str, int] = field(
        default_factory=lambda: {"protected_address": 0, "child_confidence": 0, "other_members": 0}
    )

    def agency(self, agency_id: int | None, names: Mapping[int, str]) -> str | None:
        if agency_id is None:
            return None
        if agency_id in self.location_agencies:
            self.counts["protected_address"] += 1
            return WITHHELD
        return names.get(agency_id)

    def hides_agency(self, agency_id: int | None) -> bool:
        if agency_id is not None and agency_id in self.location_agencies:
            self.counts["protected_address"] += 1
            return True
        return False

    def hides_note(self, note_id: int) -> bool:
        child = self.confidential_notes.get(note_id)
        if child is None or child == self.requester.id or child not in self.children_under_limit:
            return False
        self.counts["child_confidence"] += 1
        return True


def _age(born: dt.date | None, on: dt.date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def withholding_rules(
    session: AnySession, family: Family, requester: Member, on: dt.date, config: Mapping[str, Any]
) -> Rules:
    limit = int(config.get("ACCESS_CONFIDENCE_AGE") or DEFAULT_CONFIDENCE_AGE)
    members = family_members(session, family)
    protections = {
        row.member_id: row
        for row in session.scalars(
            select(MemberProtection).where(MemberProtection.member_id.in_([m.id for m in members]))
        )
    }
    location: set[int] = set()
    for member_id, row in protections.items():
        if member_id != requester.id and row.protection == Protection.STRICTLY_CONFIDENTIAL:
            location |= set(row.location_agency_ids or [])
    notes = dict(
        session.execute(
            select(ConfidentialNote.note_id, ConfidentialNote.child_member_id)
            .join(ProgressNote, ProgressNote.id == ConfidentialNote.note_id)
            .where(ProgressNote.family_id == family.id)
        ).all()
    )
    # No birth date: treated as under the limit, the side that protects the child.
    under = {
        m.id
        for m in members
        if m.relation in (Relation.CHILD, Relation.YOUTH)
        and ((age := _age(m.birth_date, on)) is None or age < limit)
    }
    return Rules(requester, location, {int(k): int(v) for k, v in notes.items()}, under)


def family_members(session: AnySession, family: Family) -> list[Member]:
    return list(
        session.scalars(select(Member).where(Member.family_id == family.id).order_by(Member.id))
    )
