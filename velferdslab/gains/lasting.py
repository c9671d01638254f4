"""The `moves`, `waterfall` and `evidence_grade` blocks of a family's gains and of the portfolio
(benefit-model.md, "Lasting moves, the way from gross to net, and the evidence behind a
figure"): the engine's lasting moves and waterfall told as the API, the pages, the PDFs and the
workbook give them, the portfolio's counts suppressed by its rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from velferdslab.benefits.analytics import quarter_ends
from velferdslab.benefits.engine import Priced
from velferdslab.benefits.moves import (
    NONE_DAY,
    NOT_ASSESSED,
    STATUSES,
    Moves,
    count_matrix,
    family_moves,
    move_spells,
)
from velferdslab.benefits.params import AssumptionParams
from velferdslab.benefits.results import round_money
from velferdslab.benefits.suppression import Suppression, open_table
from velferdslab.benefits.waterfall import waterfall
from velferdslab.gains.page_tables import readings_of
from velferdslab.vocabulary import DOMAINS

COLUMNS: tuple[str, ...] = (*STATUSES, NOT_ASSESSED)
# Families at stable after a move: lasting and not yet lasting (the headline's "of").
AFTER_A_MOVE = ((0, 1),)


def enrolled(families: pd.DataFrame) -> pd.Series:
    """Every family ever enrolled (intention to treat: concluded and withdrawn ones stay), its
    enrolment date by family id; a family withdrawn before enrolment never was in the lab."""
    if "enrolled_on" not in families.columns or families.empty:
        return pd.Series([], dtype="datetime64[ns]")
    chosen = families[families["enrolled_on"].notna()]
    return pd.Series(
        pd.to_datetime(chosen["enrolled_on"]).to_numpy(),
        index=chosen["family_id"].to_numpy(np.int64),
    )


def portfolio_spells(
    assessments: pd.DataFrame, families: pd.DataFrame, params: AssumptionParams
) -> Moves:
    ever = enrolled(families)
    return move_spells(assessments, ever.index, params.overall_rule, params.sustain_months, ever)


def move_dates(moves: Moves, as_of: dt.date) -> list[dt.date]:
    """Quarter ends from the first enrolment or reading up to T (T itself last)."""
    known = moves.counted_from[moves.counted_from > NONE_DAY]
    starts = [int(known.min())] if len(known) else []
    if len(moves.start):
        starts.append(int(moves.start.min()))
    if not starts:
        return [as_of]
    first: dt.date = np.datetime64(min(starts), "D").astype(dt.date)
    if first > as_of:
        return [as_of]
    return [min(end, as_of) for end in quarter_ends(first, as_of)]


def moves_block(
    moves: Moves, params: AssumptionParams, as_of: dt.date, suppression: Suppression
) -> dict[str, Any]:
    """The set's counts of each status at every quarter end up to T, with the denominator
    (every family ever enrolled by then) and the headline: of the families at stable after a
    move, how many have held it sustain_months. `moves`: portfolio_spells of the set."""
    dates = move_dates(moves, as_of)
    counts, denominator = count_matrix(moves, dates)
    not_assessed = denominator - counts.sum(axis=1)
    rows = [[*map(int, counts[r]), int(not_assessed[r])] for r in range(len(dates))]
    if suppression.applied:
        table = suppression.table(rows, "moves", row_keys=dates, col_totals=False,
                                  groups=AFTER_A_MOVE, grand_total=False)  # fmt: skip
    else:
        table = {**open_table(rows), "groups": [[_open(row[0] + row[1])] for row in rows]}
    quarters = [
        {
            "quarter_end": on,
            **{name: table["cells"][r][c] for c, name in enumerate(COLUMNS)},
            "denominator": table["row_totals"][r],
            "at_stable_after_a_move": table["groups"][r][0],
        }
        for r, on in enumerate(dates)
    ]
    last = quarters[-1]
    held, of = last["lasting"], last["at_stable_after_a_move"]
    shown = not held["suppressed"] and not of["suppressed"] and of["value"]
    return {
        "as_of": as_of,
        "sustain_months": params.sustain_months,
        "statuses": list(COLUMNS),
        "counts": {key: last[key] for key in (*COLUMNS, "denominator")},
        "held": {
            "lasting": held,
            "at_stable_after_a_move": of,
            "share": round(held["value"] / of["value"], 4) if shown else None,
        },
        "quarters": quarters,
    }


def _open(value: int) -> dict[str, Any]:
    return {"value": value, "suppressed": False}


def portfolio_waterfall(priced: Priced, hidden: bool) -> list[dict[str, Any]]:
    """The portfolio's bars from gross to net; none where its NPV is hidden (each bar is a sum
    over the same families)."""
    return [] if hidden else round_money(waterfall(priced.prepared, priced.params, priced=priced))


def family_waterfall(priced: Priced, family_id: int) -> list[dict[str, Any]]:
    bars = waterfall(priced.prepared, priced.params, [family_id], priced=priced)
    return round_money(bars)  # type: ignore[no-any-return]


def family_moves_block(
    assessments: pd.DataFrame, params: AssumptionParams, family_id: int, as_of: dt.date
) -> dict[str, Any]:
    moves = move_spells(assessments, [family_id], params.overall_rule, params.sustain_months)
    return family_moves(moves, family_id, as_of)


def readings_frame(family_id: int, assessments: Sequence[Any]) -> pd.DataFrame:
    """The page's assessment records as the frame the moves read (one family: a few rows)."""
    rows = [
        {
            "family_id": family_id,
            "assessment_id": order,
            "assessed_on": on,
            **{d: np.nan if v is None else v for d, v in zip(DOMAINS, levels, strict=True)},
        }
        for on, order, levels in readings_of(assessments)
    ]
    return pd.DataFrame(rows, columns=["family_id", "assessment_id", "assessed_on", *DOMAINS])
