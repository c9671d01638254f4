"""The lead's set-up of a family: consent, team with mandates, the year's budget, the status."""

from __future__ import annotations

import datetime as dt
from dataclasses import astuple
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from velferdslab import policy
from velferdslab.budgets.services import set_budget
from velferdslab.errors import Conflict, DomainError, Text, ValidationFailed
from velferdslab.extensions import db
from velferdslab.families import confirm, services
from velferdslab.families.access import consent_missing_for
from velferdslab.families.lifecycle import LifecycleError, check_transition
from velferdslab.families.models import Consent, Family, TeamMembership
from velferdslab.families.page import family_context
from velferdslab.families.setup_forms import (
    BudgetForm,
    ConsentForm,
    MandateForm,
    StatusForm,
    TeamForm,
    WithdrawalForm,
)
from velferdslab.formatting import format_date
from velferdslab.municipalities.models import Agency
from velferdslab.users.models import User
from velferdslab.web.auth import login_required
from velferdslab.web.i18n import localise


def _own_agency(user_id: int) -> int:
    """The agency a person works for: what "Add to the team" proposes for them."""
    user = db.session.get(User, user_id)
    if user is None or user.agency_id is None:
        raise ValidationFailed(
            Text("Choose a person and an agency."),
            {"agency_id": [Text("The person has no agency of their own: choose one.")]},
        )
    return user.agency_id


def _done(family: Family, message: Any, anchor: str) -> ResponseReturnValue:
    flash(message, "success")
    return redirect(url_for(".family_page", family_id=family.id, _anchor=anchor))


def _refused(
    family: Family, error: DomainError, anchor: str, form: str | None = None
) -> ResponseReturnValue:
    """The refusal in the page's language; a refused set-up form (`form`) comes back on the
    family page (422) holding what was typed, the others go back to the family page."""
    details = "; ".join(localise(m) for messages in error.errors.values() for m in messages)
    flash(f"{localise(error.message)} {details}".strip(), "error")
    if form is None:
        return redirect(url_for(".family_page", family_id=family.id, _anchor=anchor))
    context = family_context(family, g.user)
    typed = {
        "form": form,
        "values": request.form.to_dict(),
        "lists": request.form.to_dict(flat=False),
        "errors": {
            name: [localise(m) for m in messages] for name, messages in error.errors.items()
        },
    }
    return render_template("families/page.html", **context, typed=typed), 422


def _back_url(family: Family) -> str:
    return url_for(".family_page", family_id=family.id, _anchor="setup")


def _ask_withdrawal(family: Family, consent: Consent, on: dt.date) -> ResponseReturnValue:
    names = sorted(
        db.session.scalars(select(Agency.name).where(Agency.id.in_(consent.agency_ids))).all()
    )
    return confirm.ask(
        family,
        title=_l("Withdraw the consent given %(date)s?", date=format_date(consent.given_on)),
        consequences=[
            _l(
                "From %(date)s the consent no longer covers %(agencies)s: their team members "
                "lose access to %(ref)s unless another consent covers them.",
                date=format_date(on), agencies=", ".join(names), ref=family.reference,
            ),
            _l("A withdrawal cannot be undone: if the family agrees again, record a new consent."),
        ],
        confirm_label=_l("Withdraw the consent"),
        cancel_url=_back_url(family),
        hidden={"withdrawn_on": on.isoformat()},
    )  # fmt: skip


def _ask_leaving(family: Family, membership: TeamMembership) -> ResponseReturnValue:
    user = db.session.get(User, membership.user_id)
    agency = db.session.get(Agency, membership.agency_id)
    name = user.full_name if user else ""
    return confirm.ask(
        family,
        title=_l("Remove %(name)s from the team?", name=name),
        consequences=[
            _l(
                "%(name)s (%(agency)s) leaves the team of %(ref)s: their access to the family's "
                "records ends at once.",
                name=name, agency=agency.name if agency else "", ref=family.reference,
            ),
            _l("What they wrote stays in the family's records, under their name."),
            _l("They can be added to the team again later."),
        ],
        confirm_label=_l("Remove from the team"),
        cancel_url=_back_url(family),
    )  # fmt: skip


def _ask_adding_uncovered(
    family: Family, user_id: int, agency_id: int, why: Any
) -> ResponseReturnValue:
    user, agency = db.session.get(User, user_id), db.session.get(Agency, agency_id)
    name, agency_name = (user.full_name if user else ""), (agency.name if agency else "")
    return confirm.ask(
        family,
        title=_l("%(agency)s is not covered by a consent", agency=agency_name),
        consequences=[
            _l(
                "%(name)s joins the team, but does not see %(ref)s until a valid consent covers "
                "%(agency)s: %(why)s.",
                name=name, ref=family.reference, agency=agency_name, why=why,
            ),
            _l("Record the family's consent for the agency first, or add them anyway."),
        ],
        confirm_label=_l("Add to the team anyway"),
        cancel_url=_back_url(family),
        hidden={key: request.form.get(key, "") for key in TEAM_FIELDS},
    )  # fmt: skip


TEAM_FIELDS = ("user_id", "agency_id", "team_role", "mandate_nok", "joined_on")


def _ask_ending(family: Family, status: str, on: dt.date) -> ResponseReturnValue:
    from velferdslab.web.labels import STATUS_LABELS

    label = str(STATUS_LABELS[status])
    return confirm.ask(
        family,
        title=_l("Mark %(ref)s as %(status)s?", ref=family.reference, status=label),
        consequences=[
            _l(
                "The family's journey ends on %(date)s: the status becomes %(status)s.",
                date=format_date(on), status=label,
            ),
            _l(
                "This cannot be changed back: if the family needs the lab again, it is referred "
                "as a new case."
            ),
        ],
        confirm_label=_l("Change the status"),
        cancel_url=_back_url(family),
        hidden={"status": status, "on": on.isoformat()},
    )  # fmt: skip


def register(blp: Blueprint) -> None:
    base = "/<id:family_id>/setup"

    @blp.route(f"{base}/consent", methods=["POST"])
    @login_required
    def add_consent(family_id: int) -> ResponseReturnValue:
        family = policy.family_or_404(db.session, g.user, family_id, "consents.write")
        try:
            consent = ConsentForm.read(request.form)
            services.record_consent(
                db.session,
                family,
                given_on=consent.given_on,
                agency_ids=consent.agency_ids,
                scope=consent.scope,
                recorded_by=g.user.id,
            )
        except DomainError as error:
            return _refused(family, error, "setup", "consent")
        return _done(family, _l("The consent is recorded."), "setup")

    @blp.route(f"{base}/team", methods=["POST"])
    @login_required
    def add_team_member(family_id: int) -> ResponseReturnValue:
        family = policy.family_or_404(db.session, g.user, family_id, "team.write")
        try:
            team = TeamForm.read(request.form)
            agency_id = team.agency_id or _own_agency(team.user_id)
            if not confirm.confirmed():
                missing = consent_missing_for(family, agency_id, dt.date.today())
                if missing is not None:
                    return _ask_adding_uncovered(family, team.user_id, agency_id, missing)
            services.add_team_member(
                db.session,
                family,
                user_id=team.user_id,
                agency_id=agency_id,
                team_role=team.team_role,
                mandate_nok=team.mandate_nok,
                joined_on=team.joined_on,
            )
        except DomainError as error:
            return _refused(family, error, "setup", "team")
        return _done(family, _l("The team member is added."), "setup")

    @blp.route(f"{base}/consent/<id:consent_id>/withdraw", methods=["POST"])
    @login_required
    def withdraw_consent(family_id: int, consent_id: int) -> ResponseReturnValue:
        family = policy.family_or_404(db.session, g.user, family_id, "consents.write")
        consent = policy.record_of_family_or_404(db.session, Consent, family.id, consent_id)
        try:
            withdrawn_on = WithdrawalForm.read(request.form).withdrawn_on
            if consent.withdrawn_on is not None:
                raise Conflict(Text("The consent is already withdrawn."))
            services.check_withdrawal({"withdrawn_on": withdrawn_on}, consent, dt.date.today())
            if not confirm.confirmed():
                return _ask_withdrawal(family, consent, withdrawn_on)
            services.change_consent(
                db.session, consent, {"withdrawn_on": withdrawn_on}, dt.date.today()
            )
        except DomainError as error:
            return _refused(family, error, "setup")
        return _done(family, _l("The consent is withdrawn: access through it ends."), "setup")

    @blp.route(f"{base}/team/<id:membership_id>/mandate", methods=["POST"])
    @login_required
    def change_mandate(family_id: int, membership_id: int) -> ResponseReturnValue:
        family = policy.family_or_404(db.session, g.user, family_id, "team.write")
        membership = policy.record_of_family_or_404(
            db.session, TeamMembership, family.id, membership_id
        )
        try:
            mandate = MandateForm.read(request.form).mandate_nok
            services.change_membership(db.session, membership, {"mandate_nok": mandate})
        except DomainError as error:
            return _refused(family, error, "setup", f"mandate_{membership.id}")
        return _done(family, _l("The mandate is changed."), "setup")

    @blp.route(f"{base}/team/<id:membership_id>/end", methods=["POST"])
    @login_required
    def end_membership(family_id: int, membership_id: int) -> ResponseReturnValue:
        family = policy.family_or_404(db.session, g.user, family_id, "team.write")
        membership = policy.record_of_family_or_404(
            db.session, TeamMembership, family.id, membership_id
        )
        try:
            left_on = services.leaving_day(membership, dt.date.today())
            if not confirm.confirmed():
                return _ask_leaving(family, membership)
            services.end_membership(db.session, membership, left_on)
        except DomainError as error:
            return _refused(family, error, "setup")
        return _done(family, _l("The member has left the team: their access ends now."), "setup")

    @blp.route(f"{base}/budget", methods=["POST"])
    @login_required
    def save_budget(family_id: int) -> ResponseReturnValue:
        family = policy.family_or_404(db.session, g.user, family_id, "budgets.write")
        try:
            budget = BudgetForm.read(request.form)
            set_budget(
                db.session,
                family,
                year=budget.year,
                amount=budget.amount,
                contributions=budget.contributions,
            )
        except DomainError as error:
            return _refused(family, error, "setup", "budget")
        return _done(family, _l("The budget for %(year)s is saved.", year=budget.year), "setup")

    @blp.route(f"{base}/status", methods=["POST"])
    @login_required
    def change_status(family_id: int) -> ResponseReturnValue:
        family = policy.family_or_404(db.session, g.user, family_id, "family.update")
        try:
            status, on = astuple(StatusForm.read(request.form))
            ending = status in ("concluded", "withdrawn") and status != family.status.value
            if ending and not confirm.confirmed():
                check_transition(
                    family.status.value, status, family.referred_on, family.enrolled_on, on,
                    today=dt.date.today(),
                )  # fmt: skip
                return _ask_ending(family, status, on)
            dates = {"enrolled_on": on} if status == "active" else {}
            if status in ("concluded", "withdrawn"):
                dates = {"concluded_on": on}
            services.update_family(db.session, family, {"status": status, **dates})
        except LifecycleError as error:
            failed = ValidationFailed(Text("The status cannot change so."), error.errors)
            return _refused(family, failed, "setup", "status")
        except DomainError as error:
            return _refused(family, error, "setup", "status")
        return _done(family, _l("The status is changed."), "setup")
