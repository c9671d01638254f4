"""The leader's dashboard: the portfolio report as a page, with charts and an Excel download."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from velferdslab import policy
from velferdslab.charts.portfolio import levels_over_time_svg, tornado_svg
from velferdslab.extensions import db
from velferdslab.gains.api import XLSX, portfolio_figures
from velferdslab.gains.excel import portfolio_workbook
from velferdslab.municipalities.models import Municipality
from velferdslab.web.auth import login_required
from velferdslab.web.labels import LEVEL_LABELS

PARAMETER_LABELS = {
    "success_rate": _l("success rate"),
    "deadweight": _l("deadweight"),
    "attribution": _l("attribution"),
    "drop_off": _l("drop-off"),
    "tax_financing_cost": _l("tax financing cost"),
    "discount_rate": _l("discount rate"),
    "cost_unsustainable": _l("cost at unsustainable"),
    "cost_exposed": _l("cost at exposed"),
    "cost_stable": _l("cost at stable"),
    "cost_sustainable": _l("cost at sustainable"),
}


def _args() -> dict[str, Any]:
    args: dict[str, Any] = {}
    try:
        if request.args.get("as_of"):
            args["as_of"] = dt.date.fromisoformat(request.args["as_of"][:10])
        if request.args.get("municipality_id", "").isdigit():
            args["municipality_id"] = int(request.args["municipality_id"][:10])
    except ValueError:
        pass  # a malformed filter falls back to the default view
    return args


def dashboard_charts(report: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """The dashboard's charts, drawn once for the page and the portfolio PDF alike."""
    distribution = report["level_distribution"]
    quarters = [q.strftime("%m.%Y") for q in distribution.get("quarters", [])]
    counts = [[c["value"] for c in row] for row in distribution.get("cells", [])]
    levels = [str(label) for label in LEVEL_LABELS]
    charts = {
        "levels": levels_over_time_svg(
            quarters, counts, levels, str(_l("Families per overall level"))
        )
        if quarters
        else "",
        "tornado": tornado_svg(
            report["sensitivity"],
            {k: str(v) for k, v in PARAMETER_LABELS.items()},
            str(_l("Sensitivity of the socioeconomic NPV")),
        )
        if report["sensitivity"]
        else "",
    }
    return quarters, charts


def _viewer() -> Any:
    return policy.require_page(g.user, "pages.dashboard")


def create_blueprint() -> Blueprint:
    blp = Blueprint("leader_pages", __name__)

    @blp.route("/dashboard")
    @login_required
    def dashboard() -> ResponseReturnValue:
        user = _viewer()
        args = _args()
        report = portfolio_figures(args)
        quarters, charts = dashboard_charts(report)
        municipalities = db.session.scalars(
            select(Municipality)
            .where(policy.scope_filter(user, Municipality.id))
            .order_by(Municipality.name)
        ).all()
        return render_template(
            "leader/dashboard.html",
            report=report,
            charts=charts,
            municipalities=municipalities,
            args=args,
            quarters=quarters,
            parameter_labels=PARAMETER_LABELS,
        )

    @blp.route("/dashboard.xlsx")
    @login_required
    def download() -> ResponseReturnValue:
        _viewer()
        report = portfolio_figures(_args())
        response = Response(portfolio_workbook(report), mimetype=XLSX)
        response.headers["Content-Disposition"] = 'attachment; filename="portefolje.xlsx"'
        return response

    return blp
