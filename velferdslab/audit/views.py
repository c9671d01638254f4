"""The auditor's pages: every expenditure with its approval trail, and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from sqlalchemy import select

from velferdslab import policy
from velferdslab.assumptions.models import AssumptionSet
from velferdslab.assumptions.services import default_set, described
from velferdslab.audit import presentation
from velferdslab.audit.models import AuditEvent
from velferdslab.audit.services import recent_chain_status
from velferdslab.audit.spending import Filters, agencies_for, expenditure_query, is_within_mandate
from velferdslab.auth.current import audit
from velferdslab.extensions import db
from velferdslab.users.models import User
from velferdslab.web.auth import login_required

PAGE_SIZE = 100
CHAIN_CHECK_AGE = dt.timedelta(minutes=5)  # the log page re-verifies the chain at most this often


def _auditor() -> User:
    return policy.require_page(g.user, "pages.audit")


def _page() -> int:
    return max(1, min(request.args.get("page", 1, type=int) or 1, 100_000))


def expenditure_rows(user: User, args: dict[str, Any]) -> Any:
    return expenditure_query(user, Filters.from_args(args))


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
            filters=Filters.from_args(request.args),
            agencies=agencies_for(user),
            within_mandate=is_within_mandate,
        )

    @blp.route("/log")
    @login_required
    def log() -> ResponseReturnValue:
        user = _auditor()
        page = _page()
        query = (
            select(AuditEvent, User.full_name)
            .outerjoin(User, User.id == AuditEvent.user_id)
            .where(policy.audit_log_filter(user, dt.date.today()))
        )
        filters = presentation.read_filters(request.args)
        query = presentation.apply_filters(query, filters)
        rows = db.session.execute(
            query.order_by(AuditEvent.id.desc()).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
        ).all()
        audit("list", "audit_event", details={"page": page, "filters": request.args.to_dict()})
        chain = recent_chain_status(db.session, CHAIN_CHECK_AGE)
        return render_template(
            "audit/log.html", rows=presentation.present(db.session, rows[:PAGE_SIZE]), page=page,
            has_next=len(rows) > PAGE_SIZE, filters=filters,
            users=presentation.log_users(db.session, user.municipality_id),
            actions=presentation.action_choices(), chain=chain,
        )  # fmt: skip

    @blp.route("/assumptions")
    @login_required
    def assumptions() -> ResponseReturnValue:
        _auditor()
        default_set(db.session)
        rows = db.session.scalars(
            select(AssumptionSet).order_by(AssumptionSet.name, AssumptionSet.version.desc())
        ).all()
        language = str(get_locale())
        sets = [described(row, language) for row in rows]
        return render_template("audit/assumptions.html", sets=sets)

    return blp
