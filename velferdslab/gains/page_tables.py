"""One family's engine tables from the records its page has read (issue 18): the lead's family
page computes the gains and the forecast of one family on almost every view (a view follows new
readings), and frames cost more than the pricing there. The API and the reports read frames
(velferdslab.gains.data) and give the same figures: tests/gains/test_page_tables.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import pandas as pd

from velferdslab.assessments.models import Assessment
from velferdslab.benefits.engine import Prepared
from velferdslab.benefits.one_family import Reading, Spending, family_tables
from velferdslab.benefits.paths import Path
from velferdslab.budgets.models import Expenditure
from velferdslab.families.models import Family
from velferdslab.plans.models import Goal
from velferdslab.vocabulary import DOMAINS

LEVEL_COLUMNS = tuple(f"level_{d}" for d in DOMAINS)
GOAL_COLUMNS = ["goal_id", "family_id", "domain", "target_level", "target_date"]


def readings_of(assessments: Iterable[Assessment]) -> list[Reading]:
    return [
        (a.assessed_on, a.id, tuple(getattr(a, column) for column in LEVEL_COLUMNS))
        for a in assessments
    ]


def spending_of(expenditures: Iterable[Expenditure]) -> list[Spending]:
    return [(e.spent_on, e.status.value, float(e.amount)) for e in expenditures]


def page_tables(
    family: Family,
    assessments: Sequence[Assessment],
    expenditures: Sequence[Expenditure],
    as_of: dt.date,
) -> tuple[Prepared, Path]:
    """The engine's tables at T and the actual path, as prepare_with_path makes them."""
    return family_tables(family.id, readings_of(assessments), spending_of(expenditures), as_of)


def goals_frame(goals: Iterable[Goal]) -> pd.DataFrame:
    """The goals as a frame, the one table the forecast still reads as one."""
    return pd.DataFrame.from_records(
        [(g.id, g.family_id, g.domain, g.target_level, g.target_date) for g in goals],
        columns=GOAL_COLUMNS,
    )
