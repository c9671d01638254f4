"""Hand-computed cases beyond the worked example: relapse, carry-forward, ties, dates, H = 0."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tests.benefits.test_worked_example import example_params
from velferdslab.benefits.engine import compute
from velferdslab.benefits.params import CostItem
from velferdslab.benefits.results import family_summary
from velferdslab.vocabulary import DOMAINS

# One fiscal municipal item, grade A: k = 0.9 · 0.8 = 0.72; costs 100 000 / 60 000 / 20 000 / 0.
ONE_ITEM = example_params(
    cost_items=(CostItem("housing", "municipal", "fiscal", "A", "x", (100_000, 60_000, 20_000, 0)),)
)
NO_SPENDING = pd.DataFrame(
    columns=["family_id", "spent_on", "amount", "status", "paying_agency_id"]
)


def frame(*rows: tuple[int, str, dict[str, int]]) -> pd.DataFrame:
    records = []
    for assessment_id, on, levels in rows:
        record = {"family_id": 1, "assessment_id": assessment_id, "assessed_on": on}
        record.update({d: levels.get(d, np.nan) for d in DOMAINS})
        records.append(record)
    return pd.DataFrame(records)


def gains(assessments: pd.DataFrame, as_of: str, params=ONE_ITEM, spending=NO_SPENDING):  # type: ignore[no-untyped-def]
    return family_summary(compute(assessments, spending, params, dt.date.fromisoformat(as_of)), 1)


def test_a_relapse_gives_negative_savings_never_clipped() -> None:
    # exposed (60 000) from 2025-01-01, unsustainable (100 000) from 2025-04-02 (91 days later),
    # valued 2025-07-01 (90 days after): realised = 0.72 · 90/365 · (60 000 − 100 000) = −7 101.37
    result = gains(
        frame((1, "2025-01-01", {"housing": 1}), (2, "2025-04-02", {"housing": 0})), "2025-07-01"
    )
    assert result["realised"]["fiscal"] == pytest.approx(-7_101.37, abs=0.01)
    assert result["projected_pv"]["fiscal"] < 0


def test_unassessed_domains_carry_forward_and_unassessed_ones_count_nothing() -> None:
    # housing stable from 2025-01-01; the 2025-03-01 reading assesses work only, so housing
    # stays stable. Baseline unsustainable on 2024-12-01 (31 days before): realised =
    # 0.72 · (31 · 0 + 181 · 80 000) / 365 at T = 2025-07-01 (181 days after 2025-01-01).
    result = gains(
        frame(
            (1, "2024-12-01", {"housing": 0}),
            (2, "2025-01-01", {"housing": 2}),
            (3, "2025-03-01", {"work": 0}),
        ),
        "2025-07-01",
    )
    assert result["realised"]["fiscal"] == pytest.approx(0.72 * 181 * 80_000 / 365, abs=0.01)
    assert result["current"]["work"] == "unsustainable" and result["current"]["school"] is None


def test_the_later_recorded_of_two_same_day_readings_wins() -> None:
    # two readings on 2025-01-01: exposed (id 1) then stable (id 2); baseline = stable → 0 savings
    result = gains(
        frame((1, "2025-01-01", {"housing": 1}), (2, "2025-01-01", {"housing": 2})), "2025-12-31"
    )
    assert result["baseline"]["housing"] == "stable"
    assert result["realised"]["total"] == 0 and result["projected_pv"]["total"] == 0


def test_the_valuation_date_ignores_later_readings() -> None:
    readings = frame((1, "2025-01-01", {"housing": 0}), (2, "2025-07-01", {"housing": 3}))
    before = gains(readings, "2024-12-31")
    assert before["realised"]["total"] == 0 and before["baseline"]["housing"] is None
    between = gains(readings, "2025-06-30")  # only the baseline: nothing changed yet
    assert between["realised"]["total"] == 0 and between["current"]["housing"] == "unsustainable"
    after = gains(readings, "2025-12-31")  # 183 days at sustainable: 0.72 · 183 · 100 000 / 365
    assert after["realised"]["fiscal"] == pytest.approx(0.72 * 183 * 100_000 / 365, abs=0.01)


def test_zero_spending_has_no_ratio_and_pays_back_at_once() -> None:
    result = gains(
        frame((1, "2025-01-01", {"housing": 0}), (2, "2025-07-01", {"housing": 2})), "2025-12-31"
    )
    assert result["spending"] == 0
    assert result["fiscal_bcr"] is None and result["socioeconomic_bcr"] is None
    assert result["payback_years"] == 0


def test_a_zero_horizon_projects_nothing() -> None:
    params = ONE_ITEM.with_changes(horizon_years=0)
    result = gains(
        frame((1, "2025-01-01", {"housing": 0}), (2, "2025-07-01", {"housing": 2})),
        "2025-12-31",
        params,
    )
    assert result["projected_pv"]["total"] == 0
    assert result["realised"]["fiscal"] > 0


def test_only_approved_spending_up_to_the_valuation_date_counts() -> None:
    dates = ["2025-02-01", "2025-02-01", "2025-02-01", "2026-02-01"]
    spending = pd.DataFrame(
        {
            "family_id": [1, 1, 1, 1],
            "spent_on": dates,
            "amount": [1000.0, 2000.0, 4000.0, 8000.0],
            "status": ["approved", "pending", "rejected", "approved"],
            "paying_agency_id": [1, 1, 1, 1],
        }
    )
    result = gains(frame((1, "2025-01-01", {"housing": 0})), "2025-12-31", spending=spending)
    assert result["spending"] == 1000.0


def test_payback_is_not_reached_within_the_horizon() -> None:
    # year-one fiscal saving 0.72 · 0.5 · 40 000 = 14 400, fading by 20 %: 14 400 + 11 520 +
    # 9 216 = 35 136 < K = 40 000 over H = 3 → none; K = 30 000 → year 3 (35 136 ≥ 30 000)
    def spent(amount: float) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "family_id": [1],
                "spent_on": ["2025-01-01"],
                "amount": [amount],
                "status": ["approved"],
                "paying_agency_id": [1],
            }
        )

    params = ONE_ITEM.with_changes(
        cost_items=(
            CostItem("housing", "municipal", "fiscal", "A", "x", (100_000, 60_000, 20_000, 0)),
        )
    )
    two_readings = frame((1, "2024-12-31", {"housing": 1}), (2, "2025-01-01", {"housing": 2}))
    assert gains(two_readings, "2025-01-01", params, spent(40_000))["payback_years"] is None
    assert gains(two_readings, "2025-01-01", params, spent(30_000))["payback_years"] == 3
