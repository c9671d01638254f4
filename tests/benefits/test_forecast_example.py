"""The forecast of benefit-model.md ("Forecast: what the plan promises") on a worked example.

The family, assumptions, assessments and expenditures are the spec's worked example (so the actual
figures are the spec's table), T = 2025-01-01. The plan has three goals in two domains:

- housing, exposed (1) by 2024-03-31, then sustainable (3) by 2025-06-30: a staircase;
- work, sustainable (3) by 2023-12-01: dated before the first assessment (2024-01-01), so it
  takes effect the day after it, 2024-01-02.

T lies between the target dates; T* = 2025-06-30, the latest one.

Forecast path (days are actual days):
  housing: 0 (unsustainable) 2024-01-01 → 2024-03-31 = 90 days; 1 from 2024-03-31:
           to T 276 days, to T* 456 days; 3 from 2025-06-30 (0 days before T*).
           f(T) = exposed, f(T*) = sustainable.
  work:    0 for 1 day (2024-01-01 → 2024-01-02); 3 from 2024-01-02: to T 365 days, to T* 545.
           f(T) = f(T*) = sustainable.
Adjustments k = (1 − 0.1)(1 − 0.2)(1 − ob): housing/municipal (A) 0.72, work/state (B) 0.648,
work/household (A) 0.72. Annuity for H = 3, δ = 0.2, 4 %:
  1/1.04 + 0.8/1.04² + 0.64/1.04³ = 0.961538 + 0.739645 + 0.568958 = 2.2701411.

Forecast at T:
  realised municipal = 0.72 · 276/365 · (200 000 − 100 000)        =  54 443.84
  realised state     = 0.648 · 365/365 · (300 000 − 0)             = 194 400.00
  realised household = 0.72 · 365/365 · (400 000 − 0)              = 288 000.00
  (the 90 days at housing 0 and the 1 day at work 0 save nothing)
  PV municipal = 0.72 · 0.5 · 100 000 · 2.2701411                  =  81 725.08
  PV state     = 0.648 · 0.5 · 300 000 · 2.2701411                 = 220 657.72
  PV household = 0.72 · 0.5 · 400 000 · 2.2701411                  = 326 900.32
  F = 54 443.84 + 194 400 + 81 725.08 + 220 657.72 = 551 226.63;  E = 614 900.32;  K = 150 000
  fiscal_npv = 551 226.63 − 150 000                                = 401 226.63
  socioeconomic_npv = 1.2 · 401 226.63 + 614 900.32                = 1 096 372.28
  fiscal_bcr = 551 226.63 / 150 000 = 3.674844
  socioeconomic_bcr = (1.2 · 551 226.63 + 614 900.32) / 180 000    = 7.090957
  payback: realised fiscal 248 843.84 ≥ K already at T             → 0
Promise at T* = 2025-06-30 (same K):
  realised municipal = 0.72 · 456/365 · 100 000                    =  89 950.68
  realised state     = 0.648 · 545/365 · 300 000                   = 290 268.49
  realised household = 0.72 · 545/365 · 400 000                    = 430 027.40
  PV municipal = 0.72 · 0.5 · 200 000 · 2.2701411                  = 163 450.16
  PV state, household as at T                                      = 220 657.72 / 326 900.32
  fiscal_npv = 89 950.68 + 290 268.49 + 163 450.16 + 220 657.72 − 150 000 = 614 327.05
  socioeconomic_npv = 1.2 · 614 327.05 + 430 027.40 + 326 900.32   = 1 494 120.18
  fiscal_bcr = 764 327.05 / 150 000 = 5.095514;
  socioeconomic_bcr = (1.2 · 764 327.05 + 756 927.72) / 180 000    = 9.300668;  payback 0
Variance = actual (spec table) − forecast at T:
  realised municipal 65 332.60 − 54 443.84 = 10 888.76; state 16 333.15 − 194 400 = −178 066.85;
  household 18 147.95 − 288 000 = −269 852.05; PV municipal 147 105.14 − 81 725.08 = 65 380.06;
  PV state 183 881.43 − 220 657.72 = −36 776.29; PV household 245 175.24 − 326 900.32 =
  −81 725.08; fiscal_npv 262 652.33 − 401 226.63 = −138 574.30; socioeconomic_npv 578 505.98 −
  1 096 372.28 = −517 866.30; payback 1 − 0 = 1; spending 0.
Domains at T: housing stable against f = exposed → ahead; work stable against sustainable → behind.
Series (quarter ends, the last one T), realised-to-q, fiscal / total:
  2024-03-31 actual 0 / 0; forecast: work 89 days at 3 → 0.648·89/365·300 000 = 47 401.64,
             + 0.72·89/365·400 000 = 70 224.66 → 47 401.64 / 117 626.30
  2024-06-30 actual 0 / 0; forecast housing 91 days at 1 (17 950.68) + work 180 days
             (95 868.49 + 142 027.40) → 113 819.18 / 255 846.58
  2024-09-30 actual 91 days at housing 2 / work 1: 0.72·91/365·180 000 = 32 311.23 +
             0.648·91/365·50 000 = 8 077.81 → 40 389.04; + household 0.72·91/365·50 000 =
             8 975.34 → 49 364.38; forecast housing 183 days + work 272 days → 180 966.58 /
             395 585.75
  2024-12-31 actual 183 days → 81 221.92 / 99 271.23; forecast housing 275 days, work 364 days
             → 248 113.97 / 535 324.93
  2025-01-01 (T) actual = the spec's realised: 81 665.75 / 99 813.70; forecast = the realised at
             T above: 248 843.84 / 536 843.84
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.benefits.test_worked_example import ASSESSMENTS, EXPENDITURES, example_params
from velferdslab.benefits.forecast import compute_forecast, family_figures, series

T = dt.date(2025, 1, 1)
GOALS = pd.DataFrame(
    {
        "goal_id": [11, 12, 13],
        "family_id": [1, 1, 1],
        "domain": ["housing", "housing", "work"],
        "target_level": [1, 3, 3],
        "target_date": [dt.date(2024, 3, 31), dt.date(2025, 6, 30), dt.date(2023, 12, 1)],
    }
)
CENT = 0.01


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    forecast = compute_forecast(ASSESSMENTS, EXPENDITURES, GOALS, example_params(), T)
    return {**family_figures(forecast, 1), "series": series(forecast, example_params())}


def _payers(figures: dict[str, Any], key: str) -> tuple[float, float, float]:
    by_payer = figures["by_payer"]
    return tuple(by_payer[p][key] for p in ("municipal", "state", "household"))  # type: ignore[return-value]


def test_forecast_realised_and_projected_at_t(result: dict[str, Any]) -> None:
    forecast = result["forecast"]
    assert _payers(forecast, "realised") == pytest.approx(
        (54_443.84, 194_400.00, 288_000.00), abs=CENT
    )
    assert _payers(forecast, "projected_pv") == pytest.approx(
        (81_725.08, 220_657.72, 326_900.32), abs=CENT
    )
    assert forecast["realised"]["fiscal"] == pytest.approx(248_843.84, abs=CENT)
    assert forecast["realised"]["economic"] == pytest.approx(288_000.00, abs=CENT)


def test_forecast_results_at_t(result: dict[str, Any]) -> None:
    forecast = result["forecast"]
    assert forecast["spending"] == pytest.approx(150_000.00, abs=CENT)
    assert forecast["fiscal_npv"] == pytest.approx(401_226.63, abs=CENT)
    assert forecast["socioeconomic_npv"] == pytest.approx(1_096_372.28, abs=CENT)
    assert forecast["fiscal_bcr"] == pytest.approx(3.674844, abs=1e-6)
    assert forecast["socioeconomic_bcr"] == pytest.approx(7.090957, abs=1e-6)
    assert forecast["payback_years"] == 0


def test_promise_at_the_latest_target_date(result: dict[str, Any]) -> None:
    promise = result["promise"]
    assert promise["promise_date"] == dt.date(2025, 6, 30)
    assert _payers(promise, "realised") == pytest.approx(
        (89_950.68, 290_268.49, 430_027.40), abs=CENT
    )
    assert _payers(promise, "projected_pv") == pytest.approx(
        (163_450.16, 220_657.72, 326_900.32), abs=CENT
    )
    assert promise["spending"] == pytest.approx(150_000.00, abs=CENT)
    assert promise["fiscal_npv"] == pytest.approx(614_327.05, abs=CENT)
    assert promise["socioeconomic_npv"] == pytest.approx(1_494_120.18, abs=CENT)
    assert promise["fiscal_bcr"] == pytest.approx(5.095514, abs=1e-6)
    assert promise["socioeconomic_bcr"] == pytest.approx(9.300668, abs=1e-6)
    assert promise["payback_years"] == 0


def test_variance_is_actual_minus_forecast(result: dict[str, Any]) -> None:
    variance = result["variance"]
    assert _payers(variance, "realised") == pytest.approx(
        (10_888.76, -178_066.85, -269_852.05), abs=CENT
    )
    assert _payers(variance, "projected_pv") == pytest.approx(
        (65_380.06, -36_776.29, -81_725.08), abs=CENT
    )
    assert variance["fiscal_npv"] == pytest.approx(-138_574.30, abs=CENT)
    assert variance["socioeconomic_npv"] == pytest.approx(-517_866.30, abs=CENT)
    assert variance["spending"] == pytest.approx(0.0, abs=CENT)
    assert variance["payback_years"] == 1


def test_domain_status(result: dict[str, Any]) -> None:
    domains = result["domains"]
    assert domains["housing"] == {"level": "stable", "forecast_level": "exposed", "status": "ahead"}
    assert domains["work"] == {
        "level": "stable",
        "forecast_level": "sustainable",
        "status": "behind",
    }
    assert domains["health"] == {"level": None, "forecast_level": None, "status": None}


def test_quarterly_series(result: dict[str, Any]) -> None:
    rows = result["series"]
    assert [row["quarter_end"] for row in rows] == [
        dt.date(2024, 3, 31),
        dt.date(2024, 6, 30),
        dt.date(2024, 9, 30),
        dt.date(2024, 12, 31),
        T,
    ]
    expected = [
        ((0, 0), (47_401.64, 117_626.30)),
        ((0, 0), (113_819.18, 255_846.58)),
        ((40_389.04, 49_364.38), (180_966.58, 395_585.75)),
        ((81_221.92, 99_271.23), (248_113.97, 535_324.93)),
        ((81_665.75, 99_813.70), (248_843.84, 536_843.84)),
    ]
    for row, (actual, planned) in zip(rows, expected, strict=True):
        got_actual = (row["actual_realised"]["fiscal"], row["actual_realised"]["total"])
        got_planned = (row["forecast_realised"]["fiscal"], row["forecast_realised"]["total"])
        assert got_actual == pytest.approx(actual, abs=CENT), row["quarter_end"]
        assert got_planned == pytest.approx(planned, abs=CENT), row["quarter_end"]


def test_two_goals_on_one_date_the_later_created_wins() -> None:
    goals = pd.DataFrame(
        {
            "goal_id": [21, 20],
            "family_id": [1, 1],
            "domain": ["housing", "housing"],
            "target_level": [3, 1],
            "target_date": [dt.date(2024, 3, 31)] * 2,
        }
    )
    forecast = compute_forecast(ASSESSMENTS, EXPENDITURES, goals, example_params(), T)
    assert family_figures(forecast, 1)["domains"]["housing"]["forecast_level"] == "sustainable"
    # The work domain has no goal: it keeps its baseline, whatever happened.
    assert family_figures(forecast, 1)["domains"]["work"]["forecast_level"] == "unsustainable"


def test_goals_without_date_or_in_an_unassessed_domain_are_left_out() -> None:
    goals = pd.DataFrame(
        {
            "goal_id": [1, 2],
            "family_id": [1, 1],
            "domain": ["housing", "health"],
            "target_level": [3, 3],
            "target_date": [None, dt.date(2024, 6, 1)],
        }
    )
    forecast = compute_forecast(ASSESSMENTS, EXPENDITURES, goals, example_params(), T)
    figures = family_figures(forecast, 1)
    assert figures["forecast"]["realised"]["total"] == 0
    assert figures["forecast"]["projected_pv"]["total"] == 0
    assert np.isclose(figures["forecast"]["fiscal_npv"], -150_000.0)
