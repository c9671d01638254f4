"""The hand-computed mission of issue 29: three municipalities of ten families each, readings of
the housing domain over three years (2023–2025), a few goals; T = 31.12.2025.

  A (enrolled 15.01.2023): 1–6 exposed on 01.02.2023, stable on 01.02.2024; 7–10 exposed
    throughout. Goals: 7 and 8 stable by 30.06.2026; 9 work sustainable (work never assessed:
    no forecast).
  B (enrolled 15.01.2023): 1–3 stable on 01.02.2023 (started stable); 4–10 unsustainable on
    01.02.2023, 4 and 5 stable on 01.02.2025. Goals: 6–10 exposed by 01.06.2026.
  C (enrolled 01.06.2024): all exposed on 01.07.2024; 1 and 2 sustainable on 01.07.2025.
    Goal: 3 stable by 01.06.2027 (after the deadline).

Stable or better of the assessed, by hand:
  2023 Q1–Q4: A 0/10, B 3/10, C –    → 3/20  = 0.15
  2024 Q1–Q2: A 6/10, B 3/10, C not assessed (enrolled 01.06, read 01.07) → 9/20 = 0.45
  2024 Q3–Q4: + C 0/10                → 9/30  = 0.30
  2025 Q1–Q2: B 5/10                  → 11/30 = 0.3667
  2025 Q3–Q4: C 2/10                  → 13/30 = 0.4333
Mission: baseline 0.10 on 01.01.2023, target 0.60 by 31.12.2026 (1460 days). Required at
31.12.2025 (1095 days): 0.10 + 0.50 · 1095/1460 = 0.475; gap 0.4333 − 0.475 = −0.0417
("4 prosentpoeng bak kursen"). Forecast at 31.12.2026: A 8 (1–6, and 7–8 by their goals),
B 5 (6–10 reach exposed only), C 2 → 15/30 = 0.50.
Lasting moves (6 months) at 31.12.2025: A 6, B 2 (stable 01.02.2025, lasting from
01.08.2025), C 2 (stable 01.07.2025, lasting from 01.01.2026: not yet) → 0 → 8 in all."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from velferdslab.vocabulary import DOMAINS

A, B, C = 1, 2, 3
T = dt.date(2025, 12, 31)
BASELINE_ON, DEADLINE = dt.date(2023, 1, 1), dt.date(2026, 12, 31)
D = dt.date

# (municipality, number 1–10) -> [(date, housing level)]
READINGS: dict[tuple[int, int], list[tuple[dt.date, int]]] = {}
for n in range(1, 11):
    READINGS[(A, n)] = [(D(2023, 2, 1), 1)] + ([(D(2024, 2, 1), 2)] if n <= 6 else [])
    if n <= 3:
        READINGS[(B, n)] = [(D(2023, 2, 1), 2)]
    else:
        READINGS[(B, n)] = [(D(2023, 2, 1), 0)] + ([(D(2025, 2, 1), 2)] if n <= 5 else [])
    READINGS[(C, n)] = [(D(2024, 7, 1), 1)] + ([(D(2025, 7, 1), 3)] if n <= 2 else [])
ENROLLED = {A: D(2023, 1, 15), B: D(2023, 1, 15), C: D(2024, 6, 1)}
# (municipality, number) -> [(domain, level, date)]
GOALS = {
    (A, 7): [("housing", 2, D(2026, 6, 30))],
    (A, 8): [("housing", 2, D(2026, 6, 30))],
    (A, 9): [("work", 3, D(2026, 1, 1))],
    **{(B, n): [("housing", 1, D(2026, 6, 1))] for n in range(6, 11)},
    (C, 3): [("housing", 2, D(2027, 6, 1))],
}


def family_id(municipality: int, number: int) -> int:
    return municipality * 100 + number


def frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    families = pd.DataFrame(
        [
            {"family_id": family_id(m, n), "municipality_id": m, "enrolled_on": ENROLLED[m]}
            for m in (A, B, C)
            for n in range(1, 11)
        ]
    )
    rows, next_id = [], 1
    for (m, n), readings in READINGS.items():
        for on, level in readings:
            row = {"family_id": family_id(m, n), "assessment_id": next_id, "assessed_on": on}
            row.update(dict.fromkeys(DOMAINS, np.nan))
            row["housing"] = level
            rows.append(row)
            next_id += 1
    assessments = pd.DataFrame(rows)
    assessments["assessed_on"] = pd.to_datetime(assessments["assessed_on"])
    goal_rows = [
        {"goal_id": i, "family_id": family_id(m, n), "domain": d, "target_level": lv,
         "target_date": pd.Timestamp(on)}
        for i, ((m, n), goals) in enumerate(GOALS.items(), start=1)
        for d, lv, on in goals
    ]  # fmt: skip
    return families, assessments, pd.DataFrame(goal_rows)
