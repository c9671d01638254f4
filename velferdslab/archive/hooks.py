"""Where the services hand a record to the archive: one call each, in the service's own
transaction, so a record is queued exactly when the change it documents commits.

Records are queued only while archiving is on (`ARCHIVE_TRANSPORT` is not `off`) and for the
kinds the family's municipality archives; turning archiving on later does not archive what
happened before (docs/archive.md). The first record of a family also opens its case folder.
Each record keeps what its document and metadata are made from, as it was at that moment.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import select

from velferdslab import jobs
from velferdslab.archive.models import (
    DEFAULT_KINDS,
    ArchiveKind,
    ArchiveRecord,
    ArchiveSettings,
    ArchiveState,
)
from velferdslab.audit import log as audit_log
from velferdslab.budgets.models import Expenditure
from velferdslab.db import AnySession
from velferdslab.families.models import Consent, Family, Member, TeamMembership
from velferdslab.municipalities.models import Agency
from velferdslab.plans.models import Goal, Measure
from velferdslab.users.models import User
from velferdslab.vocabulary import FamilyStatus


def archiving_on() -> bool:
    return has_app_context() and current_app.config.get("ARCHIVE_TRANSPORT", "off") != "off"


def kinds_archived(session: AnySession, municipality_id: int) -> set[str]:
    settings = session.scalar(
        select(ArchiveSettings).where(ArchiveSettings.municipality_id == municipality_id)
    )
    return set(settings.kinds if settings is not None else DEFAULT_KINDS)


def _records(session: AnySession, family_id: int, kind: ArchiveKind) -> list[ArchiveRecord]:
    return list(
        session.scalars(
            select(ArchiveRecord)
            .where(ArchiveRecord.family_id == family_id, ArchiveRecord.kind == kind)
            .order_by(ArchiveRecord.id)
        )
    )


def _add(
    session: AnySession, family: Family, kind: ArchiveKind, on: dt.date, snapshot: dict[str, Any]
) -> ArchiveRecord:
    row = ArchiveRecord(
        key=str(uuid.uuid4()),
        family_id=family.id,
        municipality_id=family.municipality_id,
        kind=kind,
        occurred_on=on,
        snapshot=snapshot,
        state=ArchiveState.QUEUED,
    )
    session.add(row)
    session.flush()
    audit_log.record(
        session,
        "queue",
        "archive_record",
        row.id,
        family_id=family.id,
        details={"kind": kind.value, "key": row.key},
    )
    _send_after_commit()
    return row


def _send_after_commit() -> None:
    # "inline" (the tests' mode) would run the job now, before the record it sends is
    # committed; there the tests run the outbox themselves.
    if jobs.mode(current_app) != "inline":
        jobs.enqueue("archive.send")


def _lead_name(session: AnySession, family: Family) -> str:
    lead = session.get(User, family.investment_lead_id) if family.investment_lead_id else None
    return lead.full_name or lead.username if lead is not None else ""


def _folder(session: AnySession, family: Family, on: dt.date) -> None:
    if _records(session, family.id, ArchiveKind.FOLDER):
        return
    members = session.scalars(select(Member).where(Member.family_id == family.id)).all()
    _add(
        session,
        family,
        ArchiveKind.FOLDER,
        on,
        {
            "reference": family.reference,
            "lead": _lead_name(session, family),
            "protection": family.protection.value,
            "members": [
                {"name": m.full_name, "relation": m.relation.value, "national_id": m.national_id}
                for m in members
            ],
        },
    )


def _queue(
    session: AnySession, family: Family, kind: ArchiveKind, on: dt.date, facts: dict[str, Any]
) -> ArchiveRecord | None:
    if not archiving_on() or kind.value not in kinds_archived(session, family.municipality_id):
        return None
    _folder(session, family, on)
    if kind is ArchiveKind.FOLDER:
        return None
    base = {
        "reference": family.reference,
        "lead": _lead_name(session, family),
        "protection": family.protection.value,
    }
    return _add(session, family, kind, on, {**base, **facts})


def family_changed(session: AnySession, family: Family) -> None:
    """Enrolment opens the case folder; the conclusion is archived with the family report."""
    if family.status is FamilyStatus.ACTIVE:
        _queue(session, family, ArchiveKind.FOLDER, family.enrolled_on or dt.date.today(), {})
    elif family.status is FamilyStatus.CONCLUDED and not _records(
        session, family.id, ArchiveKind.CONCLUSION
    ):
        on = family.concluded_on or dt.date.today()
        _queue(session, family, ArchiveKind.CONCLUSION, on, {"concluded_on": on.isoformat()})


def consent_changed(
    session: AnySession, consent: Consent, changed: Mapping[str, Any] | None = None
) -> None:
    """A consent given, or (`changed` holding withdrawn_on) withdrawn; other changes are not
    archived."""
    if changed is not None and changed.get("withdrawn_on") is None:
        return
    family = session.get(Family, consent.family_id)
    assert family is not None
    withdrawn = consent.withdrawn_on is not None
    kind = ArchiveKind.CONSENT_WITHDRAWN if withdrawn else ArchiveKind.CONSENT_GIVEN
    agencies = session.scalars(
        select(Agency.name).where(Agency.id.in_(consent.agency_ids)).order_by(Agency.name)
    ).all()
    _queue(
        session,
        family,
        kind,
        consent.withdrawn_on or consent.given_on,
        {
            "consent_id": consent.id,
            "given_on": consent.given_on.isoformat(),
            "expires_on": consent.expires_on.isoformat() if consent.expires_on else None,
            "withdrawn_on": consent.withdrawn_on.isoformat() if consent.withdrawn_on else None,
            "agencies": list(agencies),
        },
    )


def plan_changed(session: AnySession, row: Goal | Measure) -> None:
    """The plan as it stands after a change of goals (a measure alone is no new plan): one
    record per change, merged into a record still waiting for its document (many goals added
    in one sitting make one plan, not many)."""
    if not isinstance(row, Goal):
        return
    family_id = row.family_id
    family = session.get(Family, family_id)
    assert family is not None
    goals = session.scalars(select(Goal).where(Goal.family_id == family_id).order_by(Goal.id))
    measures = session.scalars(select(Measure).where(Measure.family_id == family_id))
    facts = {
        "goals": [
            {
                "domain": g.domain,
                "target_level": g.target_level,
                "target_date": g.target_date.isoformat() if g.target_date else None,
                "closed_on": g.closed_on.isoformat() if g.closed_on else None,
            }
            for g in goals
        ],
        "measures": [{"domain": m.domain, "status": m.status.value} for m in measures],
    }
    waiting = [
        r
        for r in _records(session, family_id, ArchiveKind.PLAN)
        if r.state is ArchiveState.QUEUED and r.document_sha256 is None
    ]
    if waiting and archiving_on():
        waiting[-1].snapshot = {**waiting[-1].snapshot, **facts}
        return
    _queue(session, family, ArchiveKind.PLAN, dt.date.today(), facts)


def spending_decided(session: AnySession, expenditure: Expenditure) -> None:
    family = session.get(Family, expenditure.family_id)
    assert family is not None
    agency = session.get(Agency, expenditure.paying_agency_id)
    _queue(
        session,
        family,
        ArchiveKind.SPENDING_DECISION,
        dt.date.today(),
        {
            "expenditure_id": expenditure.id,
            "approved": expenditure.status.value == "approved",
            "amount": str(expenditure.amount),
            "spent_on": expenditure.spent_on.isoformat(),
            "description": expenditure.description,
            "note": expenditure.decision_note,
            "agency": agency.name if agency else "",
        },
    )


def team_changed(session: AnySession, membership: TeamMembership, change: str) -> None:
    """`change`: joined, changed or left."""
    family = session.get(Family, membership.family_id)
    assert family is not None
    user = session.get(User, membership.user_id)
    agency = session.get(Agency, membership.agency_id)
    _queue(
        session,
        family,
        ArchiveKind.TEAM_CHANGE,
        dt.date.today(),
        {
            "change": change,
            "staff": (user.full_name or user.username) if user else "",
            "agency": agency.name if agency else "",
            "team_role": membership.team_role.value,
            "mandate_nok": str(membership.mandate_nok),
            "joined_on": membership.joined_on.isoformat(),
            "left_on": membership.left_on.isoformat() if membership.left_on else None,
        },
    )
