"""The privacy pages' read model: what the lead's privacy page of a family and the admin's
privacy page show, read through the policy. It changes nothing.

The admin's page never lists a strictly confidential (kode 6) family: the admin may not see it
as a record, so its retention is only counted there ("1 skjermet familie"), and its lead
confirms its anonymisation on the family's own page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from velferdslab import policy
from velferdslab.assessments.models import ProgressNote
from velferdslab.db import AnySession
from velferdslab.families.models import Family, Member
from velferdslab.family_portal.flags import flags_for
from velferdslab.municipalities.models import Agency, Municipality
from velferdslab.privacy import access_request, retention
from velferdslab.privacy.models import (
    AccessRequest,
    AnonymisedFamily,
    ConfidentialNote,
    LegalHold,
    MemberProtection,
    RetentionPolicy,
    RetentionSweep,
)
from velferdslab.reports.models import IssuedReport
from velferdslab.reports.services import effective_status
from velferdslab.users.models import User
from velferdslab.vocabulary import Protection


def members(session: AnySession, family: Family) -> list[Member]:
    return list(
        session.scalars(select(Member).where(Member.family_id == family.id).order_by(Member.id))
    )


def agencies(session: AnySession, family: Family) -> list[Agency]:
    return list(
        session.scalars(
            select(Agency)
            .where(Agency.municipality_id == family.municipality_id)
            .order_by(Agency.name)
        )
    )


def notes(session: AnySession, family: Family) -> list[ProgressNote]:
    return list(
        session.scalars(
            select(ProgressNote)
            .where(ProgressNote.family_id == family.id)
            .order_by(ProgressNote.written_on.desc(), ProgressNote.id.desc())
        )
    )


def municipalities(session: AnySession, admin: User) -> list[Municipality]:
    return list(
        session.scalars(
            select(Municipality)
            .where(policy.scope_filter(admin, Municipality.id))
            .order_by(Municipality.name)
        )
    )


def family_by_reference(session: AnySession, admin: User, reference: str) -> Family | None:
    """The family an admin names by reference, if it is theirs to see (never a kode 6 one)."""
    return session.scalars(
        select(Family).where(
            Family.reference == reference,
            policy.visible_families(admin, "family.read", dt.date.today()),
        )
    ).one_or_none()


def report_statuses(session: AnySession, requests: list[AccessRequest]) -> dict[int, str]:
    """Each package's PDF: queued, running, ready or failed (made by the job queue)."""
    ids = [r.report_id for r in requests if r.report_id is not None]
    if not ids:
        return {}
    reports = session.scalars(select(IssuedReport).where(IssuedReport.id.in_(ids)))
    return {report.id: effective_status(report) for report in reports}


def family_page(
    session: AnySession, lead: User, family: Family, config: Mapping[str, Any]
) -> dict[str, Any]:
    """What the lead's privacy page of a family shows."""
    people = members(session, family)
    protections = {
        row.member_id: row
        for row in session.scalars(
            select(MemberProtection).where(MemberProtection.member_id.in_([m.id for m in people]))
        )
    }
    confidential = session.execute(
        select(ConfidentialNote, ProgressNote.written_on, Member.full_name)
        .join(ProgressNote, ProgressNote.id == ConfidentialNote.note_id)
        .join(Member, Member.id == ConfidentialNote.child_member_id)
        .where(ProgressNote.family_id == family.id)
    ).all()
    requests = access_request.requests_for(session, lead, family.id)
    return {
        "family": family,
        "hold": retention.active_hold(session, family.id),
        "members": people,
        "protections": protections,
        "agencies": {a.id: a.name for a in agencies(session, family)},
        "confidential": confidential,
        "requests": requests,
        "statuses": report_statuses(session, requests),
        "names": {m.id: m.full_name for m in people},
        "awaiting_anonymisation": awaiting_lead(session, family, config),
    }


def awaiting_lead(session: AnySession, family: Family, config: Mapping[str, Any]) -> bool:
    """A strictly confidential family past its period, not on hold: its lead confirms."""
    if family.protection != Protection.STRICTLY_CONFIDENTIAL:
        return False
    if session.get(AnonymisedFamily, family.id) is not None:
        return False
    due = retention.due_families(session, dt.date.today(), config, family.municipality_id)
    return any(d.family_id == family.id and not d.held for d in due)


@dataclass(frozen=True)
class Shown:
    """The items of a sweep's list an admin may see, and how many protected ones are left out."""

    items: list[dict[str, Any]]
    protected: int


def admin_page(session: AnySession, admin: User, config: Mapping[str, Any]) -> dict[str, Any]:
    """What the admin's privacy page shows: their municipalities' periods, what is due (kode 6
    families counted, not listed), legal holds, sweeps, and the packages this admin made for
    requests received by letter (no other package)."""
    today = dt.date.today()
    places = municipalities(session, admin)
    in_scope = select(Family.id).where(policy.visible_families(admin, "family.read", today))
    holds = session.execute(
        select(LegalHold, Family.reference, User.full_name)
        .join(Family, Family.id == LegalHold.family_id)
        .outerjoin(User, User.id == LegalHold.placed_by)
        .where(LegalHold.released_at.is_(None), LegalHold.family_id.in_(in_scope))
        .order_by(LegalHold.placed_at.desc())
    ).all()
    due = retention.due_families(session, today, config, admin.municipality_id)
    requests = session.execute(
        select(AccessRequest, Family.reference)
        .join(Family, Family.id == AccessRequest.family_id)
        .where(policy.access_request_filter(admin, today))
        .order_by(AccessRequest.id.desc())
        .limit(50)
    ).all()
    return {
        "municipalities": places,
        "periods": dict(
            session.execute(select(RetentionPolicy.municipality_id, RetentionPolicy.years)).all()
        ),
        "default_years": retention.default_years(config),
        "holds": holds,
        "sweeps": _sweeps(session, {m.name for m in places}),
        "requests": requests,
        "statuses": report_statuses(session, [r for r, _ in requests]),
        "due": [d for d in due if not d.protected],
        "protected_due": sum(1 for d in due if d.protected),
        "family_flags": flags_for(session, in_scope),
    }


def _sweeps(session: AnySession, own: set[str]) -> list[dict[str, Any]]:
    sweeps = list(
        session.scalars(select(RetentionSweep).order_by(RetentionSweep.id.desc()).limit(10))
    )
    listed = {
        int(item["family_id"])
        for sweep in sweeps
        for key in ("due", "held", "awaiting_lead")
        for item in sweep.summary.get(key, [])
    }
    protected = (
        set(
            session.scalars(
                select(Family.id).where(
                    Family.id.in_(listed), Family.protection == Protection.STRICTLY_CONFIDENTIAL
                )
            )
        )
        if listed
        else set()
    )

    def shown(items: list[dict[str, Any]]) -> Shown:
        # a CLI or regional sweep covers every municipality: a municipal admin sees their own
        mine = [item for item in items if item.get("municipality") in own]
        visible = [item for item in mine if int(item["family_id"]) not in protected]
        return Shown(visible, len(mine) - len(visible))

    rows = []
    for sweep in sweeps:
        due, held = shown(sweep.summary.get("due", [])), shown(sweep.summary.get("held", []))
        awaiting = shown(sweep.summary.get("awaiting_lead", []))
        rows.append(
            {
                "started_at": sweep.started_at,
                "as_of": sweep.as_of,
                "dry_run": sweep.dry_run,
                "due": due.items,
                "held": held.items,
                "protected": due.protected + held.protected + awaiting.protected
                + len(awaiting.items),
            }
        )  # fmt: skip
    return rows
