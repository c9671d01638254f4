"""The portfolio's money by agency and year: who invests (contributions and approved spending)
and spending against budgets, each sum hidden for leaders when fewer than the threshold of
families stand behind it, and an agency's total hidden with it when one year alone would be."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

from velferdslab.benefits.disclosure import protect
from velferdslab.benefits.spending import approved_by
from velferdslab.benefits.suppression import SUPPRESSED, Suppression
from velferdslab.gains.data import EngineInput


def money(value: float, families: int, suppression: Suppression, key: Any) -> dict[str, Any]:
    return suppression.total(round(value, 2), families, key)


def approved_up_to(data: EngineInput, as_of: dt.date) -> pd.DataFrame:
    spent = data.expenditures
    if spent.empty:
        return spent.assign(year=pd.Series(dtype=int))
    # pandas converts date objects (SQLite) or text (PostgreSQL's COPY) ten times faster
    # than numpy does one object at a time.
    dates = pd.to_datetime(spent["spent_on"]).to_numpy(dtype="datetime64[D]")
    chosen = approved_by(spent["status"].to_numpy(), dates, as_of)
    years = dates.astype("datetime64[Y]").astype(int) + 1970
    return spent[chosen].assign(year=years[chosen])


def _sums(frame: pd.DataFrame, keys: list[str]) -> dict[Any, tuple[float, int]]:
    """{key: (amount, number of families)}, each sum exact (math.fsum, so the order of the
    rows does not matter): the rows sorted by key (and family) once, then each group's slice
    summed and its families counted where the family changes."""
    if frame.empty:
        return {}
    columns = [frame[key].to_numpy() for key in keys]
    families = frame["family_id"].to_numpy()
    order = np.lexsort([families, *columns[::-1]])
    columns = [column[order] for column in columns]
    amounts = frame["amount"].to_numpy(dtype=float)[order].tolist()
    families = families[order]
    changes = np.zeros(len(order), dtype=bool)
    changes[0] = True
    for column in columns:
        changes[1:] |= column[1:] != column[:-1]
    new_family = changes.copy()
    new_family[1:] |= families[1:] != families[:-1]
    starts_array = np.flatnonzero(changes)
    counts = np.add.reduceat(new_family.astype(np.int64), starts_array).tolist()
    starts = starts_array.tolist()
    keyed = list(zip(*(column[starts].tolist() for column in columns), strict=True))
    out: dict[Any, tuple[float, int]] = {}
    for key, start, end, count in zip(
        keyed, starts, [*starts[1:], len(order)], counts, strict=True
    ):
        group = key[0] if len(keys) == 1 else key
        out[group] = (math.fsum(amounts[start:end]), count)
    return out


def _agency_line(
    total: tuple[float, int], years: dict[int, tuple[float, int]], suppression: Suppression,
    key: Any,
) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:  # fmt: skip
    """An agency's total and its years: the years add up to the total, so a year hidden alone
    beside a shown total is protected by hiding the total or another year."""
    cells = {y: money(*years[y], suppression, (*key, y)) for y in years}
    whole = money(*total, suppression, key)
    suppression.lines.append(([((*key, y), "sum") for y in years], (key, "sum")))
    hidden: set[Any] = {y for y, cell in cells.items() if cell["suppressed"]}
    if whole["suppressed"]:
        hidden.add("total")
    if not suppression.applied or not hidden:
        return whole, cells
    values = {y: abs(years[y][0]) for y in years} | {"total": abs(total[0])}
    hidden = protect([(list(years), "total")], hidden, values)
    for y in hidden - {"total"}:
        cells[y] = dict(SUPPRESSED)
        suppression.hidden.add(((*key, y), "sum"))
    if "total" in hidden:
        whole = dict(SUPPRESSED)
        suppression.hidden.add((key, "sum"))
    return whole, cells


def who_invests(
    data: EngineInput, approved: pd.DataFrame, as_of: dt.date, suppression: Suppression
) -> list[dict[str, Any]]:
    """Contributions and approved spending by agency, in all and per year; each sum is hidden
    when fewer than the threshold of families stand behind it."""
    agency_ids = data.agencies["agency_id"].tolist()
    names = dict(zip(agency_ids, data.agencies["name"].tolist(), strict=True))
    levels = dict(zip(agency_ids, data.agencies["government_level"].tolist(), strict=True))
    given = data.contributions[data.contributions["year"] <= as_of.year]
    spent = approved.rename(columns={"paying_agency_id": "agency_id"})
    totals = (_sums(given, ["agency_id"]), _sums(spent, ["agency_id"]))
    yearly = (_sums(given, ["agency_id", "year"]), _sums(spent, ["agency_id", "year"]))
    years_of: dict[Any, set[Any]] = {}
    for a, y in (*yearly[0], *yearly[1]):
        years_of.setdefault(a, set()).add(y)
    rows = []
    for agency_id in sorted(set(totals[0]) | set(totals[1])):
        known = agency_id in names
        years = sorted(years_of.get(agency_id, ()))
        lines = [
            _agency_line(
                totals[side].get(agency_id, (0.0, 0)),
                {y: yearly[side].get((agency_id, y), (0.0, 0)) for y in years},
                suppression,
                ("who_invests", int(agency_id), kind),
            )
            for side, kind in ((0, "contributed"), (1, "spent"))
        ]
        rows.append(
            {
                "agency_id": int(agency_id),
                "agency": str(names[agency_id]) if known else None,
                "government_level": str(levels[agency_id]) if known else None,
                "contributed": lines[0][0],
                "spent": lines[1][0],
                "by_year": [
                    {"year": int(y), "contributed": lines[0][1][y], "spent": lines[1][1][y]}
                    for y in years
                ],
            }
        )
    return rows


def budget_use(
    data: EngineInput, spent: pd.DataFrame, as_of: dt.date, suppression: Suppression
) -> list[dict[str, Any]]:
    """Per year: the families with a budget, the budgets and the approved spending, summed
    with numpy over each year's rows in their order (as pandas' sum does, to the same bits)."""
    budget_years = data.budgets["year"].to_numpy()
    budget_amounts = data.budgets["amount"].to_numpy(dtype=float)
    budget_families = data.budgets["family_id"].to_numpy()
    spent_years = spent["year"].to_numpy()
    spent_amounts = spent["amount"].to_numpy(dtype=float)
    rows = []
    for year in sorted(y for y in set(budget_years.tolist()) if y <= as_of.year):
        this_year = budget_years == year
        families = len(set(budget_families[this_year].tolist()))
        budget = float(budget_amounts[this_year].sum())
        used = float(spent_amounts[spent_years == year].sum())
        key = ("budget_use", int(year))
        rows.append(
            {
                "year": int(year),
                "families": suppression.count(families, (*key, "families")),
                "budget": money(budget, families, suppression, (*key, "budget")),
                "approved_spending": money(used, families, suppression, (*key, "spending")),
            }
        )
    return rows
