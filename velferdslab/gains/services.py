"""The gains service: a family's estimated gains (API, the lead's page, reports, access packages),
the portfolio of the municipalities a user may see (dashboard, API, workbook, PDF), and the
forecast's context for pages and reports — the engine's figures, through the policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pandas as pd
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from velferdslab import policy
from velferdslab.assessments.models import Assessment
from velferdslab.assumptions.models import AssumptionSet
from velferdslab.assumptions.services import get_set, to_params
from velferdslab.auth.current import audit, current_user
from velferdslab.benefits.engine import Priced, compute, evaluate
from velferdslab.benefits.forecast import compute_forecast, family_figures, goals_on_track
from velferdslab.benefits.params import AssumptionParams
from velferdslab.benefits.plan import family_plan
from velferdslab.benefits.results import family_summary, round_money
from velferdslab.benefits.suppression import Suppression
from velferdslab.budgets.models import Budget, Expenditure
from velferdslab.charts.lines import NARROW
from velferdslab.errors import ValidationFailed
from velferdslab.evidence.grade import evidence_fingerprint
from velferdslab.extensions import db
from velferdslab.families.models import Family
from velferdslab.gains import collector
from velferdslab.gains.charts import forecast_chart
from velferdslab.gains.data import EngineInput, load_engine_input
from velferdslab.gains.evidence import evidence_for
from velferdslab.gains.forecast import family_forecast, page_forecast
from velferdslab.gains.kept import Tables, engine_tables
from velferdslab.gains.lasting import family_moves_block, family_waterfall, readings_frame
from velferdslab.gains.page_tables import page_tables
from velferdslab.gains.portfolio import portfolio_report
from velferdslab.gains.presentation import illustrative_values, sensitivity_range
from velferdslab.gains.region import Part, municipality_part, region_report
from velferdslab.memo import Memo
from velferdslab.municipalities.models import Agency, Municipality
from velferdslab.plans.models import Goal
from velferdslab.users.models import User
from velferdslab.vocabulary import LEVELS
from velferdslab.web.labels import FORECAST_STATUS_LABELS


def valuation_date(args: dict[str, Any]) -> dt.date:
    as_of: dt.date = args.get("as_of") or dt.date.today()
    return as_of


def _set_info(row: Any, params: AssumptionParams | None = None) -> dict[str, Any]:
    info = {"id": row.id, "name": row.name, "version": row.version}
    if params is not None:
        info["illustrative"] = illustrative_values(params)
    return info


# The lead's family page shows the family's gains on every visit; they change only when its
# data, the assumption set or the day do, which are all in the key (see page_gains).
_page_gains: Memo[dict[str, Any]] = Memo(256)


def page_gains(
    family: Family,
    assessments: Sequence[Assessment],
    expenditures: Sequence[Expenditure],
    budgets: Sequence[Budget],
    agencies: Sequence[Agency],
    goals: Sequence[Goal],
) -> dict[str, Any]:
    """family_gains for today with the default set, from the records the page has read. Each
    worker keeps the figures keyed by every value they are computed from; treat them as
    read-only."""
    row = get_set(db.session, None)
    today = dt.date.today()
    key = (
        family.id,
        family.reference,
        row.id,
        row.version,
        today,
        tuple((a.id, a.assessed_on, *a.levels().values()) for a in assessments),
        tuple((e.spent_on, e.amount, e.status, e.paying_agency_id) for e in expenditures),
        tuple((b.year, c.agency_id, c.amount) for b in budgets for c in b.contributions),
        tuple((a.id, a.name) for a in agencies),
    )

    def make() -> dict[str, Any]:
        return _page_family_gains(family, assessments, expenditures, budgets, agencies, row, today)

    kept = _page_gains.get_or_make(key, make)
    # The grade rests on the municipality's other families and its cohorts too: asked anew.
    return {**kept, "evidence_grade": evidence_for(db.session, [family.municipality_id],
                                                   today).grade}  # fmt: skip


def _page_family_gains(
    family: Family,
    assessments: Sequence[Assessment],
    expenditures: Sequence[Expenditure],
    budgets: Sequence[Budget],
    agencies: Sequence[Agency],
    row: AssumptionSet,
    as_of: dt.date,
) -> dict[str, Any]:
    """family_gains at as_of from the page's records, without frames (velferdslab.gains.
    page_tables): the same figures, the sums by agency added exactly."""
    prepared, _path = page_tables(family, assessments, expenditures, as_of)
    priced = evaluate(prepared, to_params(row))
    names = {agency.id: agency.name for agency in agencies}
    by_agency: dict[int, Decimal] = {}
    for e in expenditures:
        if e.status.value == "approved" and e.spent_on <= as_of and e.paying_agency_id is not None:
            by_agency[e.paying_agency_id] = by_agency.get(e.paying_agency_id, 0) + e.amount
    given: dict[tuple[int, int], Decimal] = {}
    for budget in budgets:
        for c in budget.contributions:
            given[(budget.year, c.agency_id)] = given.get((budget.year, c.agency_id), 0) + c.amount
    return gains_answer(
        family,
        row,
        as_of,
        priced,
        [(a, names.get(a), float(by_agency[a])) for a in sorted(by_agency)],
        [(y, a, names.get(a), float(given[(y, a)])) for y, a in sorted(given)],
        readings_frame(family.id, assessments),
    )


def family_gains(
    family: Family,
    args: dict[str, Any],
    data: EngineInput | None = None,
    row: AssumptionSet | None = None,
) -> dict[str, Any]:
    """The family's realised and projected gains by payer; `data` and `row` when the caller has
    read them already."""
    as_of = valuation_date(args)
    row = row or get_set(db.session, args.get("assumption_set_id"))
    data = data or load_engine_input(db.session, Family.id == family.id)
    priced = compute(data.assessments, data.expenditures, to_params(row), as_of, [family.id])
    approved = data.expenditures[
        (data.expenditures["status"] == "approved")
        & (pd.to_datetime(data.expenditures["spent_on"]) <= pd.Timestamp(as_of))
    ]
    by_agency = approved.groupby("paying_agency_id")["amount"].sum()
    given = data.contributions.groupby(["year", "agency_id"])["amount"].sum()
    names = dict(zip(data.agencies["agency_id"], data.agencies["name"], strict=True))
    return gains_answer(
        family,
        row,
        as_of,
        priced,
        [(int(a), names.get(a), float(v)) for a, v in by_agency.items()],
        [(int(y), int(a), names.get(a), float(v)) for (y, a), v in given.items()],
        data.assessments,
    )


def gains_answer(
    family: Family,
    row: AssumptionSet,
    as_of: dt.date,
    priced: Priced,
    by_agency: list[tuple[int, str | None, float]],
    given: list[tuple[int, int, str | None, float]],
    assessments: pd.DataFrame,
) -> dict[str, Any]:
    """The answer of family_gains: by_agency (agency id, name, approved spending up to T) and
    given (year, agency id, name, contribution), each in id order; the family's move, the way
    from gross to net and the grade of the evidence."""
    params = priced.params
    return {
        **round_money(family_summary(priced, family.id)),
        "family_id": family.id,
        "reference": family.reference,
        "as_of": as_of,
        "assumption_set": _set_info(row),
        "spending_by_agency": [
            {"agency_id": a, "agency": name, "amount": round(amount, 2)}
            for a, name, amount in by_agency
        ],
        "contributions": [
            {"year": y, "agency_id": a, "agency": name, "amount": round(amount, 2)}
            for y, a, name, amount in given
        ],
        "moves": family_moves_block(assessments, params, family.id, as_of),
        "waterfall": family_waterfall(priced, family.id),
        "evidence_grade": evidence_for(db.session, [family.municipality_id], as_of).grade,
    }


def _portfolio_scope(user: User, requested: int | None) -> Any:
    if requested is not None and not policy.in_scope(user, requested):
        raise ValidationFailed(
            "Outside your scope.", {"municipality_id": ["Not your municipality."]}
        )
    municipality = requested if requested is not None else user.municipality_id
    if municipality is None:
        return None, Family.id.is_not(None)
    return municipality, Family.municipality_id == municipality


def portfolio_figures(args: dict[str, Any]) -> dict[str, Any]:
    report = compute_portfolio(current_user(), args)
    audit("read", "portfolio", details={"municipality_id": report["municipality_id"]})
    return report


# A portfolio is read far more often than its data change: kept per worker under a key of the
# scope, the options and the data's fingerprint, so a warm dashboard skips reading 20 000
# families. Treat the kept reports as read-only.
_portfolios: Memo[dict[str, Any]] = Memo(8)


def compute_portfolio(user: User, args: dict[str, Any]) -> dict[str, Any]:
    """The portfolio report for this user: suppressed unless the user is an auditor."""
    policy.require(user, "portfolio.read")
    with collector.held():  # its many short-lived containers: velferdslab/gains/collector.py
        return _portfolio_for(user, args)


def _portfolio_for(user: User, args: dict[str, Any]) -> dict[str, Any]:
    municipality, where = _portfolio_scope(user, args.get("municipality_id"))
    row = get_set(db.session, args.get("assumption_set_id"))
    suppression = Suppression(
        policy.suppressed_portfolio(user), int(current_app.config["SUPPRESSION_THRESHOLD"])
    )
    as_of = suppression.valuation_date(valuation_date(args))
    # The scope's tables as this worker keeps them, brought up to date by reading only the
    # families whose data changed; their version is the key of the figures made from them.
    tables = engine_tables(db.session, ("portfolio", municipality), where,
                           bulk=municipality is None)  # fmt: skip
    key = (
        municipality,
        user.municipality_id,
        suppression,
        as_of,
        row.id,
        row.version,
        tables.version,
        evidence_fingerprint(db.session),  # the grade: a cohort or a registration added
    )
    return _portfolios.get_or_make(
        key,
        lambda: _compute_portfolio(municipality, tables, row, as_of, suppression),
        supersedes=key[:-2],  # the same view of older data is never asked for again
    )


# Each municipality's own report within the region, kept under its own families' version: after
# a change in one municipality the region's view makes only that one's again.
_parts: Memo[Part] = Memo(128)


def _compute_portfolio(
    municipality: int | None,
    tables: Tables,
    row: AssumptionSet,
    as_of: dt.date,
    suppression: Suppression,
) -> dict[str, Any]:
    data = tables.data
    params = to_params(row)
    if municipality is None:
        versions = tables.versions_by("municipality_id")
        rule = (row.id, row.version, as_of, suppression.applied, suppression.threshold)

        def part(municipality_id: int) -> Part:
            return _parts.get_or_make(
                (versions[municipality_id], municipality_id, *rule),
                lambda: municipality_part(data, municipality_id, params, as_of, suppression),
                supersedes=(municipality_id, *rule),  # its older data's part: never again
            )

        report = region_report(data, params, as_of, suppression, part=part)
    else:
        report = portfolio_report(data, params, as_of, suppression)
    if report["by_municipality"]:
        names = dict(db.session.execute(select(Municipality.id, Municipality.name)).all())
        for line in report["by_municipality"]:
            line["municipality"] = names.get(line["municipality_id"])
        report["by_municipality"].sort(key=lambda line: str(line["municipality"]))
    scope = sorted(int(m) for m in data.families["municipality_id"].unique())
    return {
        **report,
        "evidence_grade": evidence_for(db.session, scope, as_of).grade,
        "municipality_id": municipality,
        "assumption_set": _set_info(row, params),
        "sensitivity_range": sensitivity_range(report["sensitivity"]),
    }


def _lead_name(family: Family) -> str | None:
    if family.investment_lead_id is None:
        return None
    return db.session.scalar(select(User.full_name).where(User.id == family.investment_lead_id))


def family_page_context(
    family: Family,
    assessments: Sequence[Assessment],
    expenditures: Sequence[Expenditure],
    goals: Sequence[Goal],
) -> dict[str, Any]:
    """What the lead's family page adds: the forecast (as the API answers it) and its chart."""
    forecast = page_forecast(family, assessments, expenditures, goals)
    return {
        "forecast": forecast,
        "forecast_chart": forecast_chart(forecast["series"], family.reference),
        # the same chart drawn for a phone's width, shown there instead (letters ≥ 9 px)
        "forecast_chart_narrow": forecast_chart(forecast["series"], family.reference, NARROW),
        "forecast_labels": {k: str(v) for k, v in FORECAST_STATUS_LABELS.items()},
        "LEVEL_INDEX": {name: index for index, name in enumerate(LEVELS)},
    }


def family_plan_rows(
    family: Family, data: EngineInput, row: AssumptionSet, as_of: dt.date
) -> dict[str, Any]:
    """The family's gevinstrealiseringsplan: its goals with owner, baseline, target, expected
    and measured gains, rounded as shown."""
    params = to_params(row)
    forecast = compute_forecast(
        data.assessments, data.expenditures, data.goals, params, as_of, [family.id]
    )
    statuses = {d: v["status"] for d, v in family_figures(forecast, family.id)["domains"].items()}
    plan = family_plan(data.assessments, data.goals, params, as_of, family.id, statuses)
    rows: list[dict[str, Any]] = round_money(plan)
    return {
        "owner": _lead_name(family),
        "reference": family.reference,
        "as_of": as_of,
        "goals": rows,
        "on_track": goals_on_track(forecast, [family.id]),
    }


def family_report_forecast(
    family: Family, as_of: dt.date, assumption_set: AssumptionSet
) -> dict[str, Any]:
    """The family PDF's forecast section and plan: the API's figures, the same chart."""
    data = load_engine_input(db.session, Family.id == family.id)
    forecast = family_forecast(family, as_of, data=data, row=assumption_set)
    return {
        "forecast": forecast,
        "forecast_chart": forecast_chart(forecast["series"], family.reference),
        "forecast_labels": {k: str(v) for k, v in FORECAST_STATUS_LABELS.items()},
        "plan": family_plan_rows(family, data, assumption_set, as_of),
    }


def audit_forecast(
    municipality_id: int, as_of: dt.date, assumption_set: AssumptionSet, references: dict[int, str]
) -> dict[str, Any]:
    """For the audit report: per family it may see, promised, forecast-to-date and actual
    figures with the variance and goals on track, and the municipality's totals and chart."""
    from velferdslab.gains.forecast import forecast_block

    params = to_params(assumption_set)
    data = load_engine_input(db.session, Family.municipality_id == municipality_id)
    forecast = compute_forecast(
        data.assessments, data.expenditures, data.goals, params, as_of, data.family_ids
    )
    rows = []
    known = set(data.family_ids)
    for family_id, reference in sorted(references.items(), key=lambda item: item[1]):
        if family_id not in known:
            continue
        figures = round_money(family_figures(forecast, family_id))
        goals = goals_on_track(forecast, [family_id])
        rows.append(
            {
                "reference": reference,
                "promise_date": figures["promise"]["promise_date"],
                "promised": figures["promise"]["socioeconomic_npv"],
                "forecast": figures["forecast"]["socioeconomic_npv"],
                "actual": figures["actual"]["socioeconomic_npv"],
                "variance": figures["variance"]["socioeconomic_npv"],
                "goals": goals["goals"],
                "on_track_or_ahead": goals["on_track_or_ahead"],
            }
        )
    block = forecast_block(forecast, params, Suppression.off())
    return {
        "families": rows,
        "block": block,
        "chart": forecast_chart(block["series"], str(_l("the municipality"))),
    }
