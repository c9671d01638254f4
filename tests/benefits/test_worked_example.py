"""The worked example of benefit-model.md, to the cent."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from velferdslab.benefits.discount import discount_factors
from velferdslab.benefits.engine import compute
from velferdslab.benefits.params import AssumptionParams, CostItem
from velferdslab.benefits.results import family_summary
from velferdslab.vocabulary import DOMAINS

R109 = ((1, 0.04), (41, 0.03), (76, 0.02))


def example_params(**changes: object) -> AssumptionParams:
    params = AssumptionParams(
        name="worked example",
        version=1,
        price_year=2024,
        success_rate=0.5,
        deadweight=0.1,
        attribution=0.2,
        drop_off=0.2,
        horizon_years=3,
        discount_schedule=R109,
        tax_financing_cost=0.2,
        optimism_bias={"A": 0.0, "B": 0.1, "C": 0.25},
        overall_rule="lowest",
        cost_items=(
            CostItem("housing", "municipal", "fiscal", "A", "ex", (200_000, 100_000, 20_000, 0)),
            CostItem("work", "state", "fiscal", "B", "ex", (300_000, 250_000, 50_000, 0)),
            CostItem("work", "household", "economic", "A", "ex", (400_000, 350_000, 100_000, 0)),
        ),
    )
    return params.with_changes(**changes)


def reading(assessment_id: int, on: str, **levels: int) -> dict[str, object]:
    row: dict[str, object] = {"family_id": 1, "assessment_id": assessment_id, "assessed_on": on}
    row.update({d: levels.get(d, np.nan) for d in DOMAINS})
    return row


ASSESSMENTS = pd.DataFrame(
    [
        reading(1, "2024-01-01", housing=0, work=0),
        reading(2, "2024-07-01", housing=2, work=1),
        reading(3, "2025-01-01", housing=2, work=2),
    ]
)
EXPENDITURES = pd.DataFrame(
    {
        "family_id": [1, 1],
        "spent_on": ["2024-02-01", "2024-08-01"],
        "amount": [100_000.0, 50_000.0],
        "status": ["approved", "approved"],
        "paying_agency_id": [7, 7],
    }
)


@pytest.fixture(scope="module")
def figures() -> dict[str, object]:
    priced = compute(ASSESSMENTS, EXPENDITURES, example_params(), dt.date(2025, 1, 1))
    return family_summary(priced, 1)


def test_realised_savings(figures: dict) -> None:  # type: ignore[type-arg]
    payers = figures["by_payer"]
    assert payers["municipal"]["realised"] == pytest.approx(65_332.60, abs=0.01)
    assert payers["state"]["realised"] == pytest.approx(16_333.15, abs=0.01)
    assert payers["household"]["realised"] == pytest.approx(18_147.95, abs=0.01)


def test_projected_present_values(figures: dict) -> None:  # type: ignore[type-arg]
    payers = figures["by_payer"]
    assert payers["municipal"]["projected_pv"] == pytest.approx(147_105.14, abs=0.01)
    assert payers["state"]["projected_pv"] == pytest.approx(183_881.43, abs=0.01)
    assert payers["household"]["projected_pv"] == pytest.approx(245_175.24, abs=0.01)


def test_costs_npv_bcr_and_payback(figures: dict) -> None:  # type: ignore[type-arg]
    assert figures["spending"] == pytest.approx(150_000.00, abs=0.01)
    assert figures["fiscal_npv"] == pytest.approx(262_652.33, abs=0.01)
    assert figures["socioeconomic_npv"] == pytest.approx(578_505.98, abs=0.01)
    assert figures["fiscal_bcr"] == pytest.approx(2.751016, abs=1e-6)
    assert figures["socioeconomic_bcr"] == pytest.approx(4.213922, abs=1e-6)
    assert figures["payback_years"] == 1


def test_levels_at_baseline_and_now(figures: dict) -> None:  # type: ignore[type-arg]
    assert figures["baseline"]["housing"] == "unsustainable"
    assert figures["current"]["work"] == "stable"
    assert figures["baseline"]["school"] is None
    assert (figures["baseline_overall"], figures["current_overall"]) == ("unsustainable", "stable")


@pytest.mark.parametrize(
    ("year", "expected"), [(10, 0.675564), (40, 0.208289), (50, 0.154987), (75, 0.074022)]
)
def test_discount_factors(year: int, expected: float) -> None:
    assert discount_factors(R109, 75)[year - 1] == pytest.approx(expected, abs=1e-6)
