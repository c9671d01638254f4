"""Pages of the privacy duties: the lead's privacy page of a family (legal hold, access
requests, protected addresses, confidences) and the admin's privacy page (retention periods,
sweeps, legal holds, access requests received by letter)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from velferdslab import policy
from velferdslab.assessments.models import ProgressNote
from velferdslab.auth.current import audit
from velferdslab.errors import Conflict, NotFound, ValidationFailed
from velferdslab.extensions import db
from velferdslab.families.models import Family, Member
from velferdslab.municipalities.models import Agency, Municipality
from velferdslab.privacy import access_request, retention
from velferdslab.privacy.labels import RELATION_LABELS, label_helpers
from velferdslab.privacy.models import (
    AccessRequest,
    ConfidentialNote,
    LegalHold,
    MemberProtection,
    RetentionPolicy,
    RetentionSweep,
)
from velferdslab.users.models import User
from velferdslab.vocabulary import Protection, Relation
from velferdslab.web.admin import admin_or_404, strip
from velferdslab.web.auth import login_required
from velferdslab.web.fields import NumberField
from velferdslab.web.i18n import show_errors

ID = "<id:{}>"
LANGUAGES = [("nb", "Norsk bokmål"), ("en", "English")]
PROTECTION_LABELS: dict[str, Any] = {
    "none": _l("no protected address"),
    "confidential": _l("confidential address (kode 7)"),
    "strictly_confidential": _l("strictly confidential address (kode 6)"),
}


class HoldForm(FlaskForm):  # type: ignore[misc]
    reason = TextAreaField(
        _l("Reason"),
        filters=[strip],
        validators=[DataRequired(message=_l("Give the reason.")), Length(min=5, max=2000)],
    )


class ReleaseForm(FlaskForm):  # type: ignore[misc]
    confirm = BooleanField(
        _l("Yes, release the hold: the family may then be anonymised by the next sweep"),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


class AccessForm(FlaskForm):  # type: ignore[misc]
    member_id = SelectField(_l("Family member"), coerce=int, choices=[])
    received_on = DateField(
        _l("Request received on"),
        default=dt.date.today,
        validators=[InputRequired(message=_l("Give the date."))],
    )
    language = SelectField(_l("Language"), choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = LANGUAGES


class ProtectionForm(FlaskForm):  # type: ignore[misc]
    member_id = SelectField(_l("Family member"), coerce=int, choices=[])
    protection = SelectField(_l("Protected address"), choices=[])
    agency_ids = SelectMultipleField(
        _l("Agencies that would reveal where the member lives"), coerce=int, choices=[]
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.protection.choices = [(k, str(v)) for k, v in PROTECTION_LABELS.items()]


class ConfidenceForm(FlaskForm):  # type: ignore[misc]
    note_id = SelectField(_l("Note"), coerce=int, choices=[])
    child_id = SelectField(_l("Told in confidence by"), coerce=int, choices=[])


class RetentionForm(FlaskForm):  # type: ignore[misc]
    municipality_id = SelectField(_l("Municipality"), coerce=int, choices=[])
    years = NumberField(
        _l("Years after the family ended"),
        validators=[DataRequired(message=_l("Give a number of years."))],
        places=0,
        minimum=1,
        maximum=100,
    )


class SweepForm(FlaskForm):  # type: ignore[misc]
    confirm = BooleanField(
        _l("Yes, anonymise every family listed as due: this cannot be undone"),
    )


class ReferenceHoldForm(HoldForm):
    reference = StringField(
        _l("Family reference"),
        filters=[lambda v: v.strip().upper() if isinstance(v, str) else v],
        validators=[DataRequired(message=_l("Give the family's reference.")), Length(max=20)],
    )


class ReceivedForm(FlaskForm):  # type: ignore[misc]
    reference = StringField(
        _l("Family reference"),
        filters=[lambda v: v.strip().upper() if isinstance(v, str) else v],
        validators=[DataRequired(message=_l("Give the family's reference.")), Length(max=20)],
    )
    national_id = StringField(
        _l("The requester's national identity number"),
        filters=[lambda v: v.replace(" ", "") if isinstance(v, str) else v],
        validators=[Regexp(r"^[0-9]{11}\Z", message=_l("11 digits, as in the request."))],
    )
    received_on = DateField(
        _l("Request received on"),
        default=dt.date.today,
        validators=[InputRequired(message=_l("Give the date."))],
    )
    language = SelectField(_l("Language"), choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = LANGUAGES


def _user() -> User:
    user: User = g.user
    return user


def _lead_family(family_id: int) -> Family:
    """The family's lead only: the page shows the members."""
    return policy.family_or_404(db.session, _user(), family_id, "members.write")


def _members(family: Family) -> list[Member]:
    return list(
        db.session.scalars(select(Member).where(Member.family_id == family.id).order_by(Member.id))
    )


def _family_forms(family: Family) -> dict[str, Any]:
    members = _members(family)
    agencies = db.session.scalars(
        select(Agency).where(Agency.municipality_id == family.municipality_id).order_by(Agency.name)
    ).all()
    notes = db.session.scalars(
        select(ProgressNote)
        .where(ProgressNote.family_id == family.id)
        .order_by(ProgressNote.written_on.desc(), ProgressNote.id.desc())
    ).all()
    access = AccessForm(prefix="access")
    protection = ProtectionForm(prefix="protection")
    confidence = ConfidenceForm(prefix="confidence")
    member_choices = [
        (m.id, f"{m.full_name} ({RELATION_LABELS.get(str(m.relation), m.relation)})")
        for m in members
    ]
    access.member_id.choices = member_choices
    protection.member_id.choices = member_choices
    protection.agency_ids.choices = [(a.id, a.name) for a in agencies]
    confidence.note_id.choices = [
        (n.id, f"{n.written_on.strftime('%d.%m.%Y')}: {n.text[:60]}") for n in notes
    ]
    confidence.child_id.choices = [(0, str(_l("nobody: not confidential")))] + [
        (m.id, m.full_name)
        for m in members
        if str(m.relation) in (Relation.CHILD.value, Relation.YOUTH.value)
    ]
    return {
        "hold_form": HoldForm(prefix="hold"),
        "release_form": ReleaseForm(prefix="release"),
        "access_form": access,
        "protection_form": protection,
        "confidence_form": confidence,
    }


def _family_page(family: Family, forms: dict[str, Any], status: int = 200) -> ResponseReturnValue:
    members = _members(family)
    protections = {
        row.member_id: row
        for row in db.session.scalars(
            select(MemberProtection).where(MemberProtection.member_id.in_([m.id for m in members]))
        )
    }
    agencies = dict(
        db.session.execute(
            select(Agency.id, Agency.name).where(Agency.municipality_id == family.municipality_id)
        ).all()
    )
    confidential = db.session.execute(
        select(ConfidentialNote, ProgressNote.written_on, Member.full_name)
        .join(ProgressNote, ProgressNote.id == ConfidentialNote.note_id)
        .join(Member, Member.id == ConfidentialNote.child_member_id)
        .where(ProgressNote.family_id == family.id)
    ).all()
    names = {m.id: m.full_name for m in members}
    requests = access_request.requests_for(db.session, _user(), family.id)
    audit("read", "access_request", family_id=family.id, details={"page": "family_privacy"})
    return render_template(
        "privacy/family.html",
        family=family,
        hold=retention.active_hold(db.session, family.id),
        members=members,
        protections=protections,
        agencies=agencies,
        confidential=confidential,
        requests=requests,
        names=names,
        protection_labels=PROTECTION_LABELS,
        **forms,
        **label_helpers(),
    ), status


def _admin_page(admin: User, forms: dict[str, Any], status: int = 200) -> ResponseReturnValue:
    municipalities = db.session.scalars(
        select(Municipality)
        .where(policy.scope_filter(admin, Municipality.id))
        .order_by(Municipality.name)
    ).all()
    periods = dict(
        db.session.execute(select(RetentionPolicy.municipality_id, RetentionPolicy.years)).all()
    )
    in_scope = select(Family.id).where(
        policy.visible_families(admin, "family.read", dt.date.today())
    )
    holds = db.session.execute(
        select(LegalHold, Family.reference, User.full_name)
        .join(Family, Family.id == LegalHold.family_id)
        .outerjoin(User, User.id == LegalHold.placed_by)
        .where(LegalHold.released_at.is_(None), LegalHold.family_id.in_(in_scope))
        .order_by(LegalHold.placed_at.desc())
    ).all()
    own = {m.name for m in municipalities}

    def scoped(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # a CLI or regional sweep covers every municipality: a municipal admin sees their own
        return [item for item in items if item.get("municipality") in own]

    sweeps = [
        {
            "started_at": sweep.started_at,
            "as_of": sweep.as_of,
            "dry_run": sweep.dry_run,
            "due": scoped(sweep.summary.get("due", [])),
            "held": scoped(sweep.summary.get("held", [])),
        }
        for sweep in db.session.scalars(
            select(RetentionSweep).order_by(RetentionSweep.id.desc()).limit(10)
        )
    ]
    requests = db.session.execute(
        select(AccessRequest, Family.reference)
        .join(Family, Family.id == AccessRequest.family_id)
        .where(AccessRequest.family_id.in_(in_scope))
        .order_by(AccessRequest.id.desc())
        .limit(50)
    ).all()
    due = retention.due_families(
        db.session, dt.date.today(), current_app.config, admin.municipality_id
    )
    forms.setdefault("retention_form", RetentionForm(prefix="retention"))
    forms["retention_form"].municipality_id.choices = [(m.id, m.name) for m in municipalities]
    forms.setdefault("sweep_form", SweepForm(prefix="sweep"))
    forms.setdefault("hold_form", ReferenceHoldForm(prefix="hold"))
    forms.setdefault("received_form", ReceivedForm(prefix="received"))
    forms.setdefault("release_form", ReleaseForm(prefix="release"))
    audit("list", "retention_sweep", details={"page": "admin_privacy"})
    return render_template(
        "privacy/admin.html",
        municipalities=municipalities,
        periods=periods,
        default_years=retention.default_years(current_app.config),
        holds=holds,
        sweeps=sweeps,
        requests=requests,
        due=due,
        **forms,
        **label_helpers(),
    ), status


def _family_by_reference(admin: User, reference: str) -> Family | None:
    return db.session.scalars(
        select(Family).where(
            Family.reference == reference,
            policy.visible_families(admin, "family.read", dt.date.today()),
        )
    ).one_or_none()


def create_blueprint() -> Blueprint:
    blp = Blueprint("privacy_pages", __name__)

    @blp.route(f"/families/{ID.format('family_id')}/privacy")
    @login_required
    def family_privacy(family_id: int) -> ResponseReturnValue:
        return _family_page(_lead_family(family_id), _family_forms(_lead_family(family_id)))

    @blp.route(f"/families/{ID.format('family_id')}/privacy/<action>", methods=["POST"])
    @login_required
    def family_action(family_id: int, action: str) -> ResponseReturnValue:
        family = _lead_family(family_id)
        forms = _family_forms(family)
        user = _user()
        back = redirect(url_for(".family_privacy", family_id=family.id))
        try:
            if action == "hold":
                form = forms["hold_form"]
                if form.validate_on_submit():
                    retention.place_hold(db.session, user, family.id, form.reason.data)
                    flash(_l("The family is on legal hold."), "success")
                    return back
            elif action == "release":
                form = forms["release_form"]
                if form.validate_on_submit():
                    retention.release_hold(db.session, user, family.id)
                    flash(_l("The legal hold is released."), "success")
                    return back
            elif action == "access":
                form = forms["access_form"]
                if form.validate_on_submit():
                    request = access_request.start_access_request(
                        db.session,
                        user,
                        family.id,
                        form.member_id.data,
                        form.received_on.data,
                        form.language.data,
                    )
                    flash(_l("The package is made: download it below."), "success")
                    return redirect(
                        url_for(".family_privacy", family_id=family.id, made=request.id)
                    )
            elif action == "protection":
                form = forms["protection_form"]
                if form.validate_on_submit():
                    access_request.set_member_protection(
                        db.session,
                        user,
                        family.id,
                        form.member_id.data,
                        Protection(form.protection.data),
                        list(form.agency_ids.data or []),
                    )
                    flash(_l("The protected address is recorded."), "success")
                    return back
            elif action == "confidence":
                form = forms["confidence_form"]
                if form.validate_on_submit():
                    access_request.mark_confidential_note(
                        db.session, user, family.id, form.note_id.data, form.child_id.data or None
                    )
                    flash(_l("The note's confidentiality is recorded."), "success")
                    return back
            else:
                raise NotFound()
        except (ValidationFailed, Conflict) as error:
            show_errors(form, error, next(n for n in form._fields if n != "csrf_token"))
        return _family_page(family, forms, 422)

    @blp.route(f"/access-requests/{ID.format('request_id')}.<kind>")
    @login_required
    def download(request_id: int, kind: str) -> ResponseReturnValue:
        request = access_request.request_or_404(db.session, _user(), request_id)
        if kind == "json" and request.package_json is not None:
            body, mimetype = request.package_json.encode(), "application/json"
        elif kind == "pdf" and request.report_id is not None:
            from velferdslab.reports.models import IssuedReport

            report = db.session.get(IssuedReport, request.report_id)
            if report is None or report.pdf is None:
                raise NotFound()
            body, mimetype = report.pdf, "application/pdf"
        else:
            raise NotFound()
        audit(
            "download",
            "access_request",
            request.id,
            family_id=request.family_id,
            details={"format": kind},
        )
        response = Response(body, mimetype=mimetype)
        name = f"velferdslab-innsyn-{request.id}.{kind}"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        response.headers["Cache-Control"] = "no-store"
        return response

    @blp.route("/admin/privacy")
    @login_required
    def admin_privacy() -> ResponseReturnValue:
        return _admin_page(admin_or_404(), {})

    @blp.route("/admin/privacy/<action>", methods=["POST"])
    @login_required
    def admin_action(action: str) -> ResponseReturnValue:
        admin = admin_or_404()
        forms: dict[str, Any] = {}
        back = redirect(url_for(".admin_privacy"))
        form: Any
        try:
            if action == "retention":
                form = forms["retention_form"] = RetentionForm(prefix="retention")
                form.municipality_id.choices = [
                    (m.id, m.name)
                    for m in db.session.scalars(
                        select(Municipality).where(policy.scope_filter(admin, Municipality.id))
                    )
                ]
                if form.validate_on_submit():
                    retention.set_retention_years(
                        db.session, admin, form.municipality_id.data, int(form.years.data)
                    )
                    flash(_l("The retention period is saved."), "success")
                    return back
            elif action in ("preview", "sweep"):
                form = forms["sweep_form"] = SweepForm(prefix="sweep")
                if form.validate_on_submit():
                    if action == "sweep" and not form.confirm.data:
                        form.confirm.errors = [str(_l("Tick the box to confirm."))]
                    else:
                        result = retention.run_sweep(
                            db.session,
                            dt.date.today(),
                            current_app.config,
                            dry_run=action == "preview",
                            user=admin,
                        )
                        message = (
                            _l(
                                "Dry run: %(due)s families would be anonymised, %(held)s are "
                                "on legal hold. Nothing was changed.",
                                due=len(result.anonymised),
                                held=len(result.held),
                            )
                            if action == "preview"
                            else _l(
                                "%(due)s families anonymised, %(held)s kept on legal hold.",
                                due=len(result.anonymised),
                                held=len(result.held),
                            )
                        )
                        flash(message, "success")
                        return back
            elif action == "hold":
                form = forms["hold_form"] = ReferenceHoldForm(prefix="hold")
                if form.validate_on_submit():
                    family = _family_by_reference(admin, form.reference.data)
                    if family is None:
                        form.reference.errors = [str(_l("No family with that reference."))]
                    else:
                        retention.place_hold(db.session, admin, family.id, form.reason.data)
                        flash(_l("The family is on legal hold."), "success")
                        return back
            elif action.startswith("release-"):
                form = forms["release_form"] = ReleaseForm(prefix="release")
                try:
                    family_id = int(action.removeprefix("release-"))
                except ValueError:
                    raise NotFound() from None
                if form.validate_on_submit():
                    retention.release_hold(db.session, admin, family_id)
                    flash(_l("The legal hold is released."), "success")
                    return back
            elif action == "received":
                form = forms["received_form"] = ReceivedForm(prefix="received")
                if form.validate_on_submit():
                    family = _family_by_reference(admin, form.reference.data)
                    member = (
                        None
                        if family is None
                        else db.session.scalars(
                            select(Member).where(
                                Member.family_id == family.id,
                                Member.national_id == form.national_id.data,
                            )
                        ).one_or_none()
                    )
                    if family is None or member is None:
                        form.national_id.errors = [
                            str(_l("No member with that number in a family with that reference."))
                        ]
                    else:
                        access_request.start_access_request(
                            db.session,
                            admin,
                            family.id,
                            member.id,
                            form.received_on.data,
                            form.language.data,
                        )
                        flash(_l("The package is made: download it below."), "success")
                        return back
            else:
                raise NotFound()
        except (ValidationFailed, Conflict) as error:
            show_errors(form, error, next(n for n in form._fields if n != "csrf_token"))
        return _admin_page(admin, forms, 422)

    return blp
