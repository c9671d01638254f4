"""The spending rules: mandate, the year's budget, the lead's decision — and under concurrency."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session, scoped_session

from tests.factories import make_family, make_lab
from velferdslab.budgets.models import Expenditure
from velferdslab.budgets.services import decide_expenditure, request_expenditure, set_budget
from velferdslab.errors import Conflict, NotFound
from velferdslab.extensions import db as flask_db
from velferdslab.families.models import Family
from velferdslab.users.models import User
from velferdslab.vocabulary import ExpenditureStatus

TODAY = dt.date.today()


def spend(session, family, user, amount: str, agency_id: int):  # type: ignore[no-untyped-def]
    return request_expenditure(
        session,
        family,
        user,
        spent_on=TODAY,
        amount=Decimal(amount),
        description="Bussbillett",
        paying_agency_id=agency_id,
    )


def test_within_mandate_is_approved_at_once_by_the_requester(db: scoped_session) -> None:
    lab = make_lab(db)
    family = make_family(db, lab, member_mandate=Decimal("10000"))
    expenditure = spend(db, family, lab.member, "10000.00", lab.nav.id)
    assert expenditure.status == ExpenditureStatus.APPROVED
    assert expenditure.decided_by == lab.member.id


def test_above_mandate_waits_for_the_lead_who_approves_it(db: scoped_session) -> None:
    lab = make_lab(db)
    family = make_family(db, lab, member_mandate=Decimal("10000"))
    expenditure = spend(db, family, lab.member, "10000.01", lab.nav.id)
    assert expenditure.status == ExpenditureStatus.PENDING
    assert expenditure.decided_by is None
    with pytest.raises(NotFound):
        decide_expenditure(db, family, expenditure, lab.member, approve=True)
    decide_expenditure(db, family, expenditure, lab.lead, approve=True)
    assert (expenditure.status, expenditure.decided_by) == (ExpenditureStatus.APPROVED, lab.lead.id)
    with pytest.raises(Conflict, match="already approved"):
        decide_expenditure(db, family, expenditure, lab.lead, approve=False)


def test_the_year_budget_is_never_passed(db: scoped_session) -> None:
    lab = make_lab(db)
    family = make_family(db, lab, budget=Decimal("25000"), member_mandate=Decimal("20000"))
    spend(db, family, lab.member, "20000", lab.nav.id)
    with pytest.raises(Conflict, match=r"5000\.00 NOK of 25000\.00 NOK is left"):
        spend(db, family, lab.member, "5000.01", lab.nav.id)
    spend(db, family, lab.member, "5000", lab.nav.id)
    approved = db.scalar(
        select(func.sum(Expenditure.amount)).where(Expenditure.status == ExpenditureStatus.APPROVED)
    )
    assert Decimal(approved) == Decimal("25000")


def test_approving_a_pending_request_rechecks_the_budget(db: scoped_session) -> None:
    lab = make_lab(db)
    family = make_family(db, lab, budget=Decimal("30000"), member_mandate=Decimal("10000"))
    pending = spend(db, family, lab.member, "20000", lab.nav.id)
    spend(db, family, lab.lead, "15000", lab.nav.id)  # the lead decides alone
    with pytest.raises(Conflict, match="would be exceeded"):
        decide_expenditure(db, family, pending, lab.lead, approve=True)
    assert pending.status == ExpenditureStatus.PENDING


def test_no_budget_for_the_year_is_a_conflict(db: scoped_session) -> None:
    lab = make_lab(db)
    family = make_family(db, lab, budget=None)
    with pytest.raises(Conflict, match="no budget"):
        spend(db, family, lab.member, "100", lab.nav.id)


def test_a_budget_cannot_go_below_what_is_approved(db: scoped_session) -> None:
    lab = make_lab(db)
    family = make_family(db, lab, budget=Decimal("50000"), member_mandate=Decimal("40000"))
    spend(db, family, lab.member, "40000", lab.nav.id)
    with pytest.raises(Conflict, match=r"40000\.00 NOK is already approved"):
        set_budget(db, family, year=TODAY.year, amount=Decimal("39999.99"))


def test_twenty_concurrent_requests_never_pass_the_budget(
    committing_app: Flask, database_url: str
) -> None:
    """Bar R3: 20 threads spend 10 000 each against a 95 000 budget at the same moment.

    PostgreSQL decides them one after the other through the budget row's lock; SQLite through
    its write lock taken at BEGIN IMMEDIATE."""
    with committing_app.app_context():
        session = Session(flask_db.engine, expire_on_commit=False)
        lab = make_lab(session)
        family = make_family(session, lab, budget=Decimal("95000"), member_mandate=Decimal("10000"))
        session.commit()
        engine = flask_db.engine
        family_id, member_id, nav_id = family.id, lab.member.id, lab.nav.id
    barrier = threading.Barrier(20)
    outcomes: list[str] = []

    def worker() -> None:
        with Session(engine, expire_on_commit=False) as own:
            barrier.wait()
            try:
                spend(
                    own,
                    own.get_one(Family, family_id),
                    own.get_one(User, member_id),
                    "10000",
                    nav_id,
                )
                own.commit()
                outcomes.append("approved")
            except Conflict:
                own.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with Session(engine) as check:
        total = check.scalar(select(func.sum(Expenditure.amount)))
    assert sorted(outcomes) == ["approved"] * 9 + ["refused"] * 11
    assert Decimal(total) == Decimal("90000")
