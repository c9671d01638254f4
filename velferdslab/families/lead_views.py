"""The investment lead's pages: enrol a family, and decide spending above mandates."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from velferdslab import policy
from velferdslab.auth.current import audit
from velferdslab.budgets.models import Expenditure
from velferdslab.budgets.services import decide_expenditure
from velferdslab.errors import DomainError
from velferdslab.extensions import db
from velferdslab.families import confirm
from velferdslab.families.forms import EnrolForm
from velferdslab.families.models import Family
from velferdslab.families.services import create_family, put_lead_on_team
from velferdslab.municipalities.models import Municipality
from velferdslab.users.models import User
from velferdslab.vocabulary import ExpenditureStatus
from velferdslab.web.auth import login_required
from velferdslab.web.i18n import localise
from velferdslab.web.labels import format_money
from velferdslab.web.navigation import counter


def _lead() -> User:
    return policy.require_page(g.user, "pages.lead")


def municipality_choices(user: User) -> list[tuple[int, str]]:
    query = select(Municipality.id, Municipality.name).order_by(Municipality.name)
    if user.municipality_id is not None:
        query = query.where(Municipality.id == user.municipality_id)
    return [(row[0], row[1]) for row in db.session.execute(query)]


def ask_rejection(family: Family, expenditure: Expenditure, note: str) -> ResponseReturnValue:
    requester = db.session.get(User, expenditure.requested_by)
    return confirm.ask(
        family,
        title=_l("Reject the expenditure?"),
        consequences=[
            _l(
                "%(what)s, %(amount)s, asked for by %(name)s for %(ref)s, is rejected: it is "
                "not paid from the family's budget.",
                what=expenditure.description, amount=format_money(expenditure.amount),
                name=requester.full_name if requester else "", ref=family.reference,
            ),
            _l("The decision cannot be changed afterwards; a new request can be registered."),
        ],
        confirm_label=_l("Reject"),
        cancel_url=url_for(".approvals"),
        hidden={"decision": "reject"},
        note=note,
    )  # fmt: skip


def pending_approvals(user: User) -> Select[Expenditure]:
    """Spending above a mandate that waits for this lead's decision."""
    return (
        select(Expenditure)
        .join(Family, Family.id == Expenditure.family_id)
        .where(
            Expenditure.status == ExpenditureStatus.PENDING,
            policy.visible_families(user, "expenditures.decide", dt.date.today()),
        )
    )


@counter("family_pages.approvals")
def approvals_waiting(user: User) -> int:
    """For the lead's menu: how many decisions wait (one count query per page)."""
    count = select(func.count()).select_from(pending_approvals(user).subquery())
    return int(db.session.scalar(count) or 0)


def register(blp: Blueprint) -> None:
    @blp.route("/new", methods=["GET", "POST"])
    @login_required
    def new_family() -> ResponseReturnValue:
        user = _lead()
        form = EnrolForm(municipality_choices(user))
        if form.validate_on_submit():
            try:
                family = create_family(
                    db.session,
                    municipality_id=form.municipality_id.data,
                    referred_on=form.referred_on.data,
                    investment_lead_id=user.id,
                    protection=form.protection.data,
                )
            except DomainError as error:
                form.referred_on.errors = [localise(error.message)]
            else:
                put_lead_on_team(db.session, family)
                flash(_l("%(ref)s is enrolled. Record the consent and assemble the team next.",
                         ref=family.reference), "success")  # fmt: skip
                return redirect(url_for(".family_page", family_id=family.id))
        return render_template("families/new.html", form=form), 422 if form.errors else 200

    @blp.route("/approvals")
    @login_required
    def approvals() -> ResponseReturnValue:
        user = _lead()
        requester = aliased(User)
        rows = db.session.execute(
            select(Expenditure, Family.reference, requester.full_name)
            .join(Family, Family.id == Expenditure.family_id)
            .join(requester, requester.id == Expenditure.requested_by)
            .where(
                Expenditure.status == ExpenditureStatus.PENDING,
                policy.visible_families(user, "expenditures.decide", dt.date.today()),
            )
            .order_by(Expenditure.created_at)
        ).all()
        audit("list", "expenditure", details={"page": "approvals", "count": len(rows)})
        return render_template("families/approvals.html", rows=rows)

    @blp.route(
        "/<id:family_id>/expenditures/<id:expenditure_id>/decision",
        methods=["POST"],
    )
    @login_required
    def decide(family_id: int, expenditure_id: int) -> ResponseReturnValue:
        user = _lead()
        family: Family = policy.family_or_404(db.session, user, family_id, "expenditures.decide")
        expenditure = policy.record_of_family_or_404(
            db.session, Expenditure, family.id, expenditure_id
        )
        approve = request.form.get("decision") == "approve"
        note = (request.form.get("note") or "")[:2000]
        if not approve and not confirm.confirmed():
            return ask_rejection(family, expenditure, note)
        try:
            decide_expenditure(db.session, family, expenditure, user, approve=approve,
                               note=note or None)  # fmt: skip
        except DomainError as error:
            flash(localise(error.message), "error")
            return redirect(url_for(".approvals"))
        flash(_l("Approved.") if approve else _l("Rejected."), "success")
        return redirect(url_for(".approvals"))
