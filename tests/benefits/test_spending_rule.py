"""Approved spending up to a date is one rule: the engine's and the portfolio's rows, one
family's figures and the reports' queries count the same spending."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import make_family, make_lab
from velferdslab.benefits.spending import approved_by, is_approved_by
from velferdslab.budgets.models import Budget, Expenditure
from velferdslab.vocabulary import ExpenditureStatus

AS_OF = dt.date(2025, 6, 30)
rows = st.lists(
    st.tuples(
        st.sampled_from(["approved", "pending", "rejected"]),
        st.dates(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    ),
    max_size=20,
)


def test_by_hand() -> None:
    assert is_approved_by("approved", AS_OF, AS_OF)  # the valuation date itself counts
    assert not is_approved_by("approved", AS_OF + dt.timedelta(days=1), AS_OF)
    assert not is_approved_by("pending", AS_OF, AS_OF)


@given(rows)
def test_rows_and_one_spending_agree(spending: list[tuple[str, dt.date]]) -> None:
    status = np.array([s for s, _ in spending], dtype=object)
    dates = np.array([d for _, d in spending], dtype="datetime64[D]")
    chosen = approved_by(status, dates, AS_OF)
    assert chosen.tolist() == [is_approved_by(s, d, AS_OF) for s, d in spending]


def test_a_query_and_a_record_agree(db: scoped_session) -> None:  # type: ignore[type-arg]
    lab = make_lab(db)
    family = make_family(db, lab)
    budget = db.scalars(select(Budget).where(Budget.family_id == family.id)).first()
    assert budget is not None
    cases = [
        (ExpenditureStatus.APPROVED, AS_OF - dt.timedelta(days=1)),
        (ExpenditureStatus.APPROVED, AS_OF),
        (ExpenditureStatus.APPROVED, AS_OF + dt.timedelta(days=1)),
        (ExpenditureStatus.PENDING, AS_OF - dt.timedelta(days=1)),
        (ExpenditureStatus.REJECTED, AS_OF - dt.timedelta(days=1)),
    ]
    made = []
    for status, on in cases:
        decided = lab.lead.id if status != ExpenditureStatus.PENDING else None
        row = Expenditure(
            family_id=family.id, budget_id=budget.id, spent_on=on, amount=Decimal("100.50"),
            description="Busskort", paying_agency_id=lab.nav.id, status=status,
            requested_by=lab.member.id, decided_by=decided,
        )  # fmt: skip
        db.add(row)
        made.append(row)
    db.flush()
    in_sql = set(
        db.scalars(
            select(Expenditure.id).where(
                Expenditure.family_id == family.id, Expenditure.approved_by(AS_OF)
            )
        )
    )
    assert in_sql == {row.id for row in made if row.approved_by(AS_OF)}
    assert len(in_sql) == 2  # the day before and the valuation date itself
