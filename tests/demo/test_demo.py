"""Demo data: deterministic, plausible, and within every rule the service enforces."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session

from tests.people.test_national_id import classic_check_digits
from velferdslab.assessments.models import Assessment
from velferdslab.budgets.models import Budget, Contribution, Expenditure
from velferdslab.demo.generator import DEMO_LOGINS, generate
from velferdslab.families.models import Family, Member, TeamMembership
from velferdslab.municipalities.models import Municipality
from velferdslab.users.models import User
from velferdslab.users.services import verify_password

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def demo(db: scoped_session) -> scoped_session:
    generate(db, families=60, municipalities=2, seed=11, today=TODAY)
    return db


def test_every_role_has_a_demo_login(demo: scoped_session) -> None:
    roles = set()
    for username, password, expected_roles, regional in DEMO_LOGINS:
        user = demo.scalars(select(User).where(User.username == username)).one()
        assert verify_password(user.password_hash, password)
        assert user.roles == set(expected_roles)
        assert (user.municipality_id is None) == regional
        roles |= user.roles
    assert roles == {"admin", "investment_lead", "team_member", "leader", "auditor"}


def test_real_municipalities_and_well_formed_references(demo: scoped_session) -> None:
    names = demo.scalars(select(Municipality.name).order_by(Municipality.id)).all()
    assert names == ["Asker", "Bærum"]
    references = demo.scalars(select(Family.reference)).all()
    assert len(references) == len(set(references)) == 60
    assert all(r.split("-")[0] in ("ASK", "BAR") and len(r.split("-")[2]) == 4 for r in references)


def test_spending_keeps_to_budgets_and_mandates(demo: scoped_session) -> None:
    approved = demo.execute(
        select(Expenditure.budget_id, func.sum(Expenditure.amount))
        .where(Expenditure.status == "approved")
        .group_by(Expenditure.budget_id)
    ).all()
    budgets = {row[0]: row[1] for row in demo.execute(select(Budget.id, Budget.amount))}
    assert approved and all(Decimal(total) <= budgets[bid] for bid, total in approved)
    contributions = dict(
        demo.execute(
            select(Contribution.budget_id, func.sum(Contribution.amount)).group_by(
                Contribution.budget_id
            )
        ).all()
    )
    assert all(Decimal(contributions[bid]) == amount for bid, amount in budgets.items())
    for expenditure in demo.scalars(select(Expenditure)).all():
        family = demo.get_one(Family, expenditure.family_id)
        mandate = demo.scalar(
            select(func.max(TeamMembership.mandate_nok)).where(
                TeamMembership.family_id == family.id,
                TeamMembership.user_id == expenditure.requested_by,
            )
        )
        assert expenditure.budget_id == demo.scalar(
            select(Budget.id).where(
                Budget.family_id == family.id, Budget.year == expenditure.spent_on.year
            )
        )
        if expenditure.status.value == "approved" and expenditure.amount > mandate:
            assert expenditure.decided_by == family.investment_lead_id


def test_dates_in_order_and_national_ids_valid(demo: scoped_session) -> None:
    for family in demo.scalars(select(Family)).all():
        assert family.referred_on <= TODAY
        if family.enrolled_on:
            assert family.referred_on <= family.enrolled_on <= TODAY
        if family.concluded_on:
            assert family.enrolled_on is None or family.enrolled_on <= family.concluded_on
    numbers = demo.scalars(select(Member.national_id).where(Member.national_id.is_not(None)))
    for number in numbers:
        assert classic_check_digits(number[:9]) == number[9:]


def test_journeys_mostly_improve_and_some_relapse(demo: scoped_session) -> None:
    rows = demo.execute(
        select(Assessment.family_id, Assessment.overall).order_by(
            Assessment.family_id, Assessment.assessed_on, Assessment.id
        )
    ).all()
    journeys: dict[int, list[int]] = {}
    for family_id, overall in rows:
        journeys.setdefault(family_id, []).append(overall)
    long = [j for j in journeys.values() if len(j) >= 4]
    better = sum(1 for j in long if j[-1] > j[0])
    relapsed = sum(1 for j in long if any(b < a for a, b in itertools.pairwise(j)))
    assert better > len(long) / 2
    assert relapsed > 0
    statuses = set(demo.scalars(select(Family.status)).all())
    assert len(statuses) >= 3


def test_the_same_seed_gives_the_same_data(db: scoped_session) -> None:
    first = generate(db, families=5, municipalities=1, seed=3, today=TODAY)
    snapshot = db.execute(
        select(Family.reference, Assessment.level_housing, Assessment.assessed_on)
        .join(Assessment, Assessment.family_id == Family.id)
        .order_by(Assessment.id)
    ).all()
    db.rollback()
    generate(db, families=5, municipalities=1, seed=3, today=TODAY)
    again = db.execute(
        select(Family.reference, Assessment.level_housing, Assessment.assessed_on)
        .join(Assessment, Assessment.family_id == Family.id)
        .order_by(Assessment.id)
    ).all()
    assert snapshot == again and first.rows["family"] == 5


def test_ordinary_inserts_work_after_generation(demo: scoped_session) -> None:
    # Explicit ids in the bulk load must leave the sequences (PostgreSQL) past them.
    municipality = Municipality(name="Testby", number="9999", reference_prefix="TST")
    demo.add(municipality)
    demo.flush()
    assert municipality.id > 2


def test_spending_reads_like_a_labs_year(demo: scoped_session) -> None:
    """Decisions after requests, payers that fit what is bought, budgets used but not emptied."""
    from velferdslab.demo.reference import FUNDERS, SPENDING
    from velferdslab.municipalities.models import Agency

    kinds = dict(demo.execute(select(Agency.id, Agency.kind)).all())
    payers = {description: allowed for description, _, _, allowed in SPENDING}
    expenditures = demo.scalars(select(Expenditure)).all()
    for expenditure in expenditures:
        assert kinds[expenditure.paying_agency_id].value in payers[expenditure.description]
        if expenditure.decided_at is not None:
            assert expenditure.decided_at >= expenditure.created_at, expenditure.id
            assert expenditure.decided_at.date() <= TODAY
        assert expenditure.created_at.date() <= expenditure.spent_on
    notes = [e.decision_note for e in expenditures if e.status.value == "rejected"]
    assert notes and all(notes)  # a refusal says why
    funders = {kinds[a].value for a in demo.scalars(select(Contribution.agency_id))}
    assert funders <= set(FUNDERS) and "police" not in funders
    # Last year's budgets, as a whole: most of the money used, none overspent.
    year = TODAY.year - 1
    budget = demo.scalar(select(func.sum(Budget.amount)).where(Budget.year == year))
    spent = demo.scalar(
        select(func.sum(Expenditure.amount))
        .join(Budget, Budget.id == Expenditure.budget_id)
        .where(Budget.year == year, Expenditure.status == "approved")
    )
    assert 0.4 < float(spent) / float(budget) < 0.95
