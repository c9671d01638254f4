"""Issue 23, finding 5: nothing a leader may ask for, taken together, gives a hidden figure back
— the region beside each of its municipalities, or the same portfolio a day apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import auth
from tests.gains.test_dashboard_story import make_region
from tests.portfolio_fixture import _spend, make_portfolio
from velferdslab.benefits.disclosure import Line, recoverable

Figure = tuple[Any, ...]


def figures(report: dict[str, Any]) -> Iterator[tuple[Figure, dict[str, Any]]]:
    """Every count or sum of a portfolio that adds up over municipalities, by a name that is
    the same in every view (quarters by date, agencies by id, payers, years)."""
    yield ("families",), report["family_count"]
    for key in ("spending", "fiscal_npv", "socioeconomic_npv"):
        yield ("gains", key), report["gains"][key]
    for part in ("realised", "projected_pv"):
        for category, cell in report["gains"][part].items():
            yield (part, category), cell
    for level, cell in report["family_years_at_level"].items():
        yield ("years", level), cell
    tables = {"levels": report["level_distribution"], **{
        ("levels", d): t for d, t in report["level_distribution_by_domain"].items()
    }}  # fmt: skip
    quarters = report["level_distribution"]["quarters"]
    for name, table in tables.items():
        for quarter, row, total in zip(quarters, table["cells"], table["row_totals"], strict=True):
            yield (name, quarter, "families"), total
            for level, cell in enumerate(row):
                yield (name, quarter, level), cell
        # (A quarter table's total, families summed over quarters, counts no one: a leader
        # never gets it.)
    for point in report["stable_share_over_time"]:
        yield ("levels", point["quarter_end"], "stable"), point["stable_or_better"]
    matrix = report["transition_matrix"]
    for r, row in enumerate(matrix["cells"]):
        yield ("moves", r, "all"), matrix["row_totals"][r]
        for c, cell in enumerate(row):
            yield ("moves", r, c), cell
    for c, cell in enumerate(matrix["column_totals"]):
        yield ("moves", "all", c), cell
    yield ("moves", "all", "all"), matrix["total"]
    for key, cell in report["reaching_stable"].items():
        yield ("now", key), cell
    for key, cell in report["goals"].items():
        yield ("goals", key), cell
    for row in report["who_invests"]:
        for side in ("contributed", "spent"):
            yield ("invests", row["agency_id"], side), row[side]
            for year in row["by_year"]:
                yield ("invests", row["agency_id"], side, year["year"]), year[side]
    for row in report["who_gains"]:
        for side in ("realised", "projected_pv"):
            yield ("gainer", row["payer"], side), row[side]
    for row in report["budget_use"]:
        for side in ("families", "budget", "approved_spending"):
            yield ("budget", row["year"], side), row[side]


def view_lines(report: dict[str, Any]) -> list[Line]:
    """The sums a reader sees inside one report, written out by hand."""
    names = dict(figures(report))
    quarters = report["level_distribution"]["quarters"]
    lines: list[Line] = []
    for name in ["levels", *(("levels", d) for d in report["level_distribution_by_domain"])]:
        for q in quarters:
            lines.append(([(name, q, level) for level in range(4)], (name, q, "families")))
    for q in quarters:
        lines.append(([("levels", q, 2), ("levels", q, 3)], ("levels", q, "stable")))
    for r in range(4):
        lines.append(([("moves", r, c) for c in range(4)], ("moves", r, "all")))
        lines.append(([("moves", c, r) for c in range(4)], ("moves", "all", r)))
    lines.append(([("moves", r, "all") for r in range(4)], ("moves", "all", "all")))
    lines.append(([("now", "stable_or_sustainable"), ("now", "below_stable")], ("now", "families")))
    lines.append(([("goals", "met"), ("goals", "not_met")], ("goals", "goals")))
    for row in report["who_invests"]:
        for side in ("contributed", "spent"):
            years = [("invests", row["agency_id"], side, y["year"]) for y in row["by_year"]]
            lines.append((years, ("invests", row["agency_id"], side)))
    return [(parts, total) for parts, total in lines if total in names]


def test_no_municipality_is_recovered_from_the_region_minus_the_others(
    client: FlaskClient, db: scoped_session
) -> None:
    """Before, the region's 21 families stood beside Aaby's 12 and Cstad's 6 (each on its own
    dashboard): Bbyen's hidden 3 was 21 − 12 − 6, and so were its cells at every quarter."""
    _portfolio, regional = make_region(db)
    headers = auth(db, regional)

    def portfolio(query: str = "") -> dict[str, Any]:
        response = client.get(f"/api/v1/reports/portfolio?as_of=2025-09-30{query}", headers=headers)
        assert response.status_code == 200
        body: dict[str, Any] = response.get_json()
        return body

    region = portfolio()
    municipalities = [line["municipality_id"] for line in region["by_municipality"]]
    views = {"region": region} | {m: portfolio(f"&municipality_id={m}") for m in municipalities}
    assert any(cell["suppressed"] for m in municipalities for _, cell in figures(views[m]))
    lines: list[Line] = []
    hidden: set[Figure] = set()
    for view, report in views.items():
        lines += [
            ([(view, *p) for p in parts], (view, *total)) for parts, total in view_lines(report)
        ]
        hidden |= {(view, *name) for name, cell in figures(report) if cell["suppressed"]}
    for name, _ in figures(region):  # the region's figure is the sum of its municipalities'
        parts = [(m, *name) for m in municipalities if name in dict(figures(views[m]))]
        lines.append((parts, ("region", *name)))
    assert recoverable(lines, hidden) == set()
    # And the side-by-side table shows each municipality as its own report does.
    for line in region["by_municipality"]:
        own = views[line["municipality_id"]]
        assert line["families"] == own["family_count"]
        assert line["spending"] == own["gains"]["spending"]


def test_a_leader_reads_quarter_ends_only(client: FlaskClient, db: scoped_session) -> None:
    """Before, one family's spending approved on 15.11.2025 was the difference between the
    portfolio on the 15th and on the 14th. A leader's date is now the last quarter end; an
    auditor (who sees each family anyway) keeps the day."""
    portfolio = make_portfolio(db)
    _spend(db, portfolio.lab, portfolio.families[6], dt.date(2025, 11, 15), 7_300, "Kurs")

    def spending(user: Any, day: str) -> tuple[str, Any]:
        body = client.get(
            f"/api/v1/reports/portfolio?as_of={day}", headers=auth(db, user)
        ).get_json()
        return body["as_of"], body["gains"]["spending"]["value"]

    leader = portfolio.lab.leader
    assert (
        spending(leader, "2025-11-14") == spending(leader, "2025-11-15") == ("2025-09-30", 200_000)
    )
    assert spending(leader, "2025-12-31") == ("2025-12-31", 207_300)
    auditor = portfolio.lab.auditor
    assert spending(auditor, "2025-11-15")[1] - spending(auditor, "2025-11-14")[1] == 7_300
