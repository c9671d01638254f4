"""What anonymising a family removes and keeps (the list is in velferdslab.privacy.retention's
docstring): one function, used by the sweep and by a lead's confirmation alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select, update

from velferdslab.archive.services import forget_local_copies
from velferdslab.assessments.models import Assessment, ProgressNote
from velferdslab.budgets.models import Expenditure
from velferdslab.db import AnySession
from velferdslab.families.models import Consent, Family, Member
from velferdslab.family_portal.anonymise import clear_family_portal
from velferdslab.plans.models import Goal, Measure
from velferdslab.privacy.models import AccessRequest, LegalHold, MemberProtection
from velferdslab.reports.models import IssuedReport
from velferdslab.vocabulary import ReportKind

ANONYMISED_NAME = "[anonymisert]"


def _count(session: AnySession, statement: Any) -> int:
    result: Any = session.execute(statement)
    return int(result.rowcount or 0)


def anonymise_family(session: AnySession, family_id: int) -> dict[str, int]:
    """Remove what identifies the family's members or tells their story; keep the figures."""
    cleared: dict[str, int] = {}
    members = session.scalars(
        select(Member).where(Member.family_id == family_id).order_by(Member.id)
    ).all()
    for member in members:
        member.full_name = ANONYMISED_NAME
        member.national_id = None
        if member.birth_date is not None:
            member.birth_date = dt.date(member.birth_date.year, 1, 1)
    cleared["members"] = len(members)
    family = session.get(Family, family_id)
    assert family is not None
    family.own_goals = None
    family.dreams = None
    session.flush()
    cleared["protection_records"] = _count(
        session,
        delete(MemberProtection).where(
            MemberProtection.member_id.in_(select(Member.id).where(Member.family_id == family_id))
        ),
    )
    cleared["notes"] = _count(
        session, delete(ProgressNote).where(ProgressNote.family_id == family_id)
    )
    assessments = session.scalars(select(Assessment).where(Assessment.family_id == family_id))
    cleared["assessment_texts"] = 0
    for assessment in assessments:
        if assessment.rationale or assessment.override_reason:
            cleared["assessment_texts"] += 1
        assessment.rationale = {}
        if assessment.override_reason is not None:
            assessment.override_reason = ANONYMISED_NAME
    cleared["goal_texts"] = _count(
        session, update(Goal).where(Goal.family_id == family_id).values(description="")
    )
    cleared["measure_texts"] = _count(
        session, update(Measure).where(Measure.family_id == family_id).values(description="")
    )
    cleared["consent_texts"] = _count(
        session, update(Consent).where(Consent.family_id == family_id).values(scope="")
    )
    cleared["expenditure_texts"] = _count(
        session,
        update(Expenditure)
        .where(Expenditure.family_id == family_id)
        .values(description="", decision_note=None),
    )
    # a released hold's reason is free text about the case
    cleared["hold_reasons"] = _count(
        session,
        update(LegalHold)
        .where(LegalHold.family_id == family_id, LegalHold.released_at.is_not(None))
        .values(reason=ANONYMISED_NAME),
    )
    cleared["access_packages"] = _count(
        session,
        update(AccessRequest).where(AccessRequest.family_id == family_id).values(package_json=None),
    )
    cleared["report_files"] = _count(
        session,
        update(IssuedReport)
        .where(
            IssuedReport.family_id == family_id,
            IssuedReport.kind.in_((ReportKind.FAMILY, ReportKind.ACCESS)),
            IssuedReport.pdf.is_not(None),
        )
        .values(pdf=None),
    )
    cleared["archive_copies"] = forget_local_copies(session, family_id)
    cleared.update(clear_family_portal(session, family_id))
    return cleared
