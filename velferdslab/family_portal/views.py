"""The family's own pages under /min-side: our plan, our journey, our own reading, comments,
our consents, who has looked, our data. Every read is audited as the family's own read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from velferdslab import policy
from velferdslab.auth.current import audit
from velferdslab.database import writes
from velferdslab.errors import DomainError, NotFound
from velferdslab.extensions import db
from velferdslab.families.models import Consent, Family, Member
from velferdslab.family_portal import access_log, idporten, queries, services, sessions
from velferdslab.family_portal.signin_views import neutral_page, off_page
from velferdslab.privacy.package import build_package, package_json
from velferdslab.web.i18n import FAMILY_LANGUAGES, localise


def _today() -> dt.date:
    return dt.date.today()


def signed_in(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """A page of a signed-in family member whose family is chosen and still open to them."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        found = idporten.settings()
        if found is None:
            return off_page()
        row = sessions.current(db.session, found)
        if row is None:
            return redirect(url_for("family_portal.index"))
        if row.family_id is None:
            return redirect(url_for("family_portal.choose"))
        family = db.session.get(Family, row.family_id)
        member = db.session.get(Member, row.member_id)
        allowed = (
            policy.portal_families(db.session, member.national_id, _today(), current_app.config)
            if member is not None
            else []
        )
        if family is None or member is None or (family.id, member.id) not in allowed:
            sessions.end(row)  # consent withdrawn, the family ended long ago …: the same page
            return neutral_page()
        g.family, g.member = family, member
        g.hidden = policy.hidden_agencies(db.session, family.id, member.id)
        return view(*args, **kwargs)

    return writes(wrapped)


def read(page: str, entity: str = "family") -> None:
    """The family's own read, on the family's access log as such."""
    audit("read", entity, g.family.id if entity == "family" else None, family_id=g.family.id,
          details={"family_portal": True, "member": g.member.id, "page": page})  # fmt: skip


def create_blueprint() -> Blueprint:
    blp = Blueprint("family_portal", __name__, url_prefix=sessions.PREFIX)

    @blp.route("")
    @writes
    def index() -> ResponseReturnValue:
        found = idporten.settings()
        if found is None:
            return off_page()
        row = sessions.current(db.session, found)
        if row is None:
            return render_template("family_portal/start.html")
        if row.family_id is None:
            return redirect(url_for(".choose"))
        return redirect(url_for(".plan"))

    @blp.route("/velg-familie", methods=["GET", "POST"])
    @writes
    def choose() -> ResponseReturnValue:
        found = idporten.settings()
        if found is None:
            return off_page()
        row = sessions.current(db.session, found)
        if row is None:
            return redirect(url_for(".index"))
        choices = [tuple(choice) for choice in row.choices]
        if request.method == "POST":
            picked = request.form.get("family", "")
            match = [c for c in choices if str(c[0]) == picked]
            if not match:
                flash(_l("Choose one of the families."), "error")
            else:
                row.family_id, row.member_id = match[0]
                return redirect(url_for(".plan"))
        families = []
        for family_id, _member_id in choices:
            names = db.session.scalars(
                select(Member.full_name).where(Member.family_id == family_id).order_by(Member.id)
            ).all()
            families.append((family_id, ", ".join(names)))
        status = 422 if request.method == "POST" else 200
        return render_template("family_portal/choose.html", families=families), status

    @blp.route("/plan")
    @signed_in
    def plan() -> ResponseReturnValue:
        view = queries.plan_view(db.session, g.family, g.hidden)
        read("plan")
        return render_template("family_portal/plan.html", **view)

    @blp.route("/reisen")
    @signed_in
    def journey() -> ResponseReturnValue:
        view = queries.journey_view(db.session, g.family)
        read("journey")
        return render_template("family_portal/journey.html", **view)

    @blp.route("/var-vurdering", methods=["GET", "POST"])
    @signed_in
    def reading() -> ResponseReturnValue:
        errors: dict[str, list[str]] = {}
        if request.method == "POST":
            level = request.form.get("level", "")
            try:
                services.record_reading(
                    db.session, g.family, g.member, request.form.get("domain", ""),
                    int(level) if level.isdigit() else None,
                    request.form.get("sentence", ""), _today(),
                )  # fmt: skip
            except DomainError as error:
                errors = {k: [localise(m) for m in v] for k, v in (error.errors or {}).items()}
                flash(localise(error.message), "error")
            else:
                flash(_l("Thank you. Your reading is saved, and the team can see it."), "success")
                return redirect(url_for(".reading"))
        own = queries.own_readings(db.session, g.family.id)
        read("reading")
        return render_template(
            "family_portal/reading.html", own=own, errors=errors, form=request.form,
            today=_today(),
        ), (422 if errors else 200)  # fmt: skip

    @blp.route("/kommentar", methods=["POST"])
    @signed_in
    def comment() -> ResponseReturnValue:
        kind = request.form.get("kind", "")
        record_id = request.form.get("record", "")
        if kind not in ("goal", "measure") or not record_id.isdigit() or len(record_id) > 9:
            raise NotFound()
        try:
            services.comment(db.session, g.family, g.member, kind, int(record_id),
                             request.form.get("text", ""))  # fmt: skip
        except NotFound:
            raise
        except DomainError as error:
            flash(localise(error.message), "error")
            return redirect(url_for(".plan", _anchor=f"{kind}-{record_id}"))
        flash(_l("Your comment is sent to the team."), "success")
        return redirect(url_for(".plan", _anchor=f"{kind}-{record_id}"))

    @blp.route("/samtykker")
    @signed_in
    def consents() -> ResponseReturnValue:
        shown = queries.consents_view(db.session, g.family.id, g.hidden)
        read("consents", "family")
        return render_template("family_portal/consents.html", consents=shown)

    @blp.route("/samtykker/<id:consent_id>/trekk-tilbake", methods=["GET", "POST"])
    @signed_in
    def withdraw(consent_id: int) -> ResponseReturnValue:
        consent = db.session.get(Consent, consent_id)
        if consent is None or consent.family_id != g.family.id:
            raise NotFound()
        if request.method == "GET":
            shown = [c for c in queries.consents_view(db.session, g.family.id, g.hidden)
                     if c["consent"].id == consent.id]  # fmt: skip
            read("consents", "family")
            return render_template("family_portal/withdraw.html", shown=shown[0])
        services.withdraw_consent(db.session, g.family, g.member, consent.id, _today())
        db.session.flush()
        still = (g.family.id, g.member.id) in policy.portal_families(
            db.session, g.member.national_id, _today(), current_app.config
        )
        if not still:
            row = sessions.current(db.session, idporten.settings())  # type: ignore[arg-type]
            sessions.end(row)
        return render_template("family_portal/withdrawn.html", still=still)

    @blp.route("/hvem-har-sett")
    @signed_in
    def who_looked() -> ResponseReturnValue:
        members = dict(db.session.execute(
            select(Member.id, Member.full_name).where(Member.family_id == g.family.id)
        ).all())  # fmt: skip
        rows = access_log.entries(db.session, g.family.id, g.hidden, members)
        read("access_log", "family")
        return render_template("family_portal/who_looked.html", rows=rows)

    @blp.route("/hvem-har-sett/<id:event_id>/spor", methods=["POST"])
    @signed_in
    def flag(event_id: int) -> ResponseReturnValue:
        services.flag_entry(db.session, g.family, g.member, event_id,
                            request.form.get("reason", ""))  # fmt: skip
        flash(_l("Thank you. The municipality's privacy contact will look at it."), "success")
        return redirect(url_for(".who_looked", _anchor=f"entry-{event_id}"))

    @blp.route("/vare-data")
    @signed_in
    def data() -> ResponseReturnValue:
        read("data", "family")
        return render_template("family_portal/data.html")

    @blp.route("/vare-data.json")
    @signed_in
    def data_json() -> ResponseReturnValue:
        package = build_package(db.session, g.family, g.member, _today(), current_app.config)
        audit("export", "family_data", g.member.id, family_id=g.family.id,
              details={"family_portal": True, "member": g.member.id})  # fmt: skip
        return Response(
            package_json(package),
            mimetype="application/json",
            headers={"Content-Disposition": 'attachment; filename="vare-data.json"'},
        )

    @blp.route("/sprak", methods=["POST"])
    def language() -> ResponseReturnValue:
        chosen = request.form.get("language")
        if chosen in FAMILY_LANGUAGES:
            session["language"] = chosen
        target = request.form.get("next", "")
        if not target.startswith(sessions.PREFIX) or "//" in target:
            target = url_for(".index")
        return redirect(target)

    return blp
