"""The hand-computed mission (tests/missions/fixture.py): the indicator per quarter, the
required path, the gap and the forecast at the deadline, to the family."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tests.missions.fixture import BASELINE_ON, DEADLINE, A, B, C, T, frames
from velferdslab.benefits.analytics import level_distribution
from velferdslab.benefits.suppression import Suppression
from velferdslab.missions import indicators
from velferdslab.missions.data import compute
from velferdslab.missions.progress import Target, required
from velferdslab.vocabulary import DOMAINS

SHARE = Target("share_stable_or_better", 0.10, BASELINE_ON, 0.60, DEADLINE)


def figures(target: Target = SHARE, rule: Suppression | None = None) -> dict:
    families, assessments, goals = frames()
    return compute(families, assessments, goals, target, [A, B, C], "lowest", T,
                   rule or Suppression.off())  # fmt: skip


def test_the_share_at_each_quarter_end_is_the_hand_computed_one() -> None:
    series = figures()["series"]
    assert [row["quarter_end"] for row in series][:2] == [
        dt.date(2023, 3, 31),
        dt.date(2023, 6, 30),
    ]
    assert len(series) == 12
    values = [row["value"] for row in series]
    assert values == [0.15] * 4 + [0.45] * 2 + [0.3] * 2 + [0.3667] * 2 + [0.4333] * 2
    assert [row["families"]["value"] for row in series] == [20] * 6 + [30] * 6


def test_required_path_and_gap_at_the_valuation_date() -> None:
    result = figures()
    assert required(SHARE, BASELINE_ON) == pytest.approx(0.10)
    assert required(SHARE, DEADLINE) == pytest.approx(0.60)
    assert result["series"][-1]["required"] == 0.475  # 0.10 + 0.50 · 1095/1460
    assert result["gap"] == -0.0417
    assert result["status"] == "behind"


def test_the_forecast_at_the_deadline_reads_the_plans_goals() -> None:
    result = figures()
    assert result["forecast_at_deadline"] == 0.5  # 15 of 30
    assert result["forecast"]["count"]["value"] == 15
    lines = {line["municipality_id"]: line for line in result["by_municipality"]}
    assert lines[A]["forecast"]["count"]["value"] == 8  # 7 and 8 reach stable by their goal
    assert lines[B]["forecast"]["count"]["value"] == 5  # 6–10 aim at exposed only
    assert lines[C]["forecast"]["count"]["value"] == 2  # 3's goal comes after the deadline


def test_families_and_lasting_moves_per_quarter() -> None:
    families, assessments, _ = frames()
    quarters = [dt.date(2024, 3, 31), dt.date(2024, 6, 30), T]
    fs = indicators.family_set(families, assessments, T, [A, B, C])
    counts = indicators.count_at_quarters(fs, "lowest", quarters)
    assert counts.enrolled.sum(axis=0).tolist() == [20, 30, 30]
    lasting = indicators.lasting_moves(fs, assessments, "lowest", quarters)
    # A's six moves last from 01.08.2024; B's two from 01.08.2025; C's two not yet at T.
    assert lasting[:, -1].tolist() == [6, 2, 0]
    assert lasting[:, 0].tolist() == [0, 0, 0]
    # The assumption set's sustain_months: held three months, A's six moves last from
    # 01.05.2024, so by 30.06.2024 (six months: not until 01.08.2024).
    assert lasting[:, 1].tolist() == [0, 0, 0]
    shorter = indicators.lasting_moves(fs, assessments, "lowest", quarters, sustain_months=3)
    assert shorter[:, 1].tolist() == [6, 0, 0]


def test_a_small_count_stays_hidden_in_the_missions_total() -> None:
    result = figures(rule=Suppression(applied=True, threshold=5))
    lines = {line["municipality_id"]: line for line in result["by_municipality"]}
    c_now = lines[C]["now"]
    assert c_now["count"]["suppressed"] and c_now["count_range"] == [1, 4]  # "1–4 av 10"
    assert c_now["families"] == {"value": 10, "suppressed": False}
    now = result["series"][-1]
    # The mission's 13 would give C's 2 back beside A's and B's: told as a range instead.
    assert now["count"]["suppressed"] and now["value"] is None
    assert now["count_range"][0] <= 13 <= now["count_range"][1]
    assert now["value_range"] is not None and now["gap_range"] is not None


def test_the_counts_agree_with_the_portfolios_level_distribution() -> None:
    """Readings in several domains, some on the same day, a rule that carries each domain
    forward: at every quarter end the assessed and the stable-or-better counts are the
    portfolio's (velferdslab.benefits.analytics), for families enrolled before any reading."""
    rng = np.random.default_rng(29)
    rows = []
    for family in range(1, 61):
        for _reading in range(int(rng.integers(1, 7))):
            levels = {d: np.nan for d in DOMAINS}
            for domain in rng.choice(DOMAINS, size=int(rng.integers(1, 4)), replace=False):
                levels[str(domain)] = float(rng.integers(0, 4))
            day = dt.date(2023, 1, 1) + dt.timedelta(days=int(rng.integers(0, 1000)))
            rows.append({"family_id": family, "assessment_id": len(rows) + 1,
                         "assessed_on": pd.Timestamp(day), **levels})  # fmt: skip
    assessments = pd.DataFrame(rows)
    families = pd.DataFrame({"family_id": range(1, 61), "municipality_id": [1, 2, 3] * 20,
                             "enrolled_on": [dt.date(2022, 1, 1)] * 60})  # fmt: skip
    as_of = dt.date(2025, 12, 31)
    for rule in ("lowest", "median"):
        expected = level_distribution(assessments, as_of, rule, list(range(1, 61)))
        quarters = [row["quarter_end"] for row in expected]
        fs = indicators.family_set(families, assessments, as_of, [1, 2, 3])
        counts = indicators.count_at_quarters(fs, rule, quarters)
        assert counts.assessed.sum(axis=0).tolist() == [row["total"] for row in expected]
        assert counts.stable.sum(axis=0).tolist() == [
            row["counts"]["stable"] + row["counts"]["sustainable"] for row in expected
        ]


def test_lasting_moves_now_and_at_the_deadline_on_the_plans() -> None:
    """At T: A 6, B 2, C 0 (C's two reached stable on 01.07.2025: lasting from 01.01.2026). At
    31.12.2026 on the plans: A 8 (7 and 8 stable from 30.06.2026, lasting from 30.12.2026),
    B 2 (6–10 aim at exposed), C 2 (3's goal comes after the deadline)."""
    target = Target("lasting_moves", 0, BASELINE_ON, 20, DEADLINE)
    result = figures(target)
    assert result["series"][-1]["value"] == 8
    assert result["series"][-1]["required"] == 15.0  # 20 · 1095/1460
    assert result["gap"] == -7.0 and result["status"] == "behind"
    lines = {line["municipality_id"]: line for line in result["by_municipality"]}
    assert [lines[m]["forecast"]["value"] for m in (A, B, C)] == [8, 2, 2]
    assert result["forecast_at_deadline"] == 12


def test_families_enrolled_per_quarter_and_their_forecast() -> None:
    result = figures(Target("families", 10, BASELINE_ON, 40, DEADLINE))
    assert [row["value"] for row in result["series"]] == [20] * 5 + [30] * 7
    assert result["forecast_at_deadline"] == 30  # a plan promises levels, not new families
