"""Right of access: a family member's copy of everything held about them and their family.

GDPR art. 15 gives the data subject a copy of their personal data and who received it;
forvaltningsloven § 18 gives a party access to the case's documents; Normen's faktaark 15 (and
Helsenorge's "innsynslogg") add the access log: who looked, when, from which agency. The lead
starts a request for a member (or an admin registers one received by letter); the package is a
PDF/A in the report registry (hash, verify) with the same content attached as JSON.

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
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from velferdslab import policy
from velferdslab.assessments.models import Assessment, ProgressNote
from velferdslab.assumptions.services import get_set
from velferdslab.audit.checkpoints import checkpoint_if_configured
from velferdslab.audit.models import AuditEvent
from velferdslab.audit.services import PendingEvent, write_events
from velferdslab.budgets.models import Budget, Contribution, Expenditure
from velferdslab.db import AnySession, utcnow
from velferdslab.errors import NotFound, Text, ValidationFailed
from velferdslab.families.models import Consent, Family, Member, TeamMembership
from velferdslab.formatting import format_date, format_datetime, format_money
from velferdslab.municipalities.models import Agency, Municipality
from velferdslab.plans.models import Goal, Measure
from velferdslab.privacy.labels import label_helpers
from velferdslab.privacy.models import (
    AccessRequest,
    AnonymisedFamily,
    ConfidentialNote,
    MemberProtection,
)
from velferdslab.reports.models import IssuedReport
from velferdslab.reports.pdf import Attachment, Stamp, render_pdf
from velferdslab.users.models import User
from velferdslab.vocabulary import DOMAINS, LEVELS, Protection, Relation, ReportKind

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


def _rules(
    session: AnySession, family: Family, requester: Member, on: dt.date, config: Mapping[str, Any]
) -> Rules:
    limit = int(config.get("ACCESS_CONFIDENCE_AGE") or DEFAULT_CONFIDENCE_AGE)
    members = _family_members(session, family)
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


def _family_members(session: AnySession, family: Family) -> list[Member]:
    return list(
        session.scalars(select(Member).where(Member.family_id == family.id).order_by(Member.id))
    )


def _level(value: int | None) -> str | None:
    return None if value is None else LEVELS[value]


def _members(
    session: AnySession, family: Family, rules: Rules, protections: set[int]
) -> list[dict[str, Any]]:
    requester = rules.requester
    rows = []
    for member in _family_members(session, family):
        own = member.id == requester.id
        row: dict[str, Any] = {
            "name": member.full_name,
            "relation": str(member.relation),
            "is_requester": own,
        }
        if own:
            row["national_id"] = member.national_id
            row["birth_date"] = member.birth_date
        elif (
            requester.relation in ADULTS
            and member.relation in (Relation.CHILD, Relation.YOUTH)
            and member.id not in protections
        ):
            row["birth_date"] = member.birth_date
            if member.national_id:
                rules.counts["other_members"] += 1
        elif member.national_id or member.birth_date:
            rules.counts["other_members"] += 1
        if not own and member.id in protections:
            row["protected_address"] = True
        rows.append(row)
    return rows


def build_package(
    session: AnySession, family: Family, member: Member, on: dt.date, config: Mapping[str, Any]
) -> dict[str, Any]:
    """Everything held about the member and their family that the law gives them, as data."""
    rules = _rules(session, family, member, on, config)
    protected = set(
        session.scalars(
            select(MemberProtection.member_id).where(
                MemberProtection.member_id.in_([m.id for m in _family_members(session, family)]),
                MemberProtection.protection == Protection.STRICTLY_CONFIDENTIAL,
            )
        )
    )
    municipality = session.get(Municipality, family.municipality_id)
    agencies = dict(
        session.execute(
            select(Agency.id, Agency.name).where(Agency.municipality_id == family.municipality_id)
        ).all()
    )
    # Staff of the family's municipality and regional staff: everyone who can have touched it.
    users = {
        u.id: u
        for u in session.scalars(
            select(User).where(
                (User.municipality_id == family.municipality_id) | User.municipality_id.is_(None)
            )
        )
    }
    members = _members(session, family, rules, protected)
    consents = []
    for consent in session.scalars(
        select(Consent).where(Consent.family_id == family.id).order_by(Consent.given_on)
    ):
        shown = [agencies.get(a) for a in consent.agency_ids if not rules.hides_agency(a)]
        consents.append(
            {
                "given_on": consent.given_on,
                "expires_on": consent.expires_on,
                "withdrawn_on": consent.withdrawn_on,
                "text": consent.scope,
                "agencies": sorted(a for a in shown if a),
            }
        )
    team = []
    for row in session.scalars(
        select(TeamMembership)
        .where(TeamMembership.family_id == family.id)
        .order_by(TeamMembership.joined_on, TeamMembership.id)
    ):
        if rules.hides_agency(row.agency_id):
            continue
        person = users.get(row.user_id)
        team.append(
            {
                "name": person.full_name if person else None,
                "agency": agencies.get(row.agency_id),
                "role": str(row.team_role),
                "mandate_nok": float(row.mandate_nok),
                "joined_on": row.joined_on,
                "left_on": row.left_on,
            }
        )

    def staff(user_id: int | None) -> str | None:
        person = users.get(user_id) if user_id is not None else None
        if person is None:
            return None
        if rules.hides_agency(person.agency_id):
            return WITHHELD
        return person.full_name

    goals = [
        {
            "domain": g.domain,
            "target_level": _level(g.target_level),
            "target_date": g.target_date,
            "description": g.description,
        }
        for g in session.scalars(
            select(Goal).where(Goal.family_id == family.id).order_by(Goal.domain, Goal.id)
        )
    ]
    measures = [
        {
            "description": m.description,
            "domain": m.domain,
            "owner": staff(m.owner_user_id),
            "due_on": m.due_on,
            "status": str(m.status),
        }
        for m in session.scalars(
            select(Measure).where(Measure.family_id == family.id).order_by(Measure.id)
        )
    ]
    assessments = []
    for a in session.scalars(
        select(Assessment)
        .where(Assessment.family_id == family.id)
        .order_by(Assessment.assessed_on, Assessment.id)
    ):
        assessments.append(
            {
                "assessed_on": a.assessed_on,
                "levels": {d: _level(v) for d, v in a.levels().items()},
                "family_levels": {d: _level(v) for d, v in a.family_levels().items()},
                "rationale": {d: a.rationale[d] for d in DOMAINS if a.rationale.get(d)},
                "overall": _level(
                    a.overall_override if a.overall_override is not None else a.overall
                ),
                "override_reason": a.override_reason,
                "assessed_by": staff(a.assessed_by),
            }
        )
    notes = []
    for n in session.scalars(
        select(ProgressNote)
        .where(ProgressNote.family_id == family.id)
        .order_by(ProgressNote.written_on, ProgressNote.id)
    ):
        if rules.hides_note(n.id):
            continue
        notes.append(
            {
                "written_on": n.written_on,
                "domain": n.domain,
                "text": n.text,
                "author": staff(n.author_id),
            }
        )
    budgets = []
    for b in session.scalars(
        select(Budget).where(Budget.family_id == family.id).order_by(Budget.year)
    ):
        contributions = []
        for c in session.scalars(
            select(Contribution).where(Contribution.budget_id == b.id).order_by(Contribution.id)
        ):
            contributions.append(
                {"agency": rules.agency(c.agency_id, agencies), "amount": float(c.amount)}
            )
        budgets.append({"year": b.year, "amount": float(b.amount), "contributions": contributions})
    spending = [
        {
            "spent_on": e.spent_on,
            "amount": float(e.amount),
            "description": e.description,
            "domain": e.domain,
            "paid_by": rules.agency(e.paying_agency_id, agencies),
            "status": str(e.status),
            "decision_note": e.decision_note,
        }
        for e in session.scalars(
            select(Expenditure)
            .where(Expenditure.family_id == family.id)
            .order_by(Expenditure.spent_on, Expenditure.id)
        )
    ]
    gains = _gains(family, on)
    access_log = []
    for event in session.scalars(
        select(AuditEvent).where(AuditEvent.family_id == family.id).order_by(AuditEvent.id)
    ):
        person = users.get(event.user_id) if event.user_id is not None else None
        agency_id = person.agency_id if person else None
        hidden = rules.hides_agency(agency_id)
        access_log.append(
            {
                "at": event.at,
                "who": WITHHELD if hidden else (person.full_name if person else None),
                "agency": WITHHELD if hidden else agencies.get(agency_id) if agency_id else None,
                "action": event.action,
                "record": event.entity,
            }
        )
    return {
        "format": "velferdslab-access-request/v1",
        "made_on": on,
        "member": next(m for m in members if m["is_requester"]),
        "family": {
            "reference": family.reference,
            "municipality": municipality.name if municipality else None,
            "status": str(family.status),
            "referred_on": family.referred_on,
            "enrolled_on": family.enrolled_on,
            "ended_on": family.concluded_on,
            "own_goals": family.own_goals,
            "dreams": family.dreams,
        },
        "members": members,
        "consents": consents,
        "team": team,
        "goals": goals,
        "measures": measures,
        "assessments": assessments,
        "notes": notes,
        "budgets": budgets,
        "spending": spending,
        "gains": gains,
        "access_log": access_log,
        "withheld": dict(rules.counts),
    }


def _gains(family: Family, on: dt.date) -> dict[str, Any]:
    from velferdslab.gains.api import family_gains

    figures = family_gains(family, {"as_of": on})
    keep = {
        k: v
        for k, v in figures.items()
        if k not in ("spending_by_agency", "contributions", "family_id")
    }
    return keep


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def package_json(package: Mapping[str, Any]) -> str:
    return json.dumps(package, default=_plain, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# --- issuing ----------------------------------------------------------------------------------


def _channel(session: AnySession, user: User, family_id: int) -> tuple[Family, str]:
    """The family's lead starts a request; an admin of its municipality registers one received.
    Anyone else: 404, as if the family were missing."""
    family = policy.family_or_404(session, user, family_id, "family.read")
    relations = policy.relations(session, user, family_id, dt.date.today())
    if policy.Relation.LEAD in relations:
        return family, "lead"
    if policy.Relation.ADMIN in relations:
        return family, "received"
    raise NotFound()


def may_handle(session: AnySession, user: User, family_id: int) -> bool:
    try:
        _channel(session, user, family_id)
    except NotFound:
        return False
    return True


def start_access_request(
    session: AnySession,
    user: User,
    family_id: int,
    member_id: int,
    received_on: dt.date,
    language: str = "nb",
) -> AccessRequest:
    family, channel = _channel(session, user, family_id)
    member = session.get(Member, member_id)
    if member is None or member.family_id != family.id:
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
    package = build_package(session, family, member, today, current_app.config)
    document = package_json(package)
    request = AccessRequest(
        family_id=family.id,
        member_id=member.id,
        received_on=received_on,
        channel=channel,
        requested_by=user.id,
        package_json=document,
        json_sha256=hashlib.sha256(document.encode()).hexdigest(),
    )
    session.add(request)
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
        status="running",
        progress=10,
    )
    session.add(report)
    session.flush()
    checkpoint_if_configured(session, current_app.config, f"report {report.id}")
    with force_locale(language):
        from velferdslab.reports.services import TITLES

        stamp = Stamp(report.id, report.created_at or utcnow(), str(TITLES[ReportKind.ACCESS]))
        pdf = render_pdf(
            "access.html",
            {
                "package": package,
                "received_on": received_on,
                "date": lambda v: format_date(v, language),
                "when": lambda v: format_datetime(v, language=language),
                "kr": lambda v: format_money(v, language),
                **label_helpers(),
            },
            stamp=stamp,
            language=language,
            attachments=[
                Attachment(
                    "access-request.json",
                    document,
                    "Everything in this package as JSON (velferdslab-access-request/v1).",
                )
            ],
        )
    report.pdf, report.sha256 = pdf, hashlib.sha256(pdf).hexdigest()
    report.status, report.progress, report.data_snapshot_at = "ready", 100, utcnow()
    request.report_id = report.id
    session.flush()
    write_events(
        session,
        [
            PendingEvent(
                action="create",
                entity="access_request",
                entity_id=request.id,
                family_id=family.id,
                user_id=user.id,
                details={"channel": channel, "report_id": report.id},
            ),
            PendingEvent(
                action="render",
                entity="report",
                entity_id=report.id,
                family_id=family.id,
                user_id=user.id,
                details={"kind": ReportKind.ACCESS.value, "sha256": report.sha256},
            ),
        ],
    )
    return request


def requests_for(session: AnySession, user: User, family_id: int) -> list[AccessRequest]:
    family, _ = _channel(session, user, family_id)
    return list(
        session.scalars(
            select(AccessRequest)
            .where(AccessRequest.family_id == family.id)
            .order_by(AccessRequest.id.desc())
        )
    )


def request_or_404(session: AnySession, user: User, request_id: int) -> AccessRequest:
    request = session.get(AccessRequest, request_id)
    if request is None:
        raise NotFound()
    _channel(session, user, request.family_id)
    return request


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
    member = session.get(Member, member_id)
    if member is None or member.family_id != family.id:
        raise NotFound()
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
    write_events(
        session,
        [
            PendingEvent(
                action="update",
                entity="member_protection",
                entity_id=member.id,
                family_id=family.id,
                user_id=user.id,
                details={"protection": protection.value},
            )
        ],
    )


def mark_confidential_note(
    session: AnySession, user: User, family_id: int, note_id: int, child_member_id: int | None
) -> None:
    """Mark (or, with None, unmark) a note as told in confidence by one of the family's children."""
    family = policy.family_or_404(session, user, family_id, "notes.write")
    note = session.get(ProgressNote, note_id)
    if note is None or note.family_id != family.id:
        raise NotFound()
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
    write_events(
        session,
        [
            PendingEvent(
                action="update",
                entity="confidential_note",
                entity_id=note.id,
                family_id=family.id,
                user_id=user.id,
                details={"confidential": child_member_id is not None},
            )
        ],
    )
