"""The lead's family page computes the family's gains and forecast from the records it has read,
without frames (velferdslab.gains.page_tables); the API reads frames. Both must answer the same,
to the last digit, for a family with every kind of record the engine treats apart."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import add_assessment, make_agency, make_family, make_lab
from velferdslab.assessments.queries import family_assessments
from velferdslab.budgets.models import Budget, Contribution, Expenditure
from velferdslab.families.models import Family
from velferdslab.gains.forecast import family_forecast, page_forecast
from velferdslab.gains.services import family_gains, page_gains
from velferdslab.municipalities.models import Agency
from velferdslab.plans.models import Goal
from velferdslab.vocabulary import ExpenditureStatus

TODAY = dt.date.today()


def busy_family(db: scoped_session) -> Family:
    """Two readings on one date (the later recorded wins), a repeated level, domains never
    assessed, a reading after today; spending approved, pending, rejected and dated after
    today, paid by three agencies, one in another municipality; contributions over two years;
    goals dated, undated, two on one date and one in a domain never assessed."""
    lab = make_lab(db)
    family = make_family(db, lab, budget=None)
    elsewhere = make_agency(db, make_lab(db).municipality, "child_welfare", "municipal")
    add_assessment(db, family, dt.date(2024, 3, 1), housing=0, work=1, finance=1)
    add_assessment(db, family, dt.date(2024, 3, 1), housing=1, work=1)
    add_assessment(db, family, dt.date(2024, 9, 15), housing=1, work=2, school=0)
    add_assessment(db, family, dt.date(2025, 2, 1), housing=2, work=2, school=1, finance=3)
    add_assessment(db, family, TODAY + dt.timedelta(days=30), housing=3)
    budgets = {
        year: Budget(family_id=family.id, year=year, amount=Decimal("90000.00"))
        for year in (2024, 2025)
    }
    db.add_all(budgets.values())
    db.flush()
    given = [
        (2024, lab.nav, "50000.10"),
        (2024, lab.housing, "39999.90"),
        (2025, lab.housing, "0.01"),
    ]
    db.add_all(
        Contribution(budget_id=budgets[year].id, agency_id=agency.id, amount=Decimal(amount))
        for year, agency, amount in given
    )
    spent = [
        (dt.date(2024, 4, 2), "1234.56", lab.nav, ExpenditureStatus.APPROVED),
        (dt.date(2024, 4, 2), "0.10", lab.nav, ExpenditureStatus.APPROVED),
        (dt.date(2024, 5, 1), "9999.99", lab.housing, ExpenditureStatus.APPROVED),
        (dt.date(2024, 6, 1), "500.00", lab.housing, ExpenditureStatus.PENDING),
        (dt.date(2024, 6, 2), "700.00", lab.nav, ExpenditureStatus.REJECTED),
        (dt.date(2025, 1, 9), "0.20", elsewhere, ExpenditureStatus.APPROVED),
        (TODAY + dt.timedelta(days=3), "800.00", lab.nav, ExpenditureStatus.APPROVED),
    ]
    db.add_all(
        Expenditure(
            family_id=family.id,
            budget_id=budgets[on.year if on.year in budgets else 2025].id,
            spent_on=on,
            amount=Decimal(amount),
            description="Kurs",
            paying_agency_id=agency.id,
            status=status,
            requested_by=lab.member.id,
            decided_by=None if status == ExpenditureStatus.PENDING else lab.lead.id,
            decided_at=None if status == ExpenditureStatus.PENDING else dt.datetime(2025, 3, 1),
        )
        for on, amount, agency, status in spent
    )
    later = TODAY + dt.timedelta(days=400)
    goals = [
        ("housing", 2, dt.date(2024, 12, 1)),
        ("housing", 3, dt.date(2024, 12, 1)),
        ("work", 3, later),
        ("school", 2, None),
        ("health", 2, dt.date(2025, 6, 1)),
    ]
    db.add_all(
        Goal(family_id=family.id, domain=domain, target_level=level, target_date=on)
        for domain, level, on in goals
    )
    db.flush()
    return family


def test_the_pages_gains_and_forecast_are_the_apis_to_the_last_digit(
    app: Flask, db: scoped_session
) -> None:
    family = busy_family(db)
    with app.app_context():
        assessments = family_assessments(db, family.id)
        expenditures = db.scalars(
            select(Expenditure)
            .where(Expenditure.family_id == family.id)
            .order_by(Expenditure.spent_on.desc(), Expenditure.id.desc())
        ).all()
        budgets = db.scalars(
            select(Budget).where(Budget.family_id == family.id).order_by(Budget.year.desc())
        ).all()
        agencies = db.scalars(
            select(Agency).where(Agency.municipality_id == family.municipality_id)
        ).all()
        goals = db.scalars(select(Goal).where(Goal.family_id == family.id)).all()
        page = page_gains(family, assessments, expenditures, budgets, agencies, goals)
        api = family_gains(family, {})
        page_plan = page_forecast(family, assessments, expenditures, goals)
        api_plan = family_forecast(family, TODAY)
    # The agency of another municipality is not among the page's agencies: unnamed there.
    elsewhere = [line for line in api["spending_by_agency"] if line["amount"] == 0.2]
    assert [line["agency"] for line in page["spending_by_agency"] if line["amount"] == 0.2] == [
        None
    ]
    for line in elsewhere:
        line["agency"] = None
    assert page == api
    assert page_plan == api_plan
    # and what the page shows is what was stored: approved up to today, by agency, in øre
    by_agency = {line["agency"]: line["amount"] for line in page["spending_by_agency"]}
    assert sorted(by_agency.values()) == [0.2, 1234.66, 9999.99]
    assert page["spending"] == 11234.85
    assert [(c["year"], c["amount"]) for c in page["contributions"]] == [
        (2024, 50000.1),
        (2024, 39999.9),
        (2025, 0.01),
    ]
