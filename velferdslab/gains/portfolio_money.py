"""The portfolio's money by agency and year: who invests (contributions and approved spending)
and spending against budgets, each sum hidden for leaders when fewer than the threshold of
families stand behind it, and an agency's total hidden with it when one year alone would be."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
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


# Money is in øre (NUMERIC(12, 2) in the database): summed as whole øre, every sum is exact and
# adds up across municipalities to the bit, so a region's sums are its municipalities' added
# (velferdslab.gains.region_parts) and each is the same to the øre as a float sum of its rows.
# Amounts that are not whole øre (none the database can hold) are summed with math.fsum, and
# then a region is summed from its own rows.
Sum = tuple[int | float, int]  # (amount: øre when exact, else kroner; number of families)


@dataclass(frozen=True)
class MoneySums:
    """The portfolio's money sums: contributions given and approved spending by agency and by
    (agency, year), and per budget year (families with a budget, budgets, approved spending)."""

    exact: bool  # amounts in whole øre
    given: dict[Any, Sum]
    spent: dict[Any, Sum]
    given_yearly: dict[Any, Sum]
    spent_yearly: dict[Any, Sum]
    budgets: dict[int, tuple[int, int | float, int | float]]  # year: (families, budget, spent)

    def kroner(self, amount: int | float) -> float:
        return amount / 100 if self.exact else float(amount)


def money_sums(data: EngineInput, as_of: dt.date) -> MoneySums:
    approved = approved_up_to(data, as_of)
    given = data.contributions[data.contributions["year"] <= as_of.year]
    spent = approved.rename(columns={"paying_agency_id": "agency_id"})
    amounts = [frame["amount"].to_numpy(dtype=float) for frame in (given, spent, data.budgets)]
    ore = [np.rint(a * 100) for a in amounts]
    pairs = list(zip(amounts, ore, strict=True))
    exact = all(bool((np.abs(a * 100 - o) <= 1e-3).all()) for a, o in pairs)
    values = [o.astype(np.int64) if exact else a for a, o in zip(amounts, ore, strict=True)]
    budget_years = data.budgets["year"].to_numpy()
    budget_families = data.budgets["family_id"].to_numpy()
    spent_years = spent["year"].to_numpy()
    budgets: dict[int, tuple[int, int | float, int | float]] = {}
    for year in sorted(y for y in set(budget_years.tolist()) if y <= as_of.year):
        this_year = budget_years == year
        budgets[int(year)] = (
            len(set(budget_families[this_year].tolist())),
            _total(values[2][this_year], exact),
            _total(values[1][spent_years == year], exact),
        )
    return MoneySums(
        exact,
        _sums(given, values[0], ["agency_id"], exact),
        _sums(spent, values[1], ["agency_id"], exact),
        _sums(given, values[0], ["agency_id", "year"], exact),
        _sums(spent, values[1], ["agency_id", "year"], exact),
        budgets,
    )


def _total(values: np.ndarray, exact: bool) -> int | float:
    # Not exact: summed with numpy over the rows in their order (as pandas' sum does).
    return int(values.sum()) if exact else float(values.sum())


def added(parts: list[MoneySums]) -> MoneySums | None:
    """The sums of families in several parts (each family in one part), as one MoneySums of
    them all would give; None unless every part's amounts are whole øre."""
    if not parts or not all(part.exact for part in parts):
        return None

    def merged(sums: list[dict[Any, Sum]]) -> dict[Any, Sum]:
        out: dict[Any, Sum] = {}
        for one in sums:
            for key, (amount, families) in one.items():
                have = out.get(key, (0, 0))
                out[key] = (have[0] + amount, have[1] + families)
        return out

    budgets: dict[int, tuple[int, int | float, int | float]] = {}
    for part in parts:
        for year, (families, budget, spent) in part.budgets.items():
            have = budgets.get(year, (0, 0, 0))
            budgets[year] = (have[0] + families, have[1] + budget, have[2] + spent)
    return MoneySums(
        True,
        merged([part.given for part in parts]),
        merged([part.spent for part in parts]),
        merged([part.given_yearly for part in parts]),
        merged([part.spent_yearly for part in parts]),
        dict(sorted(budgets.items())),
    )


def _sums(frame: pd.DataFrame, amounts: np.ndarray, keys: list[str], exact: bool) -> dict[Any, Sum]:
    """{key: (amount, number of families)}: the rows sorted by key (and family) once, then each
    group's slice summed (whole øre; else math.fsum, so the order of the rows does not matter)
    and its families counted where the family changes."""
    if frame.empty:
        return {}
    columns = [frame[key].to_numpy() for key in keys]
    families = frame["family_id"].to_numpy()
    order = np.lexsort([families, *columns[::-1]])
    columns = [column[order] for column in columns]
    families = families[order]
    changes = np.zeros(len(order), dtype=bool)
    changes[0] = True
    for column in columns:
        changes[1:] |= column[1:] != column[:-1]
    new_family = changes.copy()
    new_family[1:] |= families[1:] != families[:-1]
    starts_array = np.flatnonzero(changes)
    counts = np.add.reduceat(new_family.astype(np.int64), starts_array).tolist()
    if exact:
        totals: list[Any] = np.add.reduceat(amounts[order], starts_array).tolist()
    else:
        ordered = amounts[order].tolist()
        ends = [*starts_array[1:].tolist(), len(order)]
        totals = [math.fsum(ordered[s:e]) for s, e in zip(starts_array.tolist(), ends,
                                                           strict=True)]  # fmt: skip
    keyed = list(zip(*(column[starts_array].tolist() for column in columns), strict=True))
    return {
        (key[0] if len(keys) == 1 else key): (total, count)
        for key, total, count in zip(keyed, totals, counts, strict=True)
    }


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
    data: EngineInput, sums: MoneySums, suppression: Suppression
) -> list[dict[str, Any]]:
    """Contributions and approved spending by agency, in all and per year; each sum is hidden
    when fewer than the threshold of families stand behind it."""
    agency_ids = data.agencies["agency_id"].tolist()
    names = dict(zip(agency_ids, data.agencies["name"].tolist(), strict=True))
    levels = dict(zip(agency_ids, data.agencies["government_level"].tolist(), strict=True))
    totals = (sums.given, sums.spent)
    yearly = (sums.given_yearly, sums.spent_yearly)
    years_of: dict[Any, set[Any]] = {}
    for a, y in (*yearly[0], *yearly[1]):
        years_of.setdefault(a, set()).add(y)

    def kroner(found: Sum | None) -> tuple[float, int]:
        return (0.0, 0) if found is None else (sums.kroner(found[0]), found[1])

    rows = []
    for agency_id in sorted(set(totals[0]) | set(totals[1])):
        known = agency_id in names
        years = sorted(years_of.get(agency_id, ()))
        lines = [
            _agency_line(
                kroner(totals[side].get(agency_id)),
                {y: kroner(yearly[side].get((agency_id, y))) for y in years},
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


def budget_use(sums: MoneySums, suppression: Suppression) -> list[dict[str, Any]]:
    """Per year: the families with a budget, the budgets and the approved spending."""
    rows = []
    for year, (families, budget, used) in sums.budgets.items():
        key = ("budget_use", year)
        rows.append(
            {
                "year": year,
                "families": suppression.count(families, (*key, "families")),
                "budget": money(sums.kroner(budget), families, suppression, (*key, "budget")),
                "approved_spending": money(
                    sums.kroner(used), families, suppression, (*key, "spending")
                ),
            }
        )
    return rows
