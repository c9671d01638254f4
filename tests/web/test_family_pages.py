"""The team member's pages: my families, the family page with its journey, and access."""

from __future__ import annotations

import datetime as dt

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import add_assessment, make_family, make_lab, make_user
from tests.web.test_login import login
from velferdslab.vocabulary import Protection, Role


def test_my_families_lists_the_teams_families_with_their_level(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    mine = make_family(db, lab)
    add_assessment(db, mine, dt.date(2025, 1, 6), housing=0, work=1)
    add_assessment(db, mine, dt.date(2025, 4, 7), housing=2, work=2)
    no_consent = make_family(db, lab, consent=False)
    login(client, lab.member.username)
    page = client.get("/families").get_data(as_text=True)
    assert mine.reference in page and no_consent.reference not in page
    assert "07.04.2025" in page and "stabil" in page


def test_the_family_page_shows_the_journey_chart_and_its_table(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    add_assessment(db, family, dt.date(2025, 1, 6), housing=0, work=1)
    add_assessment(db, family, dt.date(2025, 4, 7), housing=2)
    login(client, lab.member.username)
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert '<svg role="img"' in page
    # work is carried forward from January: utsatt in both rows of the table
    assert page.count("<td>utsatt</td>") >= 2
    assert "Barnas oppvekstsvilkår" in page


def test_families_outside_the_users_reach_are_404_pages(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    strict = make_family(db, lab, protection=Protection.STRICTLY_CONFIDENTIAL)
    outsider = make_user(db, Role.TEAM_MEMBER, municipality=lab.municipality, agency=lab.nav)
    login(client, outsider.username)
    assert client.get(f"/families/{strict.id}").status_code == 404
    login(client, lab.leader.username)
    assert client.get(f"/families/{strict.id}").status_code == 404
    assert client.get("/families").status_code == 403
