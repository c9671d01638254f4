"""The auditor's pages: every expenditure with its approval trail, and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, g, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import aliased

from velferdslab import policy
from velferdslab.assumptions.models import AssumptionSet
from velferdslab.assumptions.services import default_set, described
from velferdslab.audit.models import AuditEvent
from velferdslab.auth.current import audit
from velferdslab.budgets.models import Expenditure
from velferdslab.extensions import db
from velferdslab.families.models import Family
from velferdslab.municipalities.models import Agency
from velferdslab.users.models import User
from velferdslab.web.auth import login_required

PAGE_SIZE = 100


def _auditor() -> User:
    return policy.require_page(g.user, "pages.audit")


def _page() -> int:
    return max(1, min(request.args.get("page", 1, type=int) or 1, 100_000))


def expenditure_rows(user: User, args: dict[str, Any]) -> Any:
    requester, decider = aliased(User), aliased(User)
    query = (
        select(Expenditure, Family.reference, Agency.name, requester.full_name, decider.full_name)
        .join(Family, Family.id == Expenditure.family_id)
        .join(Agency, Agency.id == Expenditure.paying_agency_id)
        .join(requester, requester.id == Expenditure.requested_by)
        .outerjoin(decider, decider.id == Expenditure.decided_by)
        .where(policy.visible_families(user, "expenditures.read", dt.date.today()))
    )
    if args.get("status") in ("approved", "pending", "rejected"):
        query = query.where(Expenditure.status == args["status"])
    if args.get("year", "").isdigit():
        year = int(args["year"])
        query = query.where(
            Expenditure.spent_on >= dt.date(year, 1, 1),
            Expenditure.spent_on <= dt.date(year, 12, 31),
        )
    return query.order_by(Expenditure.spent_on.desc(), Expenditure.id.desc())


def create_blueprint() -> Blueprint:
    blp = Blueprint("auditor_pages", __name__, url_prefix="/audit")

    @blp.route("/expenditures")
    @login_required
    def expenditures() -> ResponseReturnValue:
        user = _auditor()
        page = _page()
        rows = db.session.execute(
            expenditure_rows(user, request.args.to_dict())
            .limit(PAGE_SIZE + 1)
            .offset((page - 1) * PAGE_SIZE)
        ).all()
        audit("list", "expenditure", details={"page": page, "filters": request.args.to_dict()})
        return render_template(
            "audit/expenditures.html",
            rows=rows[:PAGE_SIZE],
            page=page,
            has_next=len(rows) > PAGE_SIZE,
            args=request.args,
        )

    @blp.route("/log")
    @login_required
    def log() -> ResponseReturnValue:
        user = _auditor()
        page = _page()
        query = (
            select(AuditEvent, User.username)
            .outerjoin(User, User.id == AuditEvent.user_id)
            .where(policy.audit_log_filter(user, dt.date.today()))
        )
        action = request.args.get("action", "")[:40]
        if action:
            query = query.where(AuditEvent.action == action)
        rows = db.session.execute(
            query.order_by(AuditEvent.id.desc()).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
        ).all()
        audit("list", "audit_event", details={"page": page, "action": action})
        return render_template(
            "audit/log.html", rows=rows[:PAGE_SIZE], page=page, has_next=len(rows) > PAGE_SIZE,
            action=action,
        )  # fmt: skip

    @blp.route("/assumptions")
    @login_required
    def assumptions() -> ResponseReturnValue:
        _auditor()
        default_set(db.session)
        rows = db.session.scalars(
            select(AssumptionSet).order_by(AssumptionSet.name, AssumptionSet.version.desc())
        ).all()
        return render_template("audit/assumptions.html", sets=[described(row) for row in rows])

    return blp
