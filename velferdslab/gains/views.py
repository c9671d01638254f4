"""The leader's dashboard: the portfolio report as a page, with charts and an Excel download."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, g, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from velferdslab import policy
from velferdslab.benefits.suppression import Suppression
from velferdslab.charts.lines import NARROW
from velferdslab.extensions import db
from velferdslab.gains.charts import portfolio_charts, portfolio_forecast_chart, quarter_labels
from velferdslab.gains.excel import XLSX, portfolio_workbook
from velferdslab.gains.services import portfolio_figures
from velferdslab.missions.dashboard import mission_lights
from velferdslab.municipalities.models import Municipality
from velferdslab.web.auth import login_required
from velferdslab.web.labels import PARAMETER_LABELS


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
    charts = portfolio_charts(report)
    charts["forecast"] = portfolio_forecast_chart(report)
    charts["forecast_narrow"] = portfolio_forecast_chart(report, NARROW)  # a phone's, page only
    return quarter_labels(report), charts


def quarter_ends(today: dt.date, count: int = 20) -> list[dt.date]:
    """The quarter ends a leader may choose, newest first: figures under the suppression rule
    are given at quarter ends only (velferdslab.benefits.suppression.Suppression)."""
    rule = Suppression(applied=True)
    ends = [rule.valuation_date(today)]
    while len(ends) < count:
        ends.append(rule.valuation_date(ends[-1] - dt.timedelta(days=1)))
    return ends


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
            regional=user.municipality_id is None,
            args=args,
            quarters=quarters,
            quarter_ends=quarter_ends(dt.date.today()),
            parameter_labels=PARAMETER_LABELS,
            missions=mission_lights(user, args.get("as_of")),
        )

    @blp.route("/dashboard.xlsx")
    @login_required
    def download() -> ResponseReturnValue:
        _viewer()
        report = portfolio_figures(_args())
        response = Response(portfolio_workbook(report), mimetype=XLSX)
        response.headers["Content-Disposition"] = 'attachment; filename="portefolje.xlsx"'
        response.headers["Cache-Control"] = "no-store"  # figures about children: never cached
        return response

    return blp
