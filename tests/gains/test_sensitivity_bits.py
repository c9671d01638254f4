"""The sensitivity table (velferdslab/benefits/variants.py prices each distinct part of its 25
pricings once) gives every NPV exactly as pricing each variant in full did — the same float,
bit for bit, so every figure a report shows is the same to the øre — for random families and
random assumption sets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from velferdslab.benefits import analytics
from velferdslab.benefits.engine import Prepared, evaluate
from velferdslab.benefits.params import load_toml
from velferdslab.benefits.results import socioeconomic_npv
from velferdslab.settings import DEFAULTS_DIR
from velferdslab.vocabulary import DOMAINS

PARAMS = load_toml(DEFAULTS_DIR / "assumptions" / "velferdslab-standard.toml")


def families(seed: int, n: int) -> Prepared:
    rng = np.random.default_rng(seed)
    baseline = rng.integers(-1, 4, (n, len(DOMAINS))).astype(np.int8)
    current = np.where(baseline >= 0, rng.integers(0, 4, (n, len(DOMAINS))), -1).astype(np.int8)
    days = rng.random((n, len(DOMAINS), 4)) * rng.integers(0, 900, (n, len(DOMAINS), 1))
    spending = np.round(rng.random(n) * 200_000, 2)
    return Prepared(np.arange(n), baseline, current, days, spending, dt.date(2026, 6, 30))


def priced_one_by_one(prepared: Prepared, params: Any) -> list[dict[str, Any]]:
    """The table as it was made before: each variant priced in full."""
    base = socioeconomic_npv(evaluate(prepared, params))
    rows = []
    for name, low, high in analytics._variants(params):
        npv_low = socioeconomic_npv(evaluate(prepared, low))
        npv_high = socioeconomic_npv(evaluate(prepared, high))
        rows.append(
            {"parameter": name, "low": npv_low, "high": npv_high, "base": base,
             "swing": abs(npv_high - npv_low)}
        )  # fmt: skip
    return sorted(rows, key=lambda row: row["swing"], reverse=True)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.sampled_from([0, 1, 7, 300]),
    deadweight=st.floats(0, 0.9),
    success=st.floats(0.05, 1),
    drop_off=st.floats(0, 0.5),
    tax=st.floats(0, 0.4),
)
def test_the_sensitivity_table_is_the_same_to_the_bit(
    seed: int, n: int, deadweight: float, success: float, drop_off: float, tax: float
) -> None:
    params = PARAMS.with_changes(
        deadweight=deadweight, success_rate=success, drop_off=drop_off, tax_financing_cost=tax
    )
    prepared = families(seed, n)
    mine = analytics.sensitivity(prepared, params)
    assert mine == priced_one_by_one(prepared, params)
    # the same floats, not merely equal ones: compared by their bits
    assert [np.float64(row[key]).tobytes() for row in mine for key in ("low", "high", "base")] == [
        np.float64(row[key]).tobytes()
        for row in priced_one_by_one(prepared, params)
        for key in ("low", "high", "base")
    ]
