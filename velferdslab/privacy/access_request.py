"""Right of access, the services: a lead's or an admin's request for a member's package, a
member's protected address and a child's confidence (what the package withholds).

A request stores the package as JSON (velferdslab.privacy.package builds it) and issues its
PDF/A through the report registry like every report: counted in the issuer's report limit and
rendered by the job queue (velferdslab.reports.jobs), from the stored JSON. Who may make and
read packages is the policy's (velferdslab.policy.privacy).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from flask import current_app
from sqlalchemy import func, select

from velferdslab import policy
from velferdslab.assessments.models import ProgressNote
from velferdslab.assumptions.services import get_set
from velferdslab.audit.log import record
from velferdslab.audit.models import AuditEvent
from velferdslab.db import AnySession, utcnow
from velferdslab.errors import Text, TooMany, ValidationFailed
from velferdslab.families.models import Family, Member
from velferdslab.municipalities.models import Agency
from velferdslab.privacy.models import (
    AccessRequest,
    AnonymisedFamily,
    ConfidentialNote,
    MemberProtection,
)
from velferdslab.privacy.package import build_package, package_json
from velferdslab.reports import jobs as report_jobs
from velferdslab.reports.models import IssuedReport
from velferdslab.reports.services import check_issuing_rate
from velferdslab.users.models import User
from velferdslab.vocabulary import Protection, Relation, ReportKind

# An admin matches a letter's requester by (reference, national id) without seeing the members:
# each attempt is audited and at most this many an hour are answered, so the form is no oracle
# for who is a member of which family (ACCESS_LETTER_ATTEMPTS_PER_HOUR overrides it).
LETTER_ATTEMPTS_PER_HOUR = 10
MATCH_ACTION = "match_requester"


class TooManyAttempts(TooMany):
    def __init__(self, limit: int) -> None:
        super().__init__(
            Text(
                "You have tried %(count)s requesters in the last hour: wait before the next. "
                "Every attempt is on the audit log.",
                count=limit,
            ),
            3600,
        )


def start_access_request(
    session: AnySession,
    user: User,
    family_id: int,
    member_id: int,
    received_on: dt.date,
    language: str = "nb",
) -> AccessRequest:
    family, channel = policy.access_channel(session, user, family_id)
    member = policy.record_of_family(session, Member, family.id, member_id)
    if member is None:
        raise ValidationFailed(
            Text("Choose a member of this family."), {"member_id": [Text("Not in this family.")]}
        )
    today = dt.date.today()
    if received_on > today:
        raise ValidationFailed(
            Text("The request cannot be received in the future."),
            {"received_on": [Text("Today or earlier.")]},
        )
    if session.get(AnonymisedFamily, family.id) is not None:
        raise ValidationFailed(
            Text("The family's personal data were anonymised after the retention period."),
            {"member_id": [Text("Nothing personal is held any more.")]},
        )
    check_issuing_rate(session, user)
    document = package_json(build_package(session, family, member, today, current_app.config))
    assumption_set = get_set(session, None)
    report = IssuedReport(
        kind=ReportKind.ACCESS,
        municipality_id=family.municipality_id,
        family_id=family.id,
        parameters={"as_of": today.isoformat(), "received_on": received_on.isoformat()},
        assumption_set_id=assumption_set.id,
        assumption_set_version=assumption_set.version,
        language=language,
        issued_by=user.id,
        status="queued",
        progress=0,
    )
    session.add(report)
    session.flush()
    request = AccessRequest(
        family_id=family.id,
        member_id=member.id,
        received_on=received_on,
        channel=channel,
        requested_by=user.id,
        report_id=report.id,
        package_json=document,
        json_sha256=hashlib.sha256(document.encode()).hexdigest(),
    )
    session.add(request)
    session.flush()
    record(
        session,
        "create",
        "access_request",
        request.id,
        family_id=family.id,
        details={"channel": channel, "report_id": report.id},
        user_id=user.id,
    )
    record(
        session,
        "issue",
        "report",
        report.id,
        family_id=family.id,
        details={"kind": report.kind.value, **report.parameters},
        user_id=user.id,
    )
    report_jobs.start(report)
    return request


def register_received(
    session: AnySession,
    admin: User,
    reference: str,
    national_id: str,
    received_on: dt.date,
    language: str = "nb",
) -> AccessRequest:
    """An admin registers a request received by letter: the family by its reference, the member
    by the national id the letter gives. Every attempt is audited with its outcome and the
    reference (never the number), also when refused; more than the hour's limit are refused."""
    limit = int(
        current_app.config.get("ACCESS_LETTER_ATTEMPTS_PER_HOUR") or LETTER_ATTEMPTS_PER_HOUR
    )
    recent = session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.action == MATCH_ACTION,
            AuditEvent.user_id == admin.id,
            AuditEvent.at >= utcnow() - dt.timedelta(hours=1),
        )
    )
    family = session.scalars(
        select(Family).where(
            Family.reference == reference,
            policy.visible_families(admin, "family.read", dt.date.today()),
        )
    ).one_or_none()

    def attempt(outcome: str) -> None:
        record(
            session,
            MATCH_ACTION,
            "access_request",
            family_id=family.id if family else None,
            details={"reference": reference, "outcome": outcome},
            always=True,
            user_id=admin.id,
        )

    if (recent or 0) >= limit:
        attempt("limited")
        raise TooManyAttempts(limit)
    member = (
        None
        if family is None
        else session.scalars(
            select(Member).where(Member.family_id == family.id, Member.national_id == national_id)
        ).one_or_none()
    )
    if family is None or member is None:
        attempt("no_family" if family is None else "no_member")
        raise ValidationFailed(
            Text("No member with that number in a family with that reference."),
            {"national_id": [Text("No member with that number in a family with that reference.")]},
        )
    attempt("matched")
    return start_access_request(session, admin, family.id, member.id, received_on, language)


def requests_for(session: AnySession, user: User, family_id: int) -> list[AccessRequest]:
    """The family's requests the user may see (its lead: all of them)."""
    family, _ = policy.access_channel(session, user, family_id)
    return list(
        session.scalars(
            select(AccessRequest)
            .where(
                AccessRequest.family_id == family.id,
                policy.access_request_filter(user, dt.date.today()),
            )
            .order_by(AccessRequest.id.desc())
        )
    )


def set_member_protection(
    session: AnySession,
    user: User,
    family_id: int,
    member_id: int,
    protection: Protection,
    location_agency_ids: list[int],
) -> None:
    """The lead records a member's own protected address and the agencies that would reveal it."""
    family = policy.family_or_404(session, user, family_id, "members.write")
    member = policy.record_of_family_or_404(session, Member, family.id, member_id)
    valid = set(
        session.scalars(select(Agency.id).where(Agency.municipality_id == family.municipality_id))
    )
    if not set(location_agency_ids) <= valid:
        raise ValidationFailed(
            Text("Choose agencies of the family's municipality."),
            {"location_agency_ids": [Text("Unknown agency.")]},
        )
    row = session.get(MemberProtection, member.id)
    if protection == Protection.NONE:
        if row is not None:
            session.delete(row)
    else:
        if row is None:
            row = MemberProtection(member_id=member.id, protection=protection)
            session.add(row)
        row.protection = protection
        row.location_agency_ids = sorted(set(location_agency_ids))
        row.recorded_by = user.id
    session.flush()
    record(
        session,
        "update",
        "member_protection",
        member.id,
        family_id=family.id,
        details={"protection": protection.value},
        user_id=user.id,
    )


def mark_confidential_note(
    session: AnySession, user: User, family_id: int, note_id: int, child_member_id: int | None
) -> None:
    """Mark (or, with None, unmark) a note as told in confidence by one of the family's children."""
    family = policy.family_or_404(session, user, family_id, "notes.write")
    note = policy.record_of_family_or_404(session, ProgressNote, family.id, note_id)
    row = session.get(ConfidentialNote, note.id)
    if child_member_id is None:
        if row is not None:
            session.delete(row)
    else:
        child = session.get(Member, child_member_id)
        if (
            child is None
            or child.family_id != family.id
            or child.relation not in (Relation.CHILD, Relation.YOUTH)
        ):
            raise ValidationFailed(
                Text("Choose a child of this family."), {"child_member_id": [Text("Not a child.")]}
            )
        if row is None:
            row = ConfidentialNote(note_id=note.id, child_member_id=child.id)
            session.add(row)
        row.child_member_id, row.recorded_by = child.id, user.id
    session.flush()
    record(
        session,
        "update",
        "confidential_note",
        note.id,
        family_id=family.id,
        details={"confidential": child_member_id is not None},
        user_id=user.id,
    )
