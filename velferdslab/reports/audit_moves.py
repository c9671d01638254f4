"""The audit report's section on lasting moves and the way from gross to net (issue 28): the
municipality's counts with their denominator, each family's move by reference code, and the
bars from gross to net with their parameters and sources — for an auditor, nothing hidden."""

from __future__ import annotations

import datetime as dt
from typing import Any

from velferdslab.assumptions.models import AssumptionSet
from velferdslab.assumptions.services import to_params
from velferdslab.benefits.engine import evaluate, prepare
from velferdslab.benefits.moves import status_at
from velferdslab.benefits.suppression import Suppression
from velferdslab.extensions import db
from velferdslab.families.models import Family
from velferdslab.gains.data import load_engine_input
from velferdslab.gains.evidence import evidence_for
from velferdslab.gains.lasting import moves_block, portfolio_spells, portfolio_waterfall


def audit_moves(
    municipality_id: int, as_of: dt.date, assumption_set: AssumptionSet, references: dict[int, str]
) -> dict[str, Any]:
    params = to_params(assumption_set)
    data = load_engine_input(db.session, Family.municipality_id == municipality_id)
    moves = portfolio_spells(data.assessments, data.families, params)
    block = moves_block(moves, params, as_of, Suppression.off())
    priced = evaluate(prepare(data.assessments, data.expenditures, as_of, data.family_ids), params)
    table = status_at(moves, as_of)
    families = [
        {
            "reference": references[int(row.family_id)],
            "status": row.status,
            "reached_on": row.reached_on,
            "lasting_since": row.lasting_since,
            "fell_back_on": row.fell_back_on,
        }
        for row in table.itertuples()
        if int(row.family_id) in references
    ]
    return {
        "moves": block,
        "families": sorted(families, key=lambda line: line["reference"]),
        "waterfall": portfolio_waterfall(priced, hidden=False),
        "evidence_grade": evidence_for(db.session, [municipality_id], as_of).grade,
    }
