"""The audit report's content: every expenditure with its approval trail, budget against actual
per family and per agency, the calculation trail per family by reference code, and a summary of
the access log. No family member's name and no national id is ever read here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from flask_babel import get_locale
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from velferdslab import policy
from velferdslab.assumptions.models import AssumptionSet
from velferdslab.assumptions.services import described, to_params
from velferdslab.audit.models import AuditEvent
from velferdslab.audit.services import chain_status
from velferdslab.audit.spending import within_mandate_clause
from velferdslab.benefits.engine import evaluate, prepare
from velferdslab.benefits.levels import overall
from velferdslab.benefits.results import family_summary, round_money, summarise
from velferdslab.budgets.models import Budget, Contribution, Expenditure
from velferdslab.db import utcnow
from velferdslab.evidence.reporting import preregistrations_for_report
from velferdslab.extensions import db
from velferdslab.families.models import Family
from velferdslab.gains.data import load_engine_input
from velferdslab.gains.services import audit_forecast
from velferdslab.municipalities.models import Agency, Municipality
from velferdslab.reports.audit_moves import audit_moves
from velferdslab.users.models import User
from velferdslab.vocabulary import DOMAINS, LEVELS, ExpenditureStatus

Progress = Callable[[int], None]
TRAIL_FIGURES = ("spending", "fiscal_npv", "socioeconomic_npv")


def audit_content(
    user: User,
    municipality: Municipality,
    period: tuple[dt.date, dt.date],
    as_of: dt.date,
    assumption_set: AssumptionSet,
    progress: Progress,
) -> dict[str, Any]:
    visible = policy.visible_families(user, "gains.read", dt.date.today())
    in_municipality = Family.municipality_id == municipality.id
    references = dict(
        db.session.execute(
            select(Family.id, Family.reference).where(in_municipality, visible)
        ).all()
    )
    progress(10)
    expenditures = _expenditures(municipality, period, references)
    progress(25)
    trail, totals = _calculation_trail(municipality, as_of, assumption_set, references, progress)
    return {
        "municipality": municipality.name,
        "period_start": period[0],
        "period_end": period[1],
        "as_of": as_of,
        "expenditures": expenditures["rows"],
        "hidden_expenditures": expenditures["hidden"],
        "period_sums": expenditures["sums"],
        "period_counts": expenditures["counts"],
        "chain": _chain_state(),
        "budgets": _budgets(municipality, period, references),
        "agencies": _agencies(municipality, period),
        "calculation_trail": trail,
        # Each family's journey as runs of equal levels, for the page (the CSV has every date).
        "journeys": {row["reference"]: level_runs(row["path"]) for row in trail},
        "totals": totals,
        "access_log": _access_summary(municipality, period),
        "assumption_set": described(assumption_set, str(get_locale() or "nb")),
        "forecast": audit_forecast(municipality.id, as_of, assumption_set, references),
        "moves_section": audit_moves(municipality.id, as_of, assumption_set, references),
        "preregistrations": preregistrations_for_report(
            db.session, municipality.id, str(get_locale() or "nb")
        ),
    }


def _expenditures(
    municipality: Municipality, period: tuple[dt.date, dt.date], references: dict[int, str]
) -> dict[str, Any]:
    requester, decider = aliased(User), aliased(User)
    # Plain rows, not Expenditure objects: 2 751 of them for W-lab (issue 30).
    rows = db.session.execute(
        select(
            Expenditure.id,
            Expenditure.family_id,
            Expenditure.spent_on,
            Expenditure.amount,
            Expenditure.description,
            Expenditure.status,
            Expenditure.created_at,
            Expenditure.requested_by,
            Expenditure.decided_by,
            Expenditure.decided_at,
            Expenditure.decision_note,
            Agency.name.label("agency"),
            requester.username.label("requester"),
            requester.full_name.label("requester_name"),
            decider.username.label("decider"),
            decider.full_name.label("decider_name"),
            within_mandate_clause().label("within_mandate"),
        )
        .join(Family, Family.id == Expenditure.family_id)
        .join(Agency, Agency.id == Expenditure.paying_agency_id)
        .join(requester, requester.id == Expenditure.requested_by)
        .outerjoin(decider, decider.id == Expenditure.decided_by)
        .where(
            Family.municipality_id == municipality.id,
            Expenditure.spent_on.between(*period),
        )
        .order_by(Expenditure.spent_on, Expenditure.id)
    ).all()
    shown, hidden = [], {"count": 0, "amount": 0.0, "approved": 0.0}
    sums = {"approved": 0.0, "pending": 0.0, "rejected": 0.0}
    counts = {"approved": 0, "pending": 0, "rejected": 0}
    for row in rows:
        status = ExpenditureStatus(row.status).value
        amount = float(row.amount)
        sums[status] = round(sums[status] + amount, 2)
        counts[status] += 1
        if row.family_id not in references:
            # Strictly confidential: counted, never described.
            hidden["count"] += 1
            hidden["amount"] = round(hidden["amount"] + amount, 2)
            if status == "approved":
                hidden["approved"] = round(hidden["approved"] + amount, 2)
            continue
        shown.append(
            {
                "id": row.id,
                "reference": references[row.family_id],
                "spent_on": row.spent_on,
                "amount": round(amount, 2),
                "description": row.description,
                "agency": row.agency,
                "status": status,
                "requested_by": row.requester,
                "requested_by_name": row.requester_name,
                "requested_at": row.created_at,
                "decided_by": row.decider,
                "decided_by_name": row.decider_name,
                "decided_at": row.decided_at,
                "decision_note": row.decision_note or "",
                "within_mandate": bool(row.within_mandate),
            }
        )
    return {"rows": shown, "hidden": hidden, "sums": sums, "counts": counts}


def _budgets(
    municipality: Municipality, period: tuple[dt.date, dt.date], references: dict[int, str]
) -> list[dict[str, Any]]:
    spent = (
        select(
            Expenditure.budget_id,
            func.sum(Expenditure.amount).filter(Expenditure.status == "approved").label("approved"),
            func.sum(Expenditure.amount).filter(Expenditure.status == "pending").label("pending"),
        )
        .group_by(Expenditure.budget_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Budget.family_id, Budget.year, Budget.amount, spent.c.approved, spent.c.pending)
        .join(Family, Family.id == Budget.family_id)
        .outerjoin(spent, spent.c.budget_id == Budget.id)
        .where(
            Family.municipality_id == municipality.id,
            Budget.year.between(period[0].year, period[1].year),
            Budget.family_id.in_(list(references)),
        )
        .order_by(Family.reference, Budget.year)
    ).all()
    return [
        {
            "reference": references[family_id],
            "year": year,
            "budget": round(float(amount), 2),
            "approved": round(float(approved or 0), 2),
            "pending": round(float(pending or 0), 2),
            "remaining": round(float(amount) - float(approved or 0), 2),  # as in the API
        }
        for family_id, year, amount, approved, pending in rows
    ]


def _agencies(municipality: Municipality, period: tuple[dt.date, dt.date]) -> list[dict[str, Any]]:
    """Contributions in the period's years against approved spending in the period, per agency,
    over every family of the municipality (strictly confidential ones included, in sums)."""
    mine = Family.municipality_id == municipality.id
    given = dict(
        db.session.execute(
            select(Contribution.agency_id, func.sum(Contribution.amount))
            .join(Budget, Budget.id == Contribution.budget_id)
            .join(Family, Family.id == Budget.family_id)
            .where(mine, Budget.year.between(period[0].year, period[1].year))
            .group_by(Contribution.agency_id)
        ).all()
    )
    spent = dict(
        db.session.execute(
            select(Expenditure.paying_agency_id, func.sum(Expenditure.amount))
            .join(Family, Family.id == Expenditure.family_id)
            .where(
                mine,
                Expenditure.approved_by(period[1]),
                Expenditure.spent_on >= period[0],
            )
            .group_by(Expenditure.paying_agency_id)
        ).all()
    )
    names = dict(db.session.execute(select(Agency.id, Agency.name)).all())
    return [
        {
            "agency": names.get(agency_id, str(agency_id)),
            "contributed": round(float(given.get(agency_id) or 0), 2),
            "spent": round(float(spent.get(agency_id) or 0), 2),
        }
        for agency_id in sorted(set(given) | set(spent), key=lambda a: names.get(a, ""))
    ]


def _calculation_trail(
    municipality: Municipality,
    as_of: dt.date,
    assumption_set: AssumptionSet,
    references: dict[int, str],
    progress: Progress,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    params = to_params(assumption_set)
    data = load_engine_input(db.session, Family.municipality_id == municipality.id)
    ids = data.family_ids
    priced = evaluate(prepare(data.assessments, data.expenditures, as_of, ids), params)
    progress(40)
    paths = _paths(data.assessments, as_of, params.overall_rule)
    trail = []
    priced_ids = set(ids)
    shown = sorted((ref, fid) for fid, ref in references.items() if fid in priced_ids)
    for number, (reference, family_id) in enumerate(shown, start=1):
        figures = round_money(family_summary(priced, family_id))
        trail.append(
            {
                "reference": reference,
                "baseline": figures["baseline"],
                "baseline_overall": figures["baseline_overall"],
                "current": figures["current"],
                "current_overall": figures["current_overall"],
                "path": paths.get(family_id, []),
                "realised": figures["realised"]["total"],
                "projected_pv": figures["projected_pv"]["total"],
                **{key: figures[key] for key in TRAIL_FIGURES},
            }
        )
        if number % 25 == 0:
            progress(40 + int(45 * number / len(shown)))
    everyone = round_money(summarise(priced))
    totals = {
        "families": len(ids),
        "shown": len(trail),
        "realised": everyone["realised"]["total"],
        "projected_pv": everyone["projected_pv"]["total"],
        **{key: everyone[key] for key in TRAIL_FIGURES},
    }
    progress(85)
    return trail, totals


def _paths(assessments: pd.DataFrame, as_of: dt.date, rule: str) -> dict[int, list[dict[str, Any]]]:
    """Each family's overall level at each assessment, domains carried forward."""
    if assessments.empty:
        return {}
    frame = assessments[assessments["assessed_on"] <= pd.Timestamp(as_of)]
    frame = frame.sort_values(["family_id", "assessed_on", "assessment_id"])
    levels = frame.groupby("family_id")[list(DOMAINS)].ffill().fillna(-1).to_numpy()
    paths: dict[int, list[dict[str, Any]]] = {}
    for family_id, on, row in zip(frame["family_id"], frame["assessed_on"], levels, strict=True):
        level = overall(np.asarray(row, dtype=int), rule)
        paths.setdefault(int(family_id), []).append(
            {"on": on.date(), "overall": None if level is None else LEVELS[level]}
        )
    return paths


def level_runs(path: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A journey written compactly: consecutive assessments at the same overall level make one
    run, with how many there were and the first and last date (a family read quarterly for
    four years is five runs, not sixteen dated lines)."""
    runs: list[dict[str, Any]] = []
    for step in path:
        if runs and runs[-1]["overall"] == step["overall"]:
            runs[-1]["count"] += 1
            runs[-1]["last"] = step["on"]
        else:
            runs.append(
                {"overall": step["overall"], "count": 1, "first": step["on"], "last": step["on"]}
            )
    return runs


def _access_summary(municipality: Municipality, period: tuple[dt.date, dt.date]) -> dict[str, Any]:
    start = dt.datetime.combine(period[0], dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(period[1] + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    own_families = select(Family.id).where(Family.municipality_id == municipality.id)
    about_families = (
        AuditEvent.at >= start,
        AuditEvent.at < end,
        AuditEvent.family_id.in_(own_families),
    )
    by_action = db.session.execute(
        select(AuditEvent.action, AuditEvent.entity, func.count())
        .where(*about_families)
        .group_by(AuditEvent.action, AuditEvent.entity)
        .order_by(func.count().desc(), AuditEvent.action, AuditEvent.entity)
    ).all()
    by_user = db.session.execute(
        select(
            User.username,
            User.full_name,
            func.count(),
            func.count(func.distinct(AuditEvent.family_id)),
        )
        .join(User, User.id == AuditEvent.user_id)
        .where(*about_families)
        .group_by(User.username, User.full_name)
        .order_by(func.count().desc(), User.username)
    ).all()
    failed_logins = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.at >= start,
            AuditEvent.at < end,
            AuditEvent.action == "login_failed",
            AuditEvent.user_id.in_(select(User.id).where(User.municipality_id == municipality.id)),
        )
    )
    return {
        "events": sum(count for _, _, count in by_action),
        "by_action": [{"action": a, "entity": e, "count": c} for a, e, c in by_action],
        "by_user": [{"user": u, "name": n, "events": c, "families": f} for u, n, c, f in by_user],
        "failed_logins": int(failed_logins or 0),
    }


def _chain_state() -> dict[str, Any]:
    """The audit log's hash chain as verified when the report's data were read."""
    report = chain_status(db.session)
    return {
        "intact": report.intact,
        "checked": report.checked,
        "first_broken_id": report.first_broken_id,
        "verified_at": utcnow(),
    }
