"""The forms' finish (issue 22.4): a goal has a target date still ahead, a date field with an
obvious default has it (today in Oslo), "Add to the team" proposes the person's own agency, and
the retention period reads a whole number typed as text."""

from __future__ import annotations

import datetime as dt

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import make_family, make_lab, make_user
from tests.privacy.test_privacy_pages import csrf
from tests.web.test_login import csrf_from, login
from velferdslab.families.models import TeamMembership
from velferdslab.formatting import oslo_today
from velferdslab.plans.models import Goal
from velferdslab.privacy.models import RetentionPolicy
from velferdslab.vocabulary import Role


def test_a_goal_needs_a_target_date_that_has_not_passed(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    login(client, lab.lead.username)
    url = f"/families/{family.id}/plan/goals/new"
    token = csrf_from(client.get(url).get_data(as_text=True))
    goal = {"csrf_token": token, "domain": "work", "target_level": "2", "description": "Jobb"}
    missing = client.post(url, data={**goal, "target_date": ""})
    assert missing.status_code == 422
    assert "Oppgi datoen familien sikter mot å være der." in missing.get_data(as_text=True)
    passed = client.post(url, data={**goal, "target_date": "2020-01-01"})
    assert passed.status_code == 422
    html = passed.get_data(as_text=True)
    assert "Datoen har passert: velg i dag eller en senere dato." in html
    assert 'value="2020-01-01"' in html  # kept as typed
    assert db.scalars(select(Goal).where(Goal.family_id == family.id)).all() == []
    ahead = (oslo_today() + dt.timedelta(days=200)).isoformat()
    assert client.post(url, data={**goal, "target_date": ahead}).status_code == 302


def test_a_goal_already_due_can_still_be_saved_with_its_own_date(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    due = Goal(family_id=family.id, domain="work", target_level=2, target_date=dt.date(2024, 6, 1))
    db.add(due)
    db.flush()
    login(client, lab.lead.username)
    url = f"/families/{family.id}/plan/goals/{due.id}"
    token = csrf_from(client.get(url).get_data(as_text=True))
    kept = client.post(url, data={"csrf_token": token, "domain": "work", "target_level": "2",
                                  "target_date": "2024-06-01", "closed": "y",
                                  "version": str(due.version)})  # fmt: skip
    assert kept.status_code == 302  # closed on its own (passed) date
    moved = client.post(url, data={
        "csrf_token": token, "domain": "work", "target_level": "2", "target_date": "2024-07-01",
        "version": str(due.version)})  # fmt: skip
    assert moved.status_code == 422  # but never moved to another passed date


def test_add_to_the_team_proposes_the_persons_own_agency(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    newcomer = make_user(db, Role.TEAM_MEMBER, municipality=lab.municipality, agency=lab.housing)
    login(client, lab.lead.username)
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert (
        '<select id="agency_id" name="agency_id"><option value="">Personens egen virksomhet' in page
    )
    today = oslo_today().isoformat()
    assert f'id="joined_on" name="joined_on" type="date" value="{today}"' in page
    assert f'id="on" name="on" type="date" value="{today}"' in page  # the status's date
    added = client.post(
        f"/families/{family.id}/setup/team",
        data={"csrf_token": csrf_from(page), "user_id": str(newcomer.id), "agency_id": "",
              "mandate_nok": "5 000", "joined_on": today},
    )  # fmt: skip
    assert added.status_code == 302
    membership = db.scalars(
        select(TeamMembership).where(
            TeamMembership.family_id == family.id, TeamMembership.user_id == newcomer.id
        )
    ).one()
    assert membership.agency_id == lab.housing.id


def test_the_retention_period_is_a_whole_number_typed_as_text(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    login(client, lab.admin.username)
    page = client.get("/admin/privacy").get_data(as_text=True)
    assert 'inputmode="numeric"' in page and 'type="number"' not in page
    data = {"retention-csrf_token": csrf(page, "retention"),
            "retention-municipality_id": lab.municipality.id}  # fmt: skip
    refused = client.post("/admin/privacy/retention", data={**data, "retention-years": "12,5"})
    assert refused.status_code == 422
    assert "Et helt tall, uten desimaler." in refused.get_data(as_text=True)
    saved = client.post("/admin/privacy/retention", data={**data, "retention-years": " 12 "})
    assert saved.status_code == 302
    assert db.get(RetentionPolicy, lab.municipality.id).years == 12  # type: ignore[union-attr]
