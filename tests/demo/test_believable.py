"""Demo data a caseworker believes (issue 22.9): notes that fit their levels, an overall level
that moves with the areas, spending asked for before it is decided, and one family (printed with
the demo logins) whose member's national id opens the README's access-request walk."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import make_lab
from tests.people.test_national_id import classic_check_digits
from tests.privacy.test_privacy_pages import csrf
from tests.web.test_login import login
from velferdslab.assessments.models import Assessment
from velferdslab.budgets.models import Expenditure
from velferdslab.demo.generator import DEMO_LOGINS, generate
from velferdslab.demo.reference import RATIONALES
from velferdslab.families.models import Family, Member, TeamMembership
from velferdslab.privacy.models import AccessRequest
from velferdslab.users.models import User
from velferdslab.vocabulary import DOMAINS

TODAY = dt.date(2026, 11, 23)
OSLO = ZoneInfo("Europe/Oslo")
# What the level criteria say a family at that level does not have (level-criteria.md)
NOT_AT_LEAST_STABLE = {
    "finance": "Sosialhjelp som hovedinntekt.",
    "housing": "Bor midlertidig hos slekt.",
    "school": "Mye fravær siste måned.",
    "health": "Venter på time i psykisk helsevern.",
}


@pytest.fixture
def demo(db: scoped_session) -> scoped_session:
    generate(db, families=120, municipalities=2, seed=11, today=TODAY)
    return db


def test_every_rationale_fits_the_level_it_explains(demo: scoped_session) -> None:
    readings = 0
    for assessment in demo.scalars(select(Assessment)).all():
        for domain in DOMAINS:
            level = getattr(assessment, f"level_{domain}")
            note = assessment.rationale.get(domain)
            if level is None or note is None:
                continue
            readings += 1
            assert note in RATIONALES[domain][level], (domain, level, note)
            if domain in NOT_AT_LEAST_STABLE:
                assert level < 2 or note != NOT_AT_LEAST_STABLE[domain], (domain, level, note)
    assert readings > 1000


def test_the_overall_level_moves_with_the_areas(demo: scoped_session) -> None:
    journeys: dict[int, list[Assessment]] = {}
    for assessment in demo.scalars(select(Assessment).order_by(Assessment.assessed_on)).all():
        journeys.setdefault(assessment.family_id, []).append(assessment)
    improved = moved = 0
    for readings in journeys.values():
        in_force: dict[str, int] = {}
        means = []
        for reading in readings:
            for domain in DOMAINS:
                if (level := getattr(reading, f"level_{domain}")) is not None:
                    in_force[domain] = level
            assert reading.overall == min(in_force.values())  # the shipped rule: the lowest
            means.append(sum(in_force.values()) / len(in_force))
        if means[-1] - means[0] >= 1:  # the areas rose a whole level on average
            improved += 1
            moved += readings[-1].overall > readings[0].overall
    assert improved >= 40
    assert moved >= 0.95 * improved, f"{moved} of {improved} families' overall level moved"


def test_spending_is_asked_for_before_its_decision_and_dated_no_later(
    demo: scoped_session,
) -> None:
    decided = 0
    for expenditure in demo.scalars(select(Expenditure)).all():
        requested = expenditure.created_at
        assert requested.astimezone(OSLO).date() <= TODAY
        if expenditure.decided_at is None:
            continue
        decided += 1
        decision = expenditure.decided_at
        assert requested <= decision, expenditure.id
        if expenditure.decided_by != expenditure.requested_by:  # the lead decided it later
            assert requested < decision, expenditure.id
        assert expenditure.spent_on <= decision.astimezone(OSLO).date(), expenditure.id
    assert decided > 500


def test_make_run_prints_a_demo_family_whose_national_id_opens_an_access_request(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    result = app.test_cli_runner().invoke(
        args=["demo", "--if-empty", "--families", "12", "--municipalities", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "demo-lead-2026" in result.output
    match = re.search(r"Demo family (\S+) .*national id (\d{11})", result.output)
    assert match, result.output
    reference, national_id = match.groups()
    assert classic_check_digits(national_id[:9]) == national_id[9:]
    family = db.scalars(select(Family).where(Family.reference == reference)).one()
    member = db.scalars(select(Member).where(Member.national_id == national_id)).one()
    assert member.family_id == family.id and family.status.value == "active"
    team = db.scalars(
        select(User.username)
        .join(TeamMembership, TeamMembership.user_id == User.id)
        .where(TeamMembership.family_id == family.id, TeamMembership.left_on.is_(None))
    ).all()
    assert {"lead", "member"} <= set(team)

    # the README's walk: the admin registers a letter by reference and national id
    admin, password = DEMO_LOGINS[0][0], DEMO_LOGINS[0][1]
    assert login(client, admin, password).status_code == 302
    html = client.get("/admin/privacy").get_data(as_text=True)
    made = client.post("/admin/privacy/received", data={
        "received-csrf_token": csrf(html, "received"), "received-reference": reference,
        "received-national_id": national_id, "received-received_on": TODAY.isoformat(),
        "received-language": "nb"}, follow_redirects=True)  # fmt: skip
    assert made.status_code == 200
    request = db.scalars(select(AccessRequest)).one()
    assert request.member_id == member.id
    # the confirmation carries the download beside it, at the top of the page
    page = made.get_data(as_text=True)
    confirmation = page[page.index("Innsynspakken er laget") :][:600]
    assert f"/access-requests/{request.id}.pdf" in confirmation
    assert client.get(f"/access-requests/{request.id}.pdf").status_code == 200


def test_demo_logins_are_printed_only_over_demo_data(app: Flask, db: scoped_session) -> None:
    make_lab(db)  # an operator's own data, no demo users
    result = app.test_cli_runner().invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "no demo logins" in result.output
    assert "demo-lead-2026" not in result.output
