"""/families/{id}/gains and /reports/portfolio: the engine's figures, through the policy."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response
from flask_smorest import Blueprint

from velferdslab import policy
from velferdslab.api.common import Date, QueryId, document_errors
from velferdslab.auth.current import audit, current_user
from velferdslab.extensions import db
from velferdslab.gains.excel import XLSX, portfolio_workbook
from velferdslab.gains.forecast import family_forecast
from velferdslab.gains.portfolio_schemas import PortfolioSchema
from velferdslab.gains.schemas import ForecastSchema, GainsSchema
from velferdslab.gains.services import (
    family_gains,
    portfolio_figures,
    valuation_date,
)


class GainsQuerySchema(ma.Schema):
    as_of = Date(metadata={"description": "Valuation date T; default today."})
    assumption_set_id = QueryId(metadata={"description": "Default: the newest standard set."})


class PortfolioQuerySchema(GainsQuerySchema):
    as_of = Date(
        metadata={
            "description": "Valuation date T; default today. For a reader whose figures are "
            "suppressed (a leader), the last quarter end on or before it: the answer's `as_of` "
            "says which."
        }
    )
    municipality_id = QueryId(
        metadata={
            "description": "The municipality; without it, the user's own, or for a regional user "
            "every municipality they may see, together."
        }
    )


def create_blueprint() -> Blueprint:
    blp = Blueprint(
        "gains",
        __name__,
        url_prefix="/api/v1",
        description="Estimated gains (benefit-model.md) for a family and for a portfolio.",
    )

    @blp.route("/families/<id:family_id>/gains", methods=["GET"])
    @blp.arguments(GainsQuerySchema, location="query")
    @blp.response(200, GainsSchema)
    @document_errors(blp, 401, 404)
    def gains(args: dict[str, Any], family_id: int) -> dict[str, Any]:
        """Realised and projected gains, NPV, BCR and payback of one family, and who gains."""
        family = policy.family_or_404(db.session, current_user(), family_id, "gains.read")
        audit("read", "gains", family.id, family_id=family.id)
        return family_gains(family, args)

    @blp.route("/families/<id:family_id>/gains/forecast", methods=["GET"])
    @blp.arguments(GainsQuerySchema, location="query")
    @blp.response(200, ForecastSchema)
    @document_errors(blp, 401, 404)
    def gains_forecast(args: dict[str, Any], family_id: int) -> dict[str, Any]:
        """What the plan's goals promise against what happened (benefit-model.md, "Forecast"):
        the forecast at T, the promise at T*, the variance, each domain against the plan and
        the quarterly series of realised savings, planned and actual."""
        family = policy.family_or_404(db.session, current_user(), family_id, "gains.read")
        audit("read", "gains_forecast", family.id, family_id=family.id)
        return family_forecast(family, valuation_date(args), args.get("assumption_set_id"))

    @blp.route("/reports/portfolio", methods=["GET"])
    @blp.arguments(PortfolioQuerySchema, location="query")
    @blp.response(200, PortfolioSchema)
    @document_errors(blp, 401, 403)
    def portfolio(args: dict[str, Any]) -> dict[str, Any]:
        """The portfolio in figures; for leaders every cell under 5 families is suppressed."""
        return portfolio_figures(args)

    @blp.route("/reports/portfolio.xlsx", methods=["GET"])
    @blp.arguments(PortfolioQuerySchema, location="query")
    @blp.response(200, content_type=XLSX, description="The portfolio report as a workbook.")
    @document_errors(blp, 401, 403)
    def portfolio_xlsx(args: dict[str, Any]) -> Response:
        """The same report as an Excel workbook, suppressed alike."""
        report = portfolio_figures(args)
        response = Response(portfolio_workbook(report), mimetype=XLSX)
        response.headers["Content-Disposition"] = 'attachment; filename="portfolio.xlsx"'
        response.headers["Cache-Control"] = "no-store"
        return response

    return blp
