"""Archiving on, into a folder of the test's own; every test in one app context (the hooks
read the app's settings, and the test and the services then share one session)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import scoped_session

from tests.factories import Lab, make_lab
from velferdslab.budgets import services as budgets
from velferdslab.families import services as families
from velferdslab.families.models import Family, Member
from velferdslab.plans import services as plans
from velferdslab.vocabulary import Protection


@pytest.fixture(autouse=True)
def in_app(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


@pytest.fixture
def drop(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """VELFERDSLAB_ARCHIVE_TRANSPORT=folder, VELFERDSLAB_ARCHIVE_FOLDER=<this folder>."""
    folder = tmp_path / "drop"
    monkeypatch.setitem(app.config, "ARCHIVE_TRANSPORT", "folder")
    monkeypatch.setitem(app.config, "ARCHIVE_FOLDER", str(folder))
    return folder


def enrolled_family(
    db: scoped_session, lab: Lab, protection: str = Protection.NONE, name: str = "Kari Nordmann"
) -> Family:
    """Referred, with a parent and a child, then enrolled: the case folder is queued."""
    family = families.create_family(
        db,
        municipality_id=lab.municipality.id,
        referred_on=dt.date(2024, 1, 2),
        investment_lead_id=lab.lead.id,
        protection=protection,
    )
    db.add_all(
        [
            Member(
                family_id=family.id, full_name=name, relation="parent", national_id="15076500565"
            ),
            Member(family_id=family.id, full_name=f"{name} jr.", relation="child"),
        ]
    )
    db.flush()
    families.update_family(db, family, {"status": "active", "enrolled_on": dt.date(2024, 1, 16)})
    return family


def whole_journey(db: scoped_session, lab: Lab, family: Family) -> None:
    """Consent, plan, team, a decision above the member's mandate, withdrawal, conclusion."""
    consent = families.record_consent(
        db, family, given_on=dt.date(2024, 1, 16), agency_ids=[lab.nav.id, lab.housing.id]
    )
    goal = {"domain": "housing", "target_level": 2, "target_date": dt.date(2025, 6, 1)}
    plans.add_goal(db, family, lab.lead.id, goal)
    families.add_team_member(
        db,
        family,
        user_id=lab.member.id,
        agency_id=lab.nav.id,
        team_role="member",
        mandate_nok=Decimal("1000"),
        joined_on=dt.date(2024, 1, 16),
    )
    budgets.set_budget(db, family, year=2024, amount=Decimal("50000"))
    expenditure = budgets.request_expenditure(
        db,
        family,
        lab.member,
        spent_on=dt.date(2024, 3, 1),
        amount=Decimal("8000"),
        description="Depositum",
        paying_agency_id=lab.nav.id,
        today=dt.date(2024, 3, 1),
    )
    budgets.decide_expenditure(db, family, expenditure, lab.lead, approve=True)
    families.change_consent(db, consent, {"withdrawn_on": dt.date(2024, 9, 1)}, dt.date(2024, 9, 1))
    families.update_family(db, family, {"status": "concluded", "concluded_on": dt.date(2024, 9, 2)})


@pytest.fixture
def lab(db: scoped_session) -> Lab:
    return make_lab(db)
