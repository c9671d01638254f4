"""A refused form never commits, whatever the page answers: every form of the lead's set-up
shows its refusal (the form comes back, 422, with what was typed), and nothing of the request
is kept — no half-written budget, no new year, no audit event of a change that did not happen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session

from tests.factories import Lab, make_family, make_lab, make_user
from tests.web.test_login import csrf_from, login
from velferdslab.audit.models import AuditEvent
from velferdslab.budgets.models import Budget, Contribution
from velferdslab.families.models import Consent, ConsentAgency, Family, TeamMembership
from velferdslab.vocabulary import Role


def state(db: scoped_session, family: Family) -> dict[str, Any]:
    """Everything the set-up forms can change, and the family's audit events of changes."""
    db.expire_all()
    fid = family.id
    rows = {
        "family": db.execute(
            select(Family.status, Family.enrolled_on, Family.concluded_on).where(Family.id == fid)
        ).all(),
        "consents": db.execute(
            select(Consent.id, Consent.given_on, Consent.withdrawn_on, Consent.scope)
            .where(Consent.family_id == fid)
            .order_by(Consent.id)
        ).all(),
        "consent_agencies": db.execute(
            select(ConsentAgency.consent_id, ConsentAgency.agency_id)
            .join(Consent, Consent.id == ConsentAgency.consent_id)
            .where(Consent.family_id == fid)
            .order_by(ConsentAgency.consent_id, ConsentAgency.agency_id)
        ).all(),
        "team": db.execute(
            select(
                TeamMembership.id,
                TeamMembership.user_id,
                TeamMembership.mandate_nok,
                TeamMembership.left_on,
            )
            .where(TeamMembership.family_id == fid)
            .order_by(TeamMembership.id)
        ).all(),
        "budgets": db.execute(
            select(Budget.year, Budget.amount).where(Budget.family_id == fid).order_by(Budget.year)
        ).all(),
        "contributions": db.execute(
            select(Budget.year, Contribution.agency_id, Contribution.amount)
            .join(Budget, Budget.id == Contribution.budget_id)
            .where(Budget.family_id == fid)
            .order_by(Budget.year, Contribution.agency_id)
        ).all(),
        "change_events": db.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.family_id == fid, AuditEvent.action.not_in(["read", "list"]))
        ),
    }
    return rows


def this_year() -> int:
    return dt.date.today().year


def membership_of(db: scoped_session, family: Family, lab: Lab) -> TeamMembership:
    return db.scalars(
        select(TeamMembership).where(
            TeamMembership.family_id == family.id, TeamMembership.user_id == lab.member.id
        )
    ).one()


def tomorrow() -> str:
    return (dt.date.today() + dt.timedelta(days=1)).isoformat()


def foreign_budget(db: scoped_session) -> tuple[str, dict[str, Any]]:
    foreign = make_lab(db).nav.id
    data = {
        "year": "2031",
        "amount": "1000",
        "contributing_agency": str(foreign),
        f"contribution_{foreign}": "10",
    }
    return "budget", data


# (form, what makes it refused) -> (path tail, form data); each is refused by the rules.
Refusal = Callable[[scoped_session, Lab, Family], tuple[str, dict[str, Any]]]
REFUSALS: dict[str, Refusal] = {
    "budget: contributions above a lowered amount": lambda db, lab, f: (
        "budget",
        {
            "year": str(this_year()),
            "amount": "120000",
            "contributing_agency": str(lab.nav.id),
            f"contribution_{lab.nav.id}": "150000",
        },
    ),
    "budget: a new year whose contributions exceed it": lambda db, lab, f: (
        "budget",
        {
            "year": "2031",
            "amount": "1000",
            "contributing_agency": str(lab.nav.id),
            f"contribution_{lab.nav.id}": "5000",
        },
    ),
    "budget: an agency of another municipality": lambda db, lab, f: foreign_budget(db),
    "consent: for no agency": lambda db, lab, f: (
        "consent",
        {"given_on": "2024-03-01", "scope": "alt"},
    ),
    "consent: an agency of another municipality": lambda db, lab, f: (
        "consent",
        {"given_on": "2024-03-01", "agency_ids": str(make_lab(db).nav.id), "scope": "alt"},
    ),
    "team: a person of another agency": lambda db, lab, f: (
        "team",
        {
            "user_id": str(
                make_user(
                    db, Role.TEAM_MEMBER, municipality=lab.municipality, agency=lab.housing
                ).id
            ),
            "agency_id": str(lab.nav.id),
            "mandate_nok": "100",
            "joined_on": "2024-03-01",
        },
    ),
    "team: a mandate out of range": lambda db, lab, f: (
        "team",
        {
            "user_id": str(
                make_user(db, Role.TEAM_MEMBER, municipality=lab.municipality, agency=lab.nav).id
            ),
            "agency_id": str(lab.nav.id),
            "mandate_nok": "99 999 999 999",
            "joined_on": "2024-03-01",
        },
    ),
    "withdraw consent: in the future": lambda db, lab, f: (
        f"consent/{db.scalars(select(Consent.id).where(Consent.family_id == f.id)).one()}/withdraw",
        {"withdrawn_on": tomorrow()},
    ),
    "mandate: negative": lambda db, lab, f: (
        f"team/{membership_of(db, f, lab).id}/mandate",
        {"mandate_nok": "-5"},
    ),
    "status: unknown": lambda db, lab, f: ("status", {"status": "paused", "on": "2024-05-01"}),
    "status: concluded before enrolment": lambda db, lab, f: (
        "status",
        {"status": "concluded", "on": "2020-01-01"},
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_refused_set_up_form_keeps_nothing(
    case: str, client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab, budget=Decimal("200000"))
    tail, data = REFUSALS[case](db, lab, family)
    login(client, lab.lead.username)
    token = csrf_from(client.get(f"/families/{family.id}").get_data(as_text=True))
    before = state(db, family)
    response = client.post(
        f"/families/{family.id}/setup/{tail}", data={**data, "csrf_token": token}
    )
    # A form with fields comes back with the refusal and what was typed (422); a one-button
    # action shows its refusal after a redirect.
    assert response.status_code in (302, 422)
    if response.status_code == 302:
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "flash-error" in page, "the refusal is shown"
    else:
        assert "error" in response.get_data(as_text=True), "the refusal is shown beside the form"
    assert state(db, family) == before


def test_ending_a_membership_twice_keeps_nothing_of_the_second(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    membership = membership_of(db, family, lab)
    login(client, lab.lead.username)
    token = csrf_from(client.get(f"/families/{family.id}").get_data(as_text=True))
    url = f"/families/{family.id}/setup/team/{membership.id}/end"
    assert client.post(url, data={"csrf_token": token, "confirmed": "yes"}).status_code == 302
    before = state(db, family)
    assert client.post(url, data={"csrf_token": token, "confirmed": "yes"}).status_code == 302
    assert state(db, family) == before


def test_the_budget_form_of_the_security_test_saves_nothing_and_the_api_agrees(
    client: FlaskClient, db: scoped_session
) -> None:
    """The exact reproduction: contributions of 150 000, the lead lowers the budget to 120 000."""
    lab = make_lab(db)
    family = make_family(db, lab, budget=Decimal("200000"))
    budget = db.scalars(select(Budget).where(Budget.family_id == family.id)).one()
    budget.contributions[0].amount = Decimal("150000")
    db.flush()
    login(client, lab.lead.username)
    token = csrf_from(client.get(f"/families/{family.id}").get_data(as_text=True))
    client.post(
        f"/families/{family.id}/setup/budget",
        data={
            "csrf_token": token,
            "year": str(this_year()),
            "amount": "120000",
            "contributing_agency": str(lab.nav.id),
            f"contribution_{lab.nav.id}": "150000",
        },
    )
    db.expire_all()
    assert db.get(Budget, budget.id).amount == Decimal("200000")  # type: ignore[union-attr]
