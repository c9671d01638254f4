"""The policy of the PDF reports: which kinds a role issues, and who sees an issued report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import and_, or_, select
from sqlalchemy.sql.elements import ColumnElement

from velferdslab.families.models import Family
from velferdslab.policy.core import scope_filter, visible_families
from velferdslab.policy.privacy import access_request_filter
from velferdslab.privacy.models import AccessRequest
from velferdslab.reports.models import IssuedReport
from velferdslab.users.models import User
from velferdslab.vocabulary import ReportKind, Role

# Which report kinds a role may issue (the family report also needs report.family on it). An
# access package is made through the family's privacy page (velferdslab.policy.privacy).
REPORT_KINDS: dict[str, frozenset[Role]] = {
    "family": frozenset({Role.INVESTMENT_LEAD, Role.TEAM_MEMBER}),
    "portfolio": frozenset({Role.LEADER, Role.AUDITOR}),
    "audit": frozenset({Role.AUDITOR}),
    # A mission's report for the council (issue 29): by a leader who reads the mission.
    "mission": frozenset({Role.LEADER}),
}


def may_issue_kind(user: User, kind: str) -> bool:
    return bool(user.roles & REPORT_KINDS.get(str(kind), frozenset()))


def issuable_kinds(user: User, kinds: Iterable[ReportKind]) -> list[ReportKind]:
    """Of these kinds, those the user's roles issue (the report page's choices)."""
    return [kind for kind in kinds if may_issue_kind(user, kind)]


def report_filter(user: User, today: dt.date) -> ColumnElement[bool]:
    """Who sees which issued report: its issuer (a portfolio or audit report); for a family
    report, whoever may issue one for that family today (its lead, its consented team); for an
    access package, whoever may see its access request today (never by having issued it);
    auditors, the portfolio and audit reports of their municipality (so a leader never sees an
    auditor's unsuppressed one)."""
    families = select(Family.id).where(visible_families(user, "report.family", today))
    packages = select(AccessRequest.report_id).where(
        AccessRequest.report_id.is_not(None), access_request_filter(user, today)
    )
    parts = [
        and_(
            IssuedReport.kind.in_((ReportKind.PORTFOLIO, ReportKind.AUDIT, ReportKind.MISSION)),
            IssuedReport.issued_by == user.id,
        ),
        and_(IssuedReport.kind == ReportKind.FAMILY, IssuedReport.family_id.in_(families)),
        and_(IssuedReport.kind == ReportKind.ACCESS, IssuedReport.id.in_(packages)),
    ]
    if user.has_role(Role.AUDITOR):
        parts.append(
            and_(
                IssuedReport.kind.in_((ReportKind.PORTFOLIO, ReportKind.AUDIT)),
                scope_filter(user, IssuedReport.municipality_id),
            )
        )
    return or_(*parts)
