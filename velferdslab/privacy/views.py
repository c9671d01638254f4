"""Pages of the privacy duties: the lead's privacy page of a family (legal hold, access
requests, protected addresses, confidences, confirming a kode 6 family's anonymisation) and the
admin's privacy page (retention periods, sweeps, legal holds, access requests received by
letter). The queries are the read model's (velferdslab.privacy.pages); the rules the services'."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from velferdslab import policy
from velferdslab.auth.current import audit
from velferdslab.errors import Conflict, DomainError, Forbidden, NotFound, Text
from velferdslab.extensions import db
from velferdslab.families.models import Family
from velferdslab.privacy import access_request, pages, retention
from velferdslab.privacy.forms import (
    PROTECTION_LABELS,
    AccessForm,
    AnonymiseForm,
    ConfidenceForm,
    HoldForm,
    ProtectionForm,
    ReceivedForm,
    ReferenceHoldForm,
    ReleaseForm,
    RetentionForm,
    SweepForm,
)
from velferdslab.privacy.labels import RELATION_LABELS, label_helpers
from velferdslab.reports.models import IssuedReport
from velferdslab.reports.services import effective_status
from velferdslab.users.models import User
from velferdslab.vocabulary import Protection, Relation
from velferdslab.web.admin import admin_or_404
from velferdslab.web.auth import login_required
from velferdslab.web.i18n import show_errors

ID = "<id:{}>"


def _user() -> User:
    user: User = g.user
    return user


def _lead_family(family_id: int) -> Family:
    """The family's lead only: the page shows the members."""
    return policy.family_or_404(db.session, _user(), family_id, "privacy.lead")


def _family_forms(family: Family) -> dict[str, Any]:
    members = pages.members(db.session, family)
    access = AccessForm(prefix="access")
    protection = ProtectionForm(prefix="protection")
    confidence = ConfidenceForm(prefix="confidence")
    member_choices = [
        (m.id, f"{m.full_name} ({RELATION_LABELS.get(str(m.relation), m.relation)})")
        for m in members
    ]
    access.member_id.choices = member_choices
    protection.member_id.choices = member_choices
    protection.agency_ids.choices = [(a.id, a.name) for a in pages.agencies(db.session, family)]
    confidence.note_id.choices = [
        (n.id, f"{n.written_on.strftime('%d.%m.%Y')}: {n.text[:60]}")
        for n in pages.notes(db.session, family)
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
        "anonymise_form": AnonymiseForm(prefix="anonymise"),
    }


def _family_page(
    family: Family, forms: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> ResponseReturnValue:
    shown = pages.family_page(db.session, _user(), family, current_app.config)
    audit("read", "access_request", family_id=family.id, details={"page": "family_privacy"})
    return (
        render_template(
            "privacy/family.html",
            protection_labels=PROTECTION_LABELS,
            **shown,
            **forms,
            **label_helpers(),
        ),
        status,
        headers or {},
    )


def _admin_page(
    admin: User, forms: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> ResponseReturnValue:
    shown = pages.admin_page(db.session, admin, current_app.config)
    forms.setdefault("retention_form", RetentionForm(prefix="retention"))
    forms["retention_form"].municipality_id.choices = [
        (m.id, m.name) for m in shown["municipalities"]
    ]
    forms.setdefault("sweep_form", SweepForm(prefix="sweep"))
    forms.setdefault("hold_form", ReferenceHoldForm(prefix="hold"))
    forms.setdefault("received_form", ReceivedForm(prefix="received"))
    forms.setdefault("release_form", ReleaseForm(prefix="release"))
    audit("list", "retention_sweep", details={"page": "admin_privacy"})
    page = render_template("privacy/admin.html", **shown, **forms, **label_helpers())
    return page, status, headers or {}


def create_blueprint() -> Blueprint:
    blp = Blueprint("privacy_pages", __name__)

    @blp.route(f"/families/{ID.format('family_id')}/privacy")
    @login_required
    def family_privacy(family_id: int) -> ResponseReturnValue:
        family = _lead_family(family_id)
        return _family_page(family, _family_forms(family))

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
                    # the page confirms it with the download links (made=…)
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
            elif action == "anonymise":
                form = forms["anonymise_form"]
                if form.validate_on_submit():
                    retention.confirm_anonymisation(
                        db.session, user, family.id, dt.date.today(), current_app.config
                    )
                    flash(_l("The family is anonymised."), "success")
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
        except DomainError as error:
            if isinstance(error, NotFound | Forbidden):
                raise
            show_errors(form, error, next(n for n in form._fields if n != "csrf_token"))
            return _family_page(family, forms, error.status_code, error.headers)
        return _family_page(family, forms, 422)

    @blp.route(f"/access-requests/{ID.format('request_id')}.<kind>")
    @login_required
    def download(request_id: int, kind: str) -> ResponseReturnValue:
        request = policy.access_request_or_404(db.session, _user(), request_id)
        if kind == "json" and request.package_json is not None:
            body, mimetype = request.package_json.encode(), "application/json"
        elif kind == "pdf" and request.report_id is not None:
            report = db.session.get(IssuedReport, request.report_id)
            if report is not None and effective_status(report) in ("queued", "running"):
                raise Conflict(Text("The package is being made: reload the page in a moment."))
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
                    (m.id, m.name) for m in pages.municipalities(db.session, admin)
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
                    family = pages.family_by_reference(db.session, admin, form.reference.data)
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
                    made = access_request.register_received(
                        db.session,
                        admin,
                        form.reference.data,
                        form.national_id.data,
                        form.received_on.data,
                        form.language.data,
                    )
                    # the page confirms it with the download links (made=…)
                    return redirect(url_for(".admin_privacy", made=made.id))
            else:
                raise NotFound()
        except DomainError as error:
            if isinstance(error, NotFound | Forbidden):
                raise
            show_errors(form, error, next(n for n in form._fields if n != "csrf_token"))
            return _admin_page(admin, forms, error.status_code, error.headers)
        return _admin_page(admin, forms, 422)

    return blp
