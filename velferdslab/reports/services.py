"""Issuing PDF reports into the registry, making them, and verifying a file against it."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.sql.elements import ColumnElement

from velferdslab import policy
from velferdslab.assumptions.services import get_set, mark_immutable
from velferdslab.audit.checkpoints import (
    AuditCheckpoint,
    checkpoint_if_configured,
    report_checkpoints,
)
from velferdslab.audit.log import record
from velferdslab.db import AnySession, as_utc, utcnow
from velferdslab.errors import Forbidden, NotFound, Text, TooMany, ValidationFailed
from velferdslab.extensions import db
from velferdslab.families.models import Family
from velferdslab.missions import services as missions
from velferdslab.missions.report import mission_content
from velferdslab.municipalities.models import Municipality
from velferdslab.privacy.package import access_content
from velferdslab.reports.audit_content import audit_content
from velferdslab.reports.content import family_content, portfolio_content
from velferdslab.reports.ledger import audit_ledgers
from velferdslab.reports.models import IssuedReport
from velferdslab.reports.pdf import Attachment, Stamp, render_pdf
from velferdslab.users.models import User
from velferdslab.vocabulary import ReportKind

Progress = Callable[[int], None]
# A report still queued or running after this long lost its worker (a restart): it failed.
STALE_AFTER = dt.timedelta(minutes=30)
TITLES = {
    ReportKind.FAMILY: _l("Family report"),
    ReportKind.PORTFOLIO: _l("Portfolio report"),
    ReportKind.AUDIT: _l("Audit report"),
    ReportKind.ACCESS: _l("Access request"),
    ReportKind.MISSION: _l("Mission report"),
}


@dataclass(frozen=True)
class ReportRequest:
    kind: ReportKind
    municipality_id: int | None = None
    family_id: int | None = None
    mission_id: int | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    as_of: dt.date | None = None
    assumption_set_id: int | None = None
    language: str = "nb"


class TooManyReports(TooMany):
    def __init__(self, limit: int) -> None:
        super().__init__(
            Text(
                "You have asked for %(count)s reports in the last minute: wait a minute "
                "before the next, so that everyone's reports are made in time.",
                count=limit,
            ),
            60,
        )


def check_issuing_rate(session: AnySession, user: User) -> None:
    """At most REPORTS_PER_USER_PER_MINUTE reports per user a minute: making PDFs is the
    heaviest work of the service, and one user's burst would delay everyone's. Counted in the
    database, so every worker and instance shares the count."""
    limit = int(current_app.config["REPORTS_PER_USER_PER_MINUTE"])
    recent = session.scalar(
        select(func.count())
        .select_from(IssuedReport)
        .where(
            IssuedReport.issued_by == user.id,
            IssuedReport.created_at >= utcnow() - dt.timedelta(minutes=1),
        )
    )
    if (recent or 0) >= limit:
        raise TooManyReports(limit)


def issue_report(session: AnySession, user: User, request: ReportRequest) -> IssuedReport:
    """Check who may ask for what, record the report as queued (audited) and freeze its
    assumption set. The caller has it made (velferdslab.reports.jobs.start)."""
    policy.require(user, "reports.issue")
    if not policy.may_issue_kind(user, request.kind):
        raise Forbidden()
    check_issuing_rate(session, user)
    as_of = request.as_of or dt.date.today()
    start = request.period_start or dt.date(as_of.year, 1, 1)
    end = request.period_end or as_of
    if start > end:
        raise ValidationFailed(
            Text("The period ends before it starts."),
            {"period_end": [Text("Must be on or after period_start.")]},
        )
    family_id, municipality_id = _subject(session, user, request)
    assumption_set = get_set(session, request.assumption_set_id)
    mark_immutable(assumption_set)
    extra = _mission_subject(session, user, request) if request.kind == ReportKind.MISSION else {}
    report = IssuedReport(
        kind=request.kind,
        municipality_id=municipality_id,
        family_id=family_id,
        parameters={
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "as_of": as_of.isoformat(),
            "suppressed": request.kind in (ReportKind.PORTFOLIO, ReportKind.MISSION)
            and policy.suppressed_portfolio(user),
            **extra,
        },
        assumption_set_id=assumption_set.id,
        assumption_set_version=assumption_set.version,
        language=request.language,
        issued_by=user.id,
        status="queued",
        progress=0,
    )
    session.add(report)
    session.flush()
    record(
        session,
        "issue",
        "report",
        report.id,
        family_id=report.family_id,
        details={"kind": report.kind.value, **report.parameters},
        user_id=user.id,
    )
    return report


def _mission_subject(session: AnySession, user: User, request: ReportRequest) -> dict[str, int]:
    """A mission report names a mission the leader reads; the target version it shows is
    frozen (a change of target is then a new version, velferdslab.missions)."""
    if request.mission_id is None:
        raise ValidationFailed(
            Text("A mission report names its mission."),
            {"mission_id": [Text("Required for kind mission.")]},
        )
    mission = missions.mission_or_404(session, user, request.mission_id)
    missions.mark_shown(mission)
    return {"mission_id": mission.id, "mission_version": mission.target.version}


def _subject(
    session: AnySession, user: User, request: ReportRequest
) -> tuple[int | None, int | None]:
    if request.kind == ReportKind.FAMILY:
        if request.family_id is None:
            raise ValidationFailed(
                Text("A family report names its family."),
                {"family_id": [Text("Required for kind family.")]},
            )
        family = policy.family_or_404(session, user, request.family_id, "report.family")
        return family.id, family.municipality_id
    if request.kind == ReportKind.MISSION:
        return None, None
    municipality_id = request.municipality_id or user.municipality_id
    if municipality_id is not None and not policy.in_scope(user, municipality_id):
        raise ValidationFailed(
            Text("Outside your scope."), {"municipality_id": [Text("Not your municipality.")]}
        )
    if municipality_id is not None and session.get(Municipality, municipality_id) is None:
        raise ValidationFailed(
            Text("No such municipality."), {"municipality_id": [Text("No such municipality.")]}
        )
    if request.kind == ReportKind.AUDIT and municipality_id is None:
        raise ValidationFailed(
            Text("An audit report covers one municipality."),
            {"municipality_id": [Text("Required for a regional auditor.")]},
        )
    return None, municipality_id


def make_report(report: IssuedReport, progress: Progress, between_stages: Progress) -> None:
    """Read the figures, render the PDF and store it with its hash. `between_stages` is where
    a background job commits its progress; the data are read in one transaction before it."""
    user = db.session.get(User, report.issued_by)
    assert user is not None
    with force_locale(report.language):
        report.data_snapshot_at = utcnow()
        # Every issued report anchors the audit chain with a signed checkpoint (issue 14).
        checkpoint = checkpoint_if_configured(db.session, current_app.config, f"report {report.id}")
        if report.kind == ReportKind.ACCESS:
            content, attachments = access_content(db.session, report)
        else:
            content, attachments = build_content(report, user, progress)
        if report.kind == ReportKind.AUDIT:
            content, attachments = _with_checkpoints(report, content, attachments, checkpoint)
        between_stages(60)
        stamp = Stamp(report.id, report.created_at or utcnow(), str(TITLES[report.kind]))
        pdf = render_pdf(
            f"{report.kind.value}.html",
            content,
            stamp=stamp,
            language=report.language,
            attachments=attachments,
        )
    report.pdf = pdf
    report.sha256 = hashlib.sha256(pdf).hexdigest()
    report.status = "ready"
    report.progress = 100


def _with_checkpoints(
    report: IssuedReport,
    content: dict[str, Any],
    attachments: list[Attachment],
    checkpoint: AuditCheckpoint | None,
) -> tuple[dict[str, Any], list[Attachment]]:
    period = (content["period_start"], content["period_end"])
    block, document = report_checkpoints(
        db.session, current_app.config, checkpoint, period, report.language
    )
    attachment = Attachment(
        "audit-checkpoints.json",
        document,
        "Signed checkpoints of the audit log, with the public key: "
        "velferdslab audit verify --public-key KEY --checkpoints FILE",
    )
    return {**content, "checkpoints": block}, [*attachments, attachment]


def build_content(
    report: IssuedReport, user: User, progress: Progress
) -> tuple[dict[str, Any], list[Attachment]]:
    params = report.parameters
    as_of = dt.date.fromisoformat(params["as_of"])
    period = (
        dt.date.fromisoformat(params["period_start"]),
        dt.date.fromisoformat(params["period_end"]),
    )
    assumption_set = get_set(db.session, report.assumption_set_id)
    if report.kind == ReportKind.FAMILY:
        family = db.session.get(Family, report.family_id)
        if family is None:
            raise NotFound()
        content = family_content(family, as_of, assumption_set, progress)
        figures = {k: v for k, v in content.items() if k != "chart"}
        tables = {"gains_by_payer.csv": _payer_rows(content["gains"]["by_payer"])}
    elif report.kind == ReportKind.MISSION:
        content, tables = mission_content(user, params, as_of, assumption_set)
        figures = {
            k: v
            for k, v in content.items()
            if k not in ("chart", "chart_narrow") and not callable(v)
        }
    elif report.kind == ReportKind.PORTFOLIO:
        content = portfolio_content(
            user, report.municipality_id, as_of, assumption_set, progress, period
        )
        figures = {k: v for k, v in content.items() if k != "charts"}
        tables = {"who_gains.csv": _who_gains_rows(content["report"]["who_gains"])}
    else:
        municipality = db.session.get(Municipality, report.municipality_id)
        assert municipality is not None
        content = audit_content(user, municipality, period, as_of, assumption_set, progress)
        figures = content
        content = {**content, **audit_ledgers(content, report.language)}
        tables = {
            "expenditures.csv": content["expenditures"],
            "calculation_trail.csv": [_flat_trail(row) for row in content["calculation_trail"]],
            "budgets.csv": content["budgets"],
        }
    content = {**content, "period_start": period[0], "period_end": period[1]}
    attachments = [
        Attachment("figures.json", to_json(figures), "Every figure of this report, as JSON."),
        *(
            Attachment(name, to_csv(rows), f"The table {name} as CSV.")
            for name, rows in tables.items()
        ),
    ]
    return content, attachments


def _payer_rows(by_payer: Mapping[str, Mapping[str, float]]) -> list[dict[str, Any]]:
    return [{"payer": payer, **values} for payer, values in by_payer.items()]


def _who_gains_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "payer": row["payer"],
            "realised": row["realised"]["value"],
            "projected_pv": row["projected_pv"]["value"],
        }
        for row in rows
    ]


def _flat_trail(row: Mapping[str, Any]) -> dict[str, Any]:
    flat = {k: v for k, v in row.items() if k not in ("baseline", "current", "path")}
    flat["path"] = " ".join(f"{p['on']}:{p['overall']}" for p in row["path"])
    return flat


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "item"):  # NumPy scalars
        return value.item()
    return str(value)


def to_json(data: Any) -> str:
    """The figures as JSON, a top-level key a line and a list's item a line: readable, and
    written by the json module's C encoder (indenting every level took it to the pure-Python
    one: a quarter of a second for the audit report's 2 751 expenditures, issue 30)."""

    def compact(value: Any) -> str:
        return json.dumps(value, default=_plain, ensure_ascii=False, sort_keys=True)

    if not isinstance(data, Mapping) or not data:
        return compact(data)
    lines = []
    for key in sorted(data):
        value = data[key]
        if isinstance(value, list) and value:
            shown = "[\n  " + ",\n  ".join(compact(item) for item in value) + "\n ]"
        else:
            shown = compact(value)
        lines.append(f" {compact(key)}: {shown}")
    return "{\n" + ",\n".join(lines) + "\n}"


def to_csv(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: _csv_value(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue()


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # a spreadsheet must not run a cell as a formula
    return value


def visible_reports(user: User, today: dt.date | None = None) -> ColumnElement[bool]:
    """Who sees which issued report: decided by the policy (policy.report_filter)."""
    return policy.report_filter(user, today or dt.date.today())


def report_or_404(session: AnySession, user: User, report_id: int) -> IssuedReport:
    report = session.scalars(
        select(IssuedReport).where(IssuedReport.id == report_id, visible_reports(user))
    ).one_or_none()
    if report is None:
        raise NotFound()
    return report


def effective_status(report: IssuedReport, now: dt.datetime | None = None) -> str:
    running = report.status in ("queued", "running") and report.created_at is not None
    if running and (now or utcnow()) - as_utc(report.created_at) > STALE_AFTER:
        return "failed"
    return report.status


def verify_pdf(session: AnySession, content: bytes) -> dict[str, Any]:
    """Whether these bytes are exactly a report in the registry."""
    digest = hashlib.sha256(content).hexdigest()
    report = session.scalars(
        select(IssuedReport).where(IssuedReport.sha256 == digest, IssuedReport.status == "ready")
    ).first()
    if report is None:
        return {"valid": False, "report_id": None, "sha256": digest}
    return {
        "valid": True,
        "report_id": report.id,
        "sha256": digest,
        "kind": report.kind.value,
        "created_at": report.created_at,
    }
