"""Pages of the team member and the lead: my families, the family page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from velferdslab import policy
from velferdslab.assessments.models import ProgressNote
from velferdslab.assessments.queries import family_assessments, journey_of
from velferdslab.assessments.services import record_assessment, write_note
from velferdslab.assessments.voice import domain_history, latest_rationale, latest_readings
from velferdslab.audit import presentation
from velferdslab.audit.models import AuditEvent
from velferdslab.auth.current import audit
from velferdslab.budgets.models import Budget, Expenditure
from velferdslab.budgets.services import limits_from, request_expenditure, spending_limits
from velferdslab.charts.journey import journey_svg
from velferdslab.errors import DomainError, NotFound
from velferdslab.extensions import db
from velferdslab.families import lead_views, setup_views
from velferdslab.families.forms import ExpenditureForm, NoteForm, make_assessment_form
from velferdslab.families.models import Family, TeamMembership
from velferdslab.families.queries import SORTS, ListChoices, filter_and_sort, my_families
from velferdslab.municipalities.models import Agency
from velferdslab.plans import views as plan_views
from velferdslab.plans.models import Goal, Measure
from velferdslab.users.models import User
from velferdslab.vocabulary import DOMAINS
from velferdslab.web.auth import login_required
from velferdslab.web.i18n import localise, show_errors
from velferdslab.web.labels import chart_labels
from velferdslab.web.navigation import current_language


def create_blueprint() -> Blueprint:
    blp = Blueprint("family_pages", __name__, url_prefix="/families")

    @blp.route("")
    @login_required
    def my_families_page() -> ResponseReturnValue:
        user: User = policy.require_page(g.user, "pages.my_families")
        args = request.args
        choices = ListChoices(
            search=args.get("q", "")[:100],
            status=args.get("status", "") if args.get("status") in FAMILY_STATUSES else "",
            level=args.get("level", "") if args.get("level") in LEVEL_FILTERS else "",
            stale=args.get("stale") == "1",
            sort=args.get("sort", "") if args.get("sort") in SORTS else "",
            descending=args.get("order") == "desc",
        )
        today = dt.date.today()
        everyone = my_families(db.session, user, today, choices.search)
        rows = filter_and_sort(everyone, choices, today)
        # The search words may be a name: the log says a search was made, not what it was.
        details = {"page": "my_families", "count": len(rows), "searched": bool(choices.search)}
        audit("list", "family", details=details)
        return render_template("families/list.html", rows=rows, choices=choices)

    blp.add_url_rule("", "my_families", my_families_page)
    lead_views.register(blp)

    @blp.route("/<id:family_id>/access-log")
    @login_required
    def access_log(family_id: int) -> ResponseReturnValue:
        family = policy.family_or_404(db.session, g.user, family_id, "access_log.read")
        rows = db.session.execute(
            select(AuditEvent, User.full_name)
            .outerjoin(User, User.id == AuditEvent.user_id)
            .where(AuditEvent.family_id == family.id)
            .order_by(AuditEvent.id.desc())
            .limit(500)
        ).all()
        audit("read", "access_log", family.id, family_id=family.id)
        shown = presentation.present(db.session, rows)
        return render_template("families/access_log.html", family=family, rows=shown)

    setup_views.register(blp)
    plan_views.register(blp)

    @blp.route("/<id:family_id>")
    @login_required
    def family_page(family_id: int) -> ResponseReturnValue:
        user: User = g.user
        family = policy.family_or_404(db.session, user, family_id, "assessments.read")
        audit("read", "family", family.id, family_id=family.id, details={"page": "family"})
        return render_template("families/page.html", **family_context(family, user))

    @blp.route("/<id:family_id>/domains/<domain>")
    @login_required
    def domain_page(family_id: int, domain: str) -> ResponseReturnValue:
        user: User = g.user
        family = policy.family_or_404(db.session, user, family_id, "assessments.read")
        if domain not in DOMAINS:
            raise NotFound()
        history = domain_history(family_assessments(db.session, family.id), domain)
        notes = db.session.execute(
            select(ProgressNote, User.full_name)
            .outerjoin(User, User.id == ProgressNote.author_id)
            .where(ProgressNote.family_id == family.id, ProgressNote.domain == domain)
            .order_by(ProgressNote.written_on.desc(), ProgressNote.id.desc())
            .limit(50)
        ).all()
        audit(
            "read", "assessment", family_id=family.id, details={"page": "domain", "domain": domain}
        )
        return render_template(
            "families/domain.html", family=family, domain=domain, history=history, notes=notes
        )

    @blp.route("/<id:family_id>/notes", methods=["POST"])
    @login_required
    def add_note(family_id: int) -> ResponseReturnValue:
        user: User = g.user
        family = policy.family_or_404(db.session, user, family_id, "notes.write")
        form = NoteForm()
        if not form.validate_on_submit():
            flash(_l("The note was not saved: %(why)s", why=first_error(form)), "error")
            return redirect(url_for(".family_page", family_id=family.id, _anchor="notes"))
        write_note(
            db.session, family, user,
            text=form.text.data, domain=form.domain.data or None, written_on=dt.date.today(),
        )  # fmt: skip
        flash(_l("The note is saved."), "success")
        return redirect(url_for(".family_page", family_id=family.id, _anchor="notes"))

    @blp.route("/<id:family_id>/expenditures/new", methods=["GET", "POST"])
    @login_required
    def new_expenditure(family_id: int) -> ResponseReturnValue:
        user: User = g.user
        family = policy.family_or_404(db.session, user, family_id, "expenditures.write")
        form = ExpenditureForm(agency_choices(family))
        today = dt.date.today()
        if not form.is_submitted():
            form.paying_agency_id.data = own_agency(family, user, today)
        if form.validate_on_submit():
            try:
                expenditure = request_expenditure(
                    db.session,
                    family,
                    user,
                    spent_on=form.spent_on.data,
                    amount=form.amount.data,
                    description=form.description.data,
                    paying_agency_id=form.paying_agency_id.data,
                    domain=form.domain.data or None,
                )
            except DomainError as error:
                show_errors(form, error, "amount")
            else:
                flash(expenditure_message(expenditure.status.value), "success")
                return redirect(url_for(".family_page", family_id=family.id))
        year = form.spent_on.data.year if form.spent_on.data else today.year
        limits = spending_limits(db.session, family, user, year, today)
        # The form shows the budget left and the user's mandate: a read, as the API's is.
        audit("read", "spending_limits", family_id=family.id, details={"page": "expenditure"},
              always=True)  # fmt: skip
        status = 422 if form.errors else 200
        return render_template(
            "families/expenditure.html", family=family, form=form, limits=limits
        ), status

    @blp.route("/<id:family_id>/assessments/new", methods=["GET", "POST"])
    @login_required
    def new_assessment(family_id: int) -> ResponseReturnValue:
        user: User = g.user
        family = policy.family_or_404(db.session, user, family_id, "assessments.write")
        assessments = family_assessments(db.session, family.id)
        points = journey_of(assessments)
        previous = latest_rationale(assessments)
        form = make_assessment_form(data=prefill(points, previous, latest_readings(assessments)))
        if form.validate_on_submit():
            try:
                record_assessment_from_form(family, user, form)
            except DomainError as error:
                form.override_reason.errors = [localise(error.message)]
            else:
                flash(_l("The assessment is saved: the new point is on the chart."), "success")
                return redirect(url_for(".family_page", family_id=family.id, _anchor="journey"))
        # The form shows the levels in force: a read of the family's assessments.
        audit("read", "assessment", family_id=family.id, details={"page": "assessment_form"},
              always=True)  # fmt: skip
        status = 422 if form.errors else 200
        return render_template(
            "families/assessment.html",
            family=family,
            form=form,
            criteria=level_help(),
            last=points[-1] if points else None,
            previous=previous,
        ), status

    return blp


FAMILY_STATUSES = ("referred", "active", "concluded", "withdrawn")
LEVEL_FILTERS = ("0", "1", "2", "3", "none")


def prefill(
    points: list[Any],
    previous: dict[str, Any] | None = None,
    readings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Start from the levels in force, the last rationale of each domain and the family's own
    reading where it differed, so a weekly update only changes what changed."""
    data: dict[str, Any] = {"assessed_on": dt.date.today()}
    if points:
        for domain, level in points[-1].levels.items():
            data[f"level_{domain}"] = "" if level is None else str(level)
    for domain, reading in (previous or {}).items():
        data[f"rationale_{domain}"] = reading.rationale
    for domain, reading in (readings or {}).items():
        if reading is not None and reading.differs:
            data[f"family_level_{domain}"] = str(reading.family_level)
    return data


def record_assessment_from_form(family: Family, user: User, form: Any) -> Any:
    override = form.overall_override.data
    return record_assessment(
        db.session,
        family,
        user,
        assessed_on=form.assessed_on.data,
        levels=form.levels(),
        rationale=form.rationale(),
        family_levels={k: v for k, v in form.levels("family_level_").items() if v is not None},
        overall_override=int(override) if override else None,
        override_reason=(form.override_reason.data or "").strip() or None,
        rule=str(current_app.config["OVERALL_RULE"]),
    )


def level_help() -> dict[str, list[str]]:
    from velferdslab.assessments.descriptions import help_texts

    texts: dict[str, list[str]] = help_texts(current_language())
    return texts


def first_error(form: FlaskForm) -> str:
    for messages in form.errors.values():
        return str(messages[0])
    return ""


def expenditure_message(status: str) -> str:
    if status == "approved":
        return str(_l("The expenditure is registered and approved."))
    return str(_l("The expenditure is above your mandate and waits for the investment lead."))


def own_agency(family: Family, user: User, today: dt.date) -> int | None:
    """The agency the user works for on this family's team (else their own): who usually pays."""
    memberships = db.session.scalars(
        select(TeamMembership).where(
            TeamMembership.family_id == family.id, TeamMembership.user_id == user.id
        )
    ).all()
    current = [m.agency_id for m in memberships if m.is_current(today)]
    return current[0] if current else user.agency_id


def agency_choices(family: Family) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Agency.id, Agency.name)
        .where(Agency.municipality_id == family.municipality_id)
        .order_by(Agency.name)
    )
    return [(row[0], row[1]) for row in rows]


def contributions_and_spending(
    year: int, budgets: Any, expenditures: Any, agencies: Any
) -> list[tuple[str, Any, Any]]:
    """Per agency, for the year: what it put into the budget beside what it paid of the approved
    spending (agencies with neither are left out)."""
    budget = next((b for b in budgets if b.year == year), None)
    put_in = {c.agency_id: c.amount for c in budget.contributions} if budget else {}
    paid: dict[int, Decimal] = {}
    for e in expenditures:
        if e.status.value == "approved" and e.spent_on.year == year:
            paid[e.paying_agency_id] = paid.get(e.paying_agency_id, Decimal(0)) + e.amount
    return [
        (agency.name, put_in.get(agency.id), paid.get(agency.id, Decimal(0)))
        for agency in agencies
        if agency.id in put_in or agency.id in paid
    ]


def family_context(family: Family, user: User) -> dict[str, Any]:
    """Everything the family page shows, each table read once: the chart, the spending limits
    and the lead's gains are made from the same rows."""
    today = dt.date.today()
    session = db.session
    assessments = family_assessments(session, family.id)
    points = journey_of(assessments)
    readings = latest_readings(assessments)
    goals = session.scalars(
        select(Goal)
        .where(Goal.family_id == family.id)
        .order_by(Goal.closed_on.is_not(None), Goal.domain)
    ).all()
    targets = {goal.domain: goal.target_level for goal in goals if goal.closed_on is None}
    chart = journey_svg(points, targets, chart_labels(family.reference)) if points else ""
    measures = session.scalars(
        select(Measure).where(Measure.family_id == family.id).order_by(Measure.due_on)
    ).all()
    notes = session.scalars(
        select(ProgressNote)
        .where(ProgressNote.family_id == family.id)
        .order_by(ProgressNote.written_on.desc(), ProgressNote.id.desc())
        .limit(20)
    ).all()
    expenditures = session.scalars(
        select(Expenditure)
        .where(Expenditure.family_id == family.id)
        .order_by(Expenditure.spent_on.desc(), Expenditure.id.desc())
    ).all()
    team = session.execute(
        select(TeamMembership, User, Agency)
        .join(User, User.id == TeamMembership.user_id)
        .join(Agency, Agency.id == TeamMembership.agency_id)
        .where(TeamMembership.family_id == family.id)
        .order_by(TeamMembership.team_role, User.full_name)
        .options(lazyload(User.role_rows))  # the page shows names, not roles
    ).all()
    budgets = session.scalars(
        select(Budget).where(Budget.family_id == family.id).order_by(Budget.year.desc())
    ).all()
    agencies = session.scalars(
        select(Agency).where(Agency.municipality_id == family.municipality_id).order_by(Agency.name)
    ).all()
    user_ids = {m.owner_user_id for m in measures} | {n.author_id for n in notes}
    user_ids |= {e.requested_by for e in expenditures} | {e.decided_by for e in expenditures}
    is_lead = policy.is_lead_of(user, family)
    lead_only: dict[str, Any] = {}
    if is_lead:
        from velferdslab.gains.api import page_gains
        from velferdslab.gains.forecast_views import family_page_context

        setup = setup_views.setup_context(family, agencies, budgets)
        gains = page_gains(family, assessments, expenditures, budgets, agencies, goals)
        lead_only = {
            "gains": gains,
            **setup,
            **family_page_context(family, assessments, expenditures, goals),
        }
    memberships = [membership for membership, _, _ in team]
    return {
        "by_agency": contributions_and_spending(today.year, budgets, expenditures, agencies),
        **lead_only,
        "family": family,
        "points": points,
        "readings": readings,
        "chart": chart,
        "goals": goals,
        "measures": measures,
        "notes": notes,
        "team": team,
        "budgets": budgets,
        "expenditures": expenditures,
        "limits": limits_from(family, user, today.year, today, budgets, expenditures, memberships),
        "is_lead": is_lead,
        "people": {
            row[0]: row[1]
            for row in session.execute(select(User.id, User.full_name).where(User.id.in_(user_ids)))
        },
        "agencies": {agency.id: agency.name for agency in agencies},
    }
