"""Pages of the team member and the lead: my families, the family page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from velferdslab import policy
from velferdslab.assessments.queries import family_assessments, journey_of
from velferdslab.assessments.services import record_assessment, write_note
from velferdslab.assessments.voice import domain_history, latest_rationale, latest_readings
from velferdslab.audit import presentation
from velferdslab.auth.current import audit
from velferdslab.budgets.services import request_expenditure, spending_limits
from velferdslab.errors import DomainError, NotFound
from velferdslab.extensions import db
from velferdslab.families import lead_views
from velferdslab.families.access import family_or_explained
from velferdslab.families.forms import ExpenditureForm, NoteForm, make_assessment_form
from velferdslab.families.models import Family
from velferdslab.families.page import (
    access_log_rows,
    agency_choices,
    domain_notes,
    family_context,
    own_agency,
)
from velferdslab.families.queries import SORTS, ListChoices, filter_and_sort, my_families
from velferdslab.users.models import User
from velferdslab.vocabulary import DOMAINS
from velferdslab.web.auth import login_required
from velferdslab.web.i18n import localise, show_errors
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
        rows = access_log_rows(family)
        audit("read", "access_log", family.id, family_id=family.id)
        shown = presentation.present(db.session, rows)
        return render_template("families/access_log.html", family=family, rows=shown)

    @blp.route("/<id:family_id>")
    @login_required
    def family_page(family_id: int) -> ResponseReturnValue:
        user: User = g.user
        family = family_or_explained(user, family_id, "assessments.read")
        audit("read", "family", family.id, family_id=family.id, details={"page": "family"})
        return render_template("families/page.html", **family_context(family, user))

    @blp.route("/<id:family_id>/domains/<domain>")
    @login_required
    def domain_page(family_id: int, domain: str) -> ResponseReturnValue:
        user: User = g.user
        family = family_or_explained(user, family_id, "assessments.read")
        if domain not in DOMAINS:
            raise NotFound()
        history = domain_history(family_assessments(db.session, family.id), domain)
        notes = domain_notes(family, domain)
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
        family = family_or_explained(user, family_id, "notes.write")
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
        family = family_or_explained(user, family_id, "expenditures.write")
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
        family = family_or_explained(user, family_id, "assessments.write")
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
