"""From gross to net: the last bar is the NPV shown everywhere else (to the øre) for 200 random
families and assumption sets, every bar is the engine's pricing with its step's parameters, each
step switches on exactly its own parameter, and the bars add up from the gross value to the net
one."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tests.benefits.test_worked_example import ASSESSMENTS, EXPENDITURES, example_params
from velferdslab.benefits.engine import compute, evaluate, prepare
from velferdslab.benefits.params import AssumptionParams, load_toml
from velferdslab.benefits.results import npv_pair, round_money, summarise
from velferdslab.benefits.waterfall import STEPS, neutral, stepped_params, waterfall
from velferdslab.settings import DEFAULTS_DIR
from velferdslab.vocabulary import DOMAINS

STANDARD = load_toml(DEFAULTS_DIR / "assumptions" / "velferdslab-standard.toml")
AS_OF = dt.date(2026, 6, 30)


def random_set(rng: np.random.Generator) -> AssumptionParams:
    breaks = sorted({1, *rng.integers(2, 80, size=rng.integers(0, 3)).tolist()})
    items = tuple(
        dataclasses.replace(
            item,
            annual_cost=tuple(sorted(rng.uniform(0, 400_000, 4).tolist(), reverse=True)),
            confidence=str(rng.choice(["A", "B", "C"])),
        )
        for item in STANDARD.cost_items
    )
    return STANDARD.with_changes(
        success_rate=float(rng.uniform(0, 1)),
        deadweight=float(rng.uniform(0, 1)),
        attribution=float(rng.uniform(0, 1)),
        drop_off=float(rng.uniform(0, 1)),
        horizon_years=int(rng.integers(0, 60)),
        tax_financing_cost=float(rng.uniform(0, 0.5)),
        discount_schedule=tuple((year, float(rng.uniform(0, 0.1))) for year in breaks),
        optimism_bias={g: float(rng.uniform(0, 0.9)) for g in ("A", "B", "C")},
        cost_items=items,
    )


def random_family(rng: np.random.Generator, family_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    count = int(rng.integers(1, 8))
    days = np.sort(rng.integers(0, 1600, count))
    readings = pd.DataFrame(
        {
            "family_id": family_id,
            "assessment_id": np.arange(count) + family_id * 100,
            "assessed_on": pd.to_datetime("2022-06-01") + pd.to_timedelta(days, unit="D"),
            **{
                d: np.where(rng.random(count) < 0.2, np.nan, rng.integers(0, 4, count))
                for d in DOMAINS
            },
        }
    )
    spent = int(rng.integers(0, 4))
    spending = pd.DataFrame(
        {
            "family_id": family_id,
            "spent_on": pd.to_datetime("2022-06-01")
            + pd.to_timedelta(rng.integers(0, 1600, spent), unit="D"),
            "amount": rng.uniform(1_000, 200_000, spent),
            "status": rng.choice(["approved", "pending"], spent),
            "paying_agency_id": 1,
        }
    )
    return readings, spending


def test_the_last_bar_is_the_shown_npv_for_200_random_families_and_sets() -> None:
    rng = np.random.default_rng(28)
    for case in range(200):
        params = random_set(rng)
        assessments, expenditures = random_family(rng, 1 + case)
        prepared = prepare(assessments, expenditures, AS_OF)
        shown = round_money(summarise(compute(assessments, expenditures, params, AS_OF)))
        bars = waterfall(prepared, params)
        # every bar is the engine's own pricing with its step's parameters
        for bar, (_, stepped) in zip(bars, stepped_params(params), strict=True):
            fiscal, socio = npv_pair(evaluate(prepared, stepped))
            assert bar["socioeconomic_npv"] == pytest.approx(socio, abs=0.01), bar["step"]
            assert bar["fiscal_npv"] == pytest.approx(fiscal, abs=0.01), bar["step"]
        last = bars[-1]
        assert last["socioeconomic_npv"] == pytest.approx(shown["socioeconomic_npv"], abs=0.01)
        assert last["fiscal_npv"] == pytest.approx(shown["fiscal_npv"], abs=0.01)
        # the bars add up from the gross value to the figure shown
        assert sum(bar["amount"] for bar in bars) == pytest.approx(
            shown["socioeconomic_npv"], abs=0.01
        )
        assert sum(bar["fiscal_amount"] for bar in bars) == pytest.approx(
            shown["fiscal_npv"], abs=0.01
        )


def test_each_step_switches_on_only_its_parameter() -> None:
    rng = np.random.default_rng(5)
    for _ in range(20):
        params = random_set(rng)
        stepped = stepped_params(params)
        assert [step for step, _ in stepped] == ["gross", *(step for step, _ in STEPS)]
        assert stepped[0][1] == neutral(params)
        for (_, before), (step, after), (_, name) in zip(
            stepped[:-1], stepped[1:], STEPS, strict=True
        ):
            changed = {
                f.name
                for f in dataclasses.fields(AssumptionParams)
                if getattr(before, f.name) != getattr(after, f.name)
            }
            assert changed <= {name}, step
            assert getattr(after, name) == getattr(params, name)
        assert stepped[-1][1] == params


def test_gross_is_priced_with_neutral_values_and_each_share_scales_the_gains() -> None:
    params = example_params()
    bars = waterfall(prepare(ASSESSMENTS, EXPENDITURES, dt.date(2025, 1, 1)), params)
    assert [bar["step"] for bar in bars] == [
        "gross", "deadweight", "attribution", "success_rate", "drop_off", "optimism_bias",
        "discounting",
    ]  # fmt: skip
    lam, spending = params.tax_financing_cost, 150_000.0
    # deadweight and attribution scale every saving: (NPV + (1 + λ)K) shrinks by (1 − w), (1 − α)
    gross, after_w, after_a = (bar["socioeconomic_npv"] + (1 + lam) * spending for bar in bars[:3])
    assert after_w == pytest.approx(gross * (1 - params.deadweight))
    assert after_a == pytest.approx(after_w * (1 - params.attribution))
    assert bars[1]["parameter"] == "deadweight" and bars[1]["value"] == params.deadweight
    assert bars[-1]["value"] == [{"from_year": y, "rate": r} for y, r in params.discount_schedule]
    assert bars[-1]["socioeconomic_npv"] == pytest.approx(578_505.98, abs=0.01)
    assert bars[-1]["fiscal_npv"] == pytest.approx(262_652.33, abs=0.01)
    assert bars[0]["parameter"] is None and bars[0]["amount"] == bars[0]["socioeconomic_npv"]


def test_a_set_of_families_and_one_of_them() -> None:
    rng = np.random.default_rng(11)
    parts = [random_family(rng, family_id) for family_id in (1, 2, 3)]
    assessments = pd.concat([p[0] for p in parts], ignore_index=True)
    expenditures = pd.concat([p[1] for p in parts], ignore_index=True)
    prepared = prepare(assessments, expenditures, AS_OF, [1, 2, 3])
    priced = compute(assessments, expenditures, STANDARD, AS_OF, [1, 2, 3])
    whole, two = waterfall(prepared, STANDARD), waterfall(prepared, STANDARD, [2])
    assert whole[-1]["socioeconomic_npv"] == pytest.approx(summarise(priced)["socioeconomic_npv"])
    assert two[-1]["fiscal_npv"] == pytest.approx(summarise(priced, [2])["fiscal_npv"])
