"""Right of access: a family member's copy of everything held about them and their family.

GDPR art. 15 gives the data subject a copy of their personal data and who received it;
forvaltningsloven § 18 gives a party access to the case's documents; Normen's faktaark 15 (and
Helsenorge's "innsynslogg") add the access log: who looked, when, from which agency. The lead
starts a request for a member (or an admin registers one received by letter); the package is a
PDF/A in the report registry (hash, verify) with the same content attached as JSON.

This module reads (it changes nothing) and shapes the package as plain data, by the rules of
`withholding.py`; `access_content` gives the PDF job what it renders from the stored JSON.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from velferdslab.archive.services import for_access_package
from velferdslab.assessments.models import Assessment, ProgressNote
from velferdslab.audit.models import AuditEvent
from velferdslab.budgets.models import Budget, Contribution, Expenditure
from velferdslab.db import AnySession
from velferdslab.families.models import Consent, Family, Member, TeamMembership
from velferdslab.formatting import format_date, format_datetime, format_money
from velferdslab.municipalities.models import Agency, Municipality
from velferdslab.plans.models import Goal, Measure
from velferdslab.privacy.labels import label_helpers
from velferdslab.privacy.models import AccessRequest, MemberProtection
from velferdslab.privacy.withholding import (
    ADULTS,
    WITHHELD,
    Rules,
    family_members,
    withholding_rules,
)
from velferdslab.reports.models import IssuedReport
from velferdslab.reports.pdf import Attachment
from velferdslab.users.models import User
from velferdslab.vocabulary import DOMAINS, LEVELS, Protection, Relation

FORMAT = "velferdslab-access-request/v1"


def _level(value: int | None) -> str | None:
    return None if value is None else LEVELS[value]


def _members(
    session: AnySession, family: Family, rules: Rules, protections: set[int]
) -> list[dict[str, Any]]:
    requester = rules.requester
    rows = []
    for member in family_members(session, family):
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
    rules = withholding_rules(session, family, member, on, config)
    protected = set(
        session.scalars(
            select(MemberProtection.member_id).where(
                MemberProtection.member_id.in_([m.id for m in family_members(session, family)]),
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
        "format": FORMAT,
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
        "archive": for_access_package(session, family.id),
        "withheld": dict(rules.counts),
    }


def _gains(family: Family, on: dt.date) -> dict[str, Any]:
    from velferdslab.gains.services import family_gains

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


def _as_date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _as_datetime(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def access_content(
    session: AnySession, report: IssuedReport
) -> tuple[dict[str, Any], list[Attachment]]:
    """What the PDF of an access package renders: the package as stored when the request was
    made (so the PDF and its attached JSON say the same), with the page's helpers."""
    request = session.scalars(
        select(AccessRequest).where(AccessRequest.report_id == report.id)
    ).one()
    if request.package_json is None:
        raise LookupError(f"the package of access request {request.id} was removed")
    language = report.language
    content = {
        "package": json.loads(request.package_json),
        "received_on": request.received_on,
        "date": lambda v: format_date(_as_date(v), language),
        "when": lambda v: format_datetime(_as_datetime(v), language=language),
        "kr": lambda v: format_money(v, language),
        **label_helpers(),
    }
    attachment = Attachment(
        "access-request.json",
        request.package_json,
        f"Everything in this package as JSON ({FORMAT}).",
    )
    return content, [attachment]
