"""The evidence page: the lab's estimated effect against its comparison cohort, in plain words
with its interval, the chart of both groups' shares (to judge parallel trends), the upload of a
cohort, and the lab's pre-registration with every version and its date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from velferdslab import policy
from velferdslab.charts.evidence import COHORT_COLOUR, LAB_COLOUR, Marks, Series, shares_chart_svg
from velferdslab.charts.lines import NARROW, WIDE, Frame
from velferdslab.errors import DomainError
from velferdslab.evidence import cohorts as cohort_service
from velferdslab.evidence import preregistration as registry
from velferdslab.evidence.estimate import Evidence, estimate_for, in_words, overall_rule
from velferdslab.evidence.forms import INDICATOR_LABELS, CohortForm, PreregistrationForm
from velferdslab.evidence.services import MIN_FAMILIES
from velferdslab.extensions import db
from velferdslab.formatting import format_date, oslo_today
from velferdslab.municipalities.models import Municipality
from velferdslab.web.auth import login_required
from velferdslab.web.i18n import show_errors
from velferdslab.web.navigation import current_language


def chosen_municipality() -> int | None:
    value = request.args.get("municipality_id", "")
    return int(value[:10]) if value.isdigit() else None


def evidence_chart(evidence: Evidence, language: str, frame: Frame = WIDE) -> str | None:
    """Both groups' shares per quarter end, the estimate's quarters marked."""
    if not evidence.series:
        return None
    ends = [row["quarter_end"] for row in evidence.series]
    labels = [format_date(end, language) for end in ends]
    chosen = evidence.quarters

    def index(day: dt.date | None) -> int | None:
        return ends.index(day) if day in ends else None

    return shares_chart_svg(
        labels,
        [
            Series(gettext("The lab"), [r["lab"]["share"] for r in evidence.series], LAB_COLOUR),
            Series(
                gettext("Comparison cohort"),
                [r["cohort"]["share"] for r in evidence.series],
                COHORT_COLOUR,
                dash="6 4",
                square=True,
            ),
        ],
        Marks(
            index(chosen[0]) if chosen else None,
            index(chosen[1]) if chosen else None,
            gettext("baseline"),
            gettext("later"),
        ),
        title=gettext("Share at stable or better: the lab and its comparison cohort"),
        description=gettext(
            "Per quarter end, the share of each group's families at stable or better. Lines "
            "that ran parallel before the lab's work began make the estimate more credible. "
            "A gap in a line: fewer than 5 families that quarter."
        ),
        language=language,
        frame=frame,
    )


def create_blueprint() -> Blueprint:
    blp = Blueprint("evidence_pages", __name__, url_prefix="/evidence")

    @blp.route("", methods=["GET"])
    @login_required
    def index() -> ResponseReturnValue:
        user = policy.require_page(g.user, "pages.evidence")
        if user.municipality_id is None and chosen_municipality() is None:
            # A regional user chooses the lab first: the evidence is a municipality's.
            municipalities = db.session.scalars(select(Municipality).order_by(Municipality.name))
            return render_template("evidence/choose.html", municipalities=list(municipalities))
        municipality_id = policy.evidence_municipality_or_404(user, chosen_municipality())
        return _page(user, municipality_id, CohortForm(), PreregistrationForm())

    @blp.route("/cohorts", methods=["POST"])
    @login_required
    def upload() -> ResponseReturnValue:
        user = policy.require_page(g.user, "pages.evidence")
        municipality_id = policy.evidence_municipality_or_404(
            user, chosen_municipality(), "cohorts.upload"
        )
        form = CohortForm()
        if form.validate_on_submit():
            try:
                cohort_service.store_cohort(
                    db.session, user.id, municipality_id, form.name.data, form.file.data.filename,
                    form.file.data.read(), language=current_language(),
                )  # fmt: skip
                flash(_l("The comparison cohort was stored."), "success")
                return redirect(url_for(".index", municipality_id=request.args.get(
                    "municipality_id")))  # fmt: skip
            except DomainError as error:
                show_errors(form, error, "file")
        return _page(user, municipality_id, form, PreregistrationForm(formdata=None), 422)

    @blp.route("/preregistrations", methods=["POST"])
    @login_required
    def preregister() -> ResponseReturnValue:
        user = policy.require_page(g.user, "pages.evidence")
        municipality_id = policy.evidence_municipality_or_404(
            user, chosen_municipality(), "preregistration.write"
        )
        form = PreregistrationForm()
        if form.validate_on_submit():
            share = form.indicator.data == "share_stable_or_better"
            value = float(form.target.data or 0) / (100 if share else 1)
            data: dict[str, Any] = {
                "indicator": form.indicator.data, "baseline_on": form.baseline_on.data,
                "horizon_on": form.horizon_on.data, "note": form.note.data or "",
                "targets": [{"value": value, "by": form.target_by.data}],
            }  # fmt: skip
            try:
                registry.register(db.session, user.id, municipality_id, data)
                flash(_l("The pre-registration was stored as a new version."), "success")
                return redirect(url_for(".index", municipality_id=request.args.get(
                    "municipality_id")))  # fmt: skip
            except DomainError as error:
                show_errors(form, error, "note")
        return _page(user, municipality_id, CohortForm(formdata=None), form, 422)

    return blp


def _page(
    user: Any, municipality_id: int, cohort_form: CohortForm,
    registration_form: PreregistrationForm, status: int = 200,
) -> ResponseReturnValue:  # fmt: skip
    language = current_language()
    evidence = estimate_for(
        db.session, [municipality_id], oslo_today(), overall_rule(db.session),
        suppressed=policy.suppressed_portfolio(user),
    )  # fmt: skip
    return render_template(
        "evidence/index.html",
        evidence=evidence,
        words=in_words(evidence, language),
        chart=evidence_chart(evidence, language),
        chart_narrow=evidence_chart(evidence, language, NARROW),
        cohorts=cohort_service.cohorts_in(db.session, [municipality_id]),
        versions=registry.versions(db.session, [municipality_id]),
        indicators=INDICATOR_LABELS,
        cohort_form=cohort_form if policy.may_upload_cohort(user, municipality_id) else None,
        registration_form=registration_form
        if policy.may_evidence(user, "preregistration.write")
        else None,
        municipality_id=request.args.get("municipality_id"),
        threshold=MIN_FAMILIES,
    ), status
