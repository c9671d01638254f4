"""Assumption sets as plain data: the parameters of benefit-model.md, each with its source."""

from __future__ import annotations

import itertools
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from velferdslab.errors import FieldErrors
from velferdslab.vocabulary import (
    DOMAINS,
    LEVELS,
    PUBLIC_PAYERS,
    Category,
    Confidence,
    OverallRule,
    Payer,
    values,
)

SHARES = ("success_rate", "deadweight", "attribution", "drop_off")


class InvalidAssumptions(FieldErrors):
    pass


@dataclass(frozen=True)
class CostItem:
    domain: str
    payer: str
    category: str
    confidence: str
    source: str
    annual_cost: tuple[float, float, float, float]  # per level, unsustainable → sustainable
    illustrative: bool = False
    label: str = ""


@dataclass(frozen=True)
class AssumptionParams:
    name: str
    version: int
    price_year: int
    success_rate: float
    deadweight: float
    attribution: float
    drop_off: float
    horizon_years: int
    discount_schedule: tuple[tuple[int, float], ...]
    tax_financing_cost: float
    optimism_bias: Mapping[str, float]
    overall_rule: str
    cost_items: tuple[CostItem, ...]
    sources: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    # months at stable or better before a move counts as lasting (benefit-model.md)
    sustain_months: int = 6

    def adjustment(self, item: CostItem) -> float:
        """k_i = (1 − w)(1 − α)(1 − ob(grade))."""
        return (
            (1 - self.deadweight)
            * (1 - self.attribution)
            * (1 - self.optimism_bias[item.confidence])
        )

    def with_changes(self, **changes: Any) -> AssumptionParams:
        return replace(self, **changes)


def _check_share(errors: dict[str, list[str]], name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and 0 <= value <= 1):
        errors.setdefault(name, []).append("Must be a number from 0 to 1.")


def validate(params: AssumptionParams) -> AssumptionParams:
    errors: dict[str, list[str]] = {}
    for name in SHARES:
        _check_share(errors, name, getattr(params, name))
    if not (isinstance(params.horizon_years, int) and 0 <= params.horizon_years <= 200):
        errors["horizon_years"] = ["Must be a whole number of years from 0 to 200."]
    if not (isinstance(params.sustain_months, int) and 1 <= params.sustain_months <= 120):
        errors["sustain_months"] = ["Must be a whole number of months from 1 to 120."]
    if not (math.isfinite(params.tax_financing_cost) and 0 <= params.tax_financing_cost <= 5):
        errors["tax_financing_cost"] = ["Must be a number from 0 to 5."]
    _validate_schedule(params.discount_schedule, errors)
    if set(params.optimism_bias) != set(values(Confidence)) or not all(
        math.isfinite(v) and 0 <= v < 1 for v in params.optimism_bias.values()
    ):
        errors["optimism_bias"] = ["Give a haircut from 0 to below 1 for each of A, B and C."]
    if params.overall_rule not in values(OverallRule):
        errors["overall_rule"] = [f"Must be one of {', '.join(values(OverallRule))}."]
    for index, item in enumerate(params.cost_items):
        for message in _item_problems(item):
            errors.setdefault(f"cost_items.{index}", []).append(message)
    if errors:
        raise InvalidAssumptions(errors)
    return params


def _validate_schedule(
    schedule: tuple[tuple[int, float], ...], errors: dict[str, list[str]]
) -> None:
    years = [year for year, _ in schedule]
    if not schedule or years[0] != 1 or any(b <= a for a, b in itertools.pairwise(years)):
        errors["discount_schedule"] = ["Start at year 1, with from_year strictly increasing."]
    if any(not (math.isfinite(rate) and 0 <= rate < 1) for _, rate in schedule):
        errors.setdefault("discount_schedule", []).append("Rates must be from 0 to below 1.")


def _item_problems(item: CostItem) -> list[str]:
    problems = []
    if item.domain not in DOMAINS:
        problems.append(f"Unknown domain {item.domain!r}.")
    if item.payer not in values(Payer):
        problems.append(f"Unknown payer {item.payer!r}.")
    if item.category not in values(Category):
        problems.append(f"Unknown category {item.category!r}.")
    if item.confidence not in values(Confidence):
        problems.append(f"Unknown confidence grade {item.confidence!r}.")
    if item.category == Category.FISCAL and item.payer not in PUBLIC_PAYERS:
        problems.append("A fiscal item needs a public payer (municipal, county or state).")
    if len(item.annual_cost) != 4 or not all(math.isfinite(c) and c >= 0 for c in item.annual_cost):
        problems.append("Give a non-negative annual cost for each of the four levels.")
    if not item.source.strip():
        problems.append("Give the source of the values, or 'illustrative'.")
    return problems


def from_dict(data: Mapping[str, Any]) -> AssumptionParams:
    """From the API's field names (benefit-model.md); raises InvalidAssumptions."""
    try:
        items = tuple(
            CostItem(
                domain=str(item["domain"]),
                payer=str(item["payer"]),
                category=str(item["category"]),
                confidence=str(item["confidence"]),
                source=str(item.get("source", "")),
                annual_cost=tuple(float(item["annual_cost"][level]) for level in LEVELS),  # type: ignore[arg-type]
                illustrative=bool(item.get("illustrative", False)),
                label=str(item.get("label", "")),
            )
            for item in data["cost_items"]
        )
        params = AssumptionParams(
            name=str(data["name"]),
            version=int(data.get("version", 1)),
            price_year=int(data["price_year"]),
            success_rate=float(data["success_rate"]),
            deadweight=float(data["deadweight"]),
            attribution=float(data["attribution"]),
            drop_off=float(data["drop_off"]),
            horizon_years=int(data["horizon_years"]),
            discount_schedule=tuple(
                (int(row["from_year"]), float(row["rate"])) for row in data["discount_schedule"]
            ),
            tax_financing_cost=float(data["tax_financing_cost"]),
            optimism_bias={str(k): float(v) for k, v in data["optimism_bias"].items()},
            overall_rule=str(data.get("overall_rule", OverallRule.LOWEST)),
            cost_items=items,
            sources={str(k): str(v) for k, v in data.get("sources", {}).items()},
            description=str(data.get("description", "")),
            sustain_months=int(data.get("sustain_months", 6)),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidAssumptions({"_body": [f"Missing or malformed value: {error}."]}) from error
    return validate(params)


def to_dict(params: AssumptionParams) -> dict[str, Any]:
    """The API's field names; from_dict(to_dict(p)) == p."""
    return {
        "name": params.name,
        "version": params.version,
        "price_year": params.price_year,
        "success_rate": params.success_rate,
        "deadweight": params.deadweight,
        "attribution": params.attribution,
        "drop_off": params.drop_off,
        "horizon_years": params.horizon_years,
        "sustain_months": params.sustain_months,
        "discount_schedule": [{"from_year": y, "rate": r} for y, r in params.discount_schedule],
        "tax_financing_cost": params.tax_financing_cost,
        "optimism_bias": dict(params.optimism_bias),
        "overall_rule": params.overall_rule,
        "sources": dict(params.sources),
        "description": params.description,
        "cost_items": [
            {
                "domain": i.domain,
                "payer": i.payer,
                "category": i.category,
                "confidence": i.confidence,
                "source": i.source,
                "illustrative": i.illustrative,
                "label": i.label,
                "annual_cost": dict(zip(LEVELS, i.annual_cost, strict=True)),
            }
            for i in params.cost_items
        ],
    }


def load_toml(path: Path | str) -> AssumptionParams:
    with open(path, "rb") as handle:
        return from_dict(tomllib.load(handle))
