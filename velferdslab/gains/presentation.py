"""How the portfolio's gains are told to people: rounded, with their range, and with a word on
values that are only illustrative. Shared by the dashboard, the portfolio PDF and the workbook."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from velferdslab.benefits.params import AssumptionParams

ILLUSTRATIVE = "illustrativ"  # bokmål, and the start of the English "illustrative"


def illustrative_values(params: AssumptionParams) -> list[str]:
    """The names of the set's values whose source says they are illustrative: parameters by
    their field name, cost items by their label (or domain and payer)."""
    names = [name for name, source in params.sources.items() if ILLUSTRATIVE in source.lower()]
    for item in params.cost_items:
        if item.illustrative or item.source.strip().lower().startswith(ILLUSTRATIVE):
            names.append(item.label or f"{item.domain}/{item.payer}")
    return names


def sensitivity_range(rows: Sequence[Mapping[str, Any]]) -> dict[str, float] | None:
    """The lowest and highest socioeconomic NPV when each assumption in turn is moved ±20 %;
    None without a sensitivity analysis (a suppressed or empty portfolio)."""
    values = [float(row[key]) for row in rows for key in ("low", "high")]
    if not values:
        return None
    return {"low": min(values), "high": max(values)}


def _shown(cell: Mapping[str, Any] | None) -> Any:
    if cell is None or cell.get("suppressed"):
        return None
    return cell.get("value")


def moved_to_stable(report: Mapping[str, Any]) -> int | None:
    """Families below stable at baseline and at stable or better now; None when suppression
    hides any part of that count."""
    matrix = report.get("transition_matrix_grouped")
    if not matrix:
        return None
    if matrix["grouping"] == "groups":
        moved: int | None = _shown(matrix["cells"][0][1])
        return moved
    cells = [matrix["cells"][r][c] for r in (0, 1) for c in (2, 3)]
    values = [_shown(cell) for cell in cells]
    return None if any(v is None for v in values) else sum(values)


def story(report: Mapping[str, Any], period_spending: Mapping[str, Any]) -> dict[str, Any]:
    """The figures the first page tells in words, each None when suppressed."""
    gains = report["gains"]
    invests = sorted(
        (row for row in report["who_invests"] if _shown(row["contributed"])),
        key=lambda row: -float(row["contributed"]["value"]),
    )
    payers = sorted(
        (
            (row["payer"], (_shown(row["realised"]) or 0) + (_shown(row["projected_pv"]) or 0))
            for row in report["who_gains"]
            if _shown(row["realised"]) is not None or _shown(row["projected_pv"]) is not None
        ),
        key=lambda pair: -pair[1],
    )
    return {
        "families": _shown(report["family_count"]),
        "stable_now": _shown(report["reaching_stable"]["stable_or_sustainable"]),
        "assessed": _shown(report["reaching_stable"]["families"]),
        "moved_to_stable": moved_to_stable(report),
        "period_spending": _shown(period_spending),
        "total_spending": _shown(gains["spending"]),
        "socioeconomic_npv": _shown(gains["socioeconomic_npv"]),
        "fiscal_npv": _shown(gains["fiscal_npv"]),
        "range": _range(report.get("sensitivity_range")),
        "investors": [row["agency"] for row in invests[:4]],
        "gainers": [payer for payer, total in payers[:3] if total > 0],
        "illustrative": bool(report["assumption_set"].get("illustrative")),
    }


def _range(spread: Mapping[str, float] | None) -> dict[str, Any] | None:
    """The sensitivity range with the decimals it needs: whole millions from ten million up."""
    if spread is None:
        return None
    widest = max(abs(spread["low"]), abs(spread["high"]))
    return {**spread, "range_decimals": 0 if widest >= 10_000_000 else 1}
