"""The kept engine tables (velferdslab/gains/kept.py) brought up to date by reading only the
families that changed give, after any sequence of writes, the same tables as a fresh read and
the same portfolio to the øre — for the region and for each municipality, suppressed or not."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update
from sqlalchemy.orm import scoped_session

from tests.factories import Lab, add_assessment, make_agency, make_family, make_lab
from velferdslab.assessments.models import Assessment
from velferdslab.assumptions.services import default_set, to_params
from velferdslab.benefits.suppression import Suppression
from velferdslab.budgets.models import Budget, Contribution, Expenditure
from velferdslab.families.models import Family
from velferdslab.gains import kept
from velferdslab.gains.data import EngineInput, load_engine_input
from velferdslab.gains.region import region_report
from velferdslab.plans.models import Goal
from velferdslab.privacy.anonymise import anonymise_family
from velferdslab.vocabulary import DOMAINS, FamilyStatus

AS_OF = dt.date(2025, 12, 31)
DAY = st.integers(min_value=0, max_value=700).map(lambda d: dt.date(2024, 1, 1) + dt.timedelta(d))
LEVEL = st.one_of(st.none(), st.integers(min_value=0, max_value=3))
WHO = st.integers(min_value=0, max_value=50)  # which family (modulo those there are)

WRITES = st.one_of(
    st.tuples(st.just("reading"), WHO, DAY, st.lists(LEVEL, min_size=7, max_size=7)),
    st.tuples(st.just("edit reading"), WHO, LEVEL),
    st.tuples(st.just("delete reading"), WHO),
    st.tuples(
        st.just("spend"),
        WHO,
        DAY,
        st.integers(min_value=1, max_value=90_000),
        st.sampled_from(["approved", "pending", "rejected"]),
    ),
    st.tuples(st.just("decide"), WHO, st.sampled_from(["approved", "rejected"])),
    st.tuples(st.just("delete spending"), WHO),
    st.tuples(st.just("goal"), WHO, st.sampled_from(DOMAINS), st.integers(0, 3), DAY),
    st.tuples(st.just("delete goal"), WHO),
    st.tuples(st.just("contribution"), WHO, st.integers(min_value=1, max_value=50_000)),
    st.tuples(st.just("enrol"), st.booleans()),
    st.tuples(st.just("withdraw"), WHO),
    st.tuples(st.just("move"), WHO),
    st.tuples(st.just("anonymise"), WHO),
    st.tuples(st.just("delete family"), WHO),
    st.tuples(st.just("rename agency"), st.text(alphabet="abcæøå ", min_size=1, max_size=8)),
)


class Region:
    def __init__(self, db: scoped_session) -> None:  # type: ignore[type-arg]
        self.db = db
        self.labs: list[Lab] = [make_lab(db), make_lab(db)]
        self.other = make_agency(db, self.labs[0].municipality, "other", "state")
        for index in range(4):
            family = make_family(db, self.labs[index % 2], year=2025)
            add_assessment(db, family, dt.date(2024, 2, 1), housing=index % 4, work=1)
        self.ids = [lab.municipality.id for lab in self.labs]

    def families(self) -> list[Family]:
        return list(
            self.db.scalars(
                select(Family).where(Family.municipality_id.in_(self.ids)).order_by(Family.id)
            )
        )

    def pick(self, model: Any, who: int) -> Any:
        rows = list(
            self.db.scalars(
                select(model)
                .join(Family, Family.id == model.family_id)
                .where(Family.municipality_id.in_(self.ids))
                .order_by(model.id)
            )
        )
        return rows[who % len(rows)] if rows else None

    def write(self, step: tuple[Any, ...]) -> None:
        db, kind = self.db, step[0]
        families = self.families()
        who = step[1] if isinstance(step[1], int) and kind != "enrol" else None
        family = families[who % len(families)] if families and who is not None else None
        lab = self.labs[0]
        if kind == "reading" and family is not None:
            add_assessment(db, family, step[2], **dict(zip(DOMAINS, step[3], strict=True)))
        elif kind == "edit reading" and (reading := self.pick(Assessment, step[1])):
            reading.level_housing = step[2]
        elif kind == "delete reading" and (reading := self.pick(Assessment, step[1])):
            db.delete(reading)
        elif kind == "spend" and family is not None:
            budget = db.scalars(select(Budget).where(Budget.family_id == family.id)).first()
            if budget is not None:
                db.add(
                    Expenditure(
                        family_id=family.id,
                        budget_id=budget.id,
                        spent_on=step[2],
                        amount=Decimal(step[3]) / 7,
                        description="x",
                        paying_agency_id=self.other.id if step[3] % 2 else lab.nav.id,
                        status=step[4],
                        requested_by=lab.member.id,
                        decided_by=None if step[4] == "pending" else lab.lead.id,
                    )
                )
        elif kind == "decide" and (spending := self.pick(Expenditure, step[1])):
            spending.status, spending.decided_by = step[2], lab.lead.id
        elif kind == "delete spending" and (spending := self.pick(Expenditure, step[1])):
            db.delete(spending)
        elif kind == "goal" and family is not None:
            db.add(
                Goal(family_id=family.id, domain=step[2], target_level=step[3], target_date=step[4])
            )
        elif kind == "delete goal" and (goal := self.pick(Goal, step[1])):
            db.delete(goal)
        elif kind == "contribution" and (budget := self.pick(Budget, step[1])):
            db.execute(
                delete(Contribution).where(
                    Contribution.budget_id == budget.id, Contribution.agency_id == self.other.id
                )
            )
            db.add(
                Contribution(budget_id=budget.id, agency_id=self.other.id, amount=Decimal(step[2]))
            )
        elif kind == "enrol":
            new = make_family(db, self.labs[int(step[1])], year=2025)
            add_assessment(db, new, dt.date(2024, 3, 1), housing=2)
        elif kind == "withdraw" and family is not None:
            family.status, family.concluded_on = FamilyStatus.WITHDRAWN, dt.date(2025, 6, 1)
        elif kind == "move" and family is not None:
            family.municipality_id = (
                self.ids[1] if family.municipality_id == self.ids[0] else (self.ids[0])
            )
        elif kind == "anonymise" and family is not None:
            anonymise_family(db, family.id)
        elif kind == "delete family" and family is not None and len(families) > 1:
            db.execute(delete(Family).where(Family.id == family.id))
        elif kind == "rename agency":
            db.execute(
                update(type(self.other))
                .where(type(self.other).id == self.other.id)
                .values(name=step[1])
            )
        db.flush()
        db.expire_all()


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    # the kept spending statuses are categories: compared as their text
    text = {c: str for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)}
    return frame.astype(text).sort_values(list(frame.columns)).reset_index(drop=True)


def assert_same_tables(mine: EngineInput, fresh: EngineInput) -> None:
    for name in ("families", "assessments", "expenditures", "contributions", "budgets", "goals"):
        pd.testing.assert_frame_equal(
            _sorted(getattr(mine, name)), _sorted(getattr(fresh, name)), check_dtype=False
        )


def _report(data: EngineInput, params: Any, suppressed: bool) -> dict[str, Any]:
    suppression = Suppression(suppressed, 5) if suppressed else Suppression.off()
    return region_report(data, params, AS_OF, suppression)


@settings(
    max_examples=10,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(writes=st.lists(WRITES, min_size=1, max_size=8))
def test_kept_tables_brought_up_to_date_equal_a_fresh_read(
    db: scoped_session,  # type: ignore[type-arg]
    writes: list[tuple[Any, ...]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a test region is a handful of families: splice whatever share of them changed
    monkeypatch.setattr(kept, "FULL_SHARE", 1.0)
    savepoint = db.begin_nested()
    try:
        region = Region(db)
        params = to_params(default_set(db))
        # As the portfolio reads them: the region by COPY on PostgreSQL, and suppressed (a
        # regional leader's); each municipality by the driver's rows, open (an auditor's).
        scopes: dict[tuple[Any, ...], tuple[Any, bool]] = {
            ("test region", *region.ids): (Family.municipality_id.in_(region.ids), True),
            **{("test municipality", m): (Family.municipality_id == m, False) for m in region.ids},
        }
        for scope, (where, bulk) in scopes.items():  # kept before the writes
            kept.engine_tables(db, scope, where, bulk=bulk)
        reads = set()
        for step in writes:
            region.write(step)
            for scope, (where, bulk) in scopes.items():
                tables = kept.engine_tables(db, scope, where, bulk=bulk)
                reads.add(tables.read)
                fresh = load_engine_input(db, where, bulk=bulk)
                assert_same_tables(tables.data, fresh)
                assert _report(tables.data, params, bulk) == _report(fresh, params, bulk), (
                    scope,
                    step,
                )
        assert "full" not in reads  # every step was brought up to date, never read anew
    finally:
        savepoint.rollback()


def test_a_kept_scope_reads_only_the_families_that_changed(
    db: scoped_session,  # type: ignore[type-arg]
) -> None:
    region = Region(db)
    where = Family.municipality_id.in_(region.ids)
    scope = ("count", *region.ids)
    first = kept.engine_tables(db, scope, where)
    assert (first.read, first.changed) == ("full", 4)
    again = kept.engine_tables(db, scope, where)
    assert (again.read, again.changed, again.version) == ("kept", 0, first.version)
    family = region.families()[2]
    add_assessment(db, family, dt.date(2025, 1, 2), housing=3)
    after = kept.engine_tables(db, scope, where)
    assert (after.read, after.changed) == ("spliced", 1)
    assert after.version != first.version
    readings = after.data.assessments
    assert len(readings[readings["family_id"] == family.id]) == 2


def test_a_reading_leaves_the_other_kept_tables_uncopied(
    db: scoped_session,  # type: ignore[type-arg]
) -> None:
    """After a new reading the tables it did not touch are kept as they were, not copied again
    (a region's million spending rows: no second copy beside the kept one on each cold view)."""
    region = Region(db)
    where = Family.municipality_id.in_(region.ids)
    for family in range(len(region.families())):
        region.write(("spend", family, dt.date(2025, 1, 5), 700 + family, "approved"))
        region.write(("goal", family, "housing", 3, dt.date(2026, 1, 1)))
    first = kept.engine_tables(db, ("uncopied", *region.ids), where)
    add_assessment(db, region.families()[2], dt.date(2025, 1, 2), housing=3)
    after = kept.engine_tables(db, ("uncopied", *region.ids), where)
    assert (after.read, after.changed) == ("spliced", 1)
    assert_same_tables(after.data, load_engine_input(db, where))
    for name in ("expenditures", "contributions", "budgets", "goals"):
        before, now = getattr(first.data, name), getattr(after.data, name)
        assert len(before), name
        assert np.shares_memory(before["family_id"].to_numpy(), now["family_id"].to_numpy()), name
    readings = (first.data.assessments, after.data.assessments)
    assert len(readings[1]) == len(readings[0]) + 1  # the table the reading is in: spliced
