"""Who reaches an access package (issue 23, findings 2 and 13): the family's current lead every
package of the family; an admin only the packages they made for a request received by letter;
nobody by having issued one once their relation to the family ended."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import Lab, auth, make_lab, make_user
from tests.privacy.fixtures import PARENT_ID, rich_family
from velferdslab.families.models import Family
from velferdslab.privacy.access_request import start_access_request
from velferdslab.privacy.models import AccessRequest
from velferdslab.users.models import UserRole
from velferdslab.vocabulary import Role


def browser(app: Flask, user: Any) -> FlaskClient:
    """A browser with a session of the user (signing in with the form is tested elsewhere)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session.update(user_id=user.id, epoch=user.session_epoch, since=int(time.time()))
    return client


def packages(app: Flask, db: scoped_session) -> tuple[Lab, Family, AccessRequest, AccessRequest]:
    """A package the lead made, and one an admin made for a letter, of the same family."""
    lab = make_lab(db)
    family = rich_family(db, lab, tag="Rekk")
    parent_id, today = family.members[0].id, dt.date.today()
    # in an app context of its own, as a request: the requests below then have their own
    with app.app_context():
        by_lead = start_access_request(db, lab.lead, family.id, parent_id, today)
        by_letter = start_access_request(db, lab.admin, family.id, parent_id, today)
        db.commit()  # as the request that made them does
    return lab, family, by_lead, by_letter


def downloads(app: Flask, user: Any, request: AccessRequest) -> tuple[int, int]:
    client = browser(app, user)
    return (
        client.get(f"/access-requests/{request.id}.pdf").status_code,
        client.get(f"/access-requests/{request.id}.json").status_code,
    )


def test_an_admin_downloads_only_the_packages_they_made_for_a_letter(
    app: Flask, db: scoped_session
) -> None:
    lab, _, by_lead, by_letter = packages(app, db)
    regional = make_user(db, Role.ADMIN)  # no municipality: every municipality's admin
    colleague = make_user(db, Role.ADMIN, municipality=lab.municipality)
    # the lead's package holds every member, note and reading: no admin gets it
    for admin in (lab.admin, regional, colleague):
        assert downloads(app, admin, by_lead) == (404, 404)
    # the package an admin made for a letter is theirs, not another admin's
    assert downloads(app, lab.admin, by_letter) == (200, 200)
    assert downloads(app, colleague, by_letter) == (404, 404)
    assert downloads(app, regional, by_letter) == (404, 404)
    # the lead reaches both
    assert downloads(app, lab.lead, by_lead) == (200, 200)
    assert downloads(app, lab.lead, by_letter) == (200, 200)
    # the admin's page lists only their own letter's package
    page = browser(app, lab.admin).get("/admin/privacy").get_data(as_text=True)
    assert f"/access-requests/{by_letter.id}.pdf" in page
    assert f"/access-requests/{by_lead.id}.pdf" not in page
    assert "Pakker du har laget" in page
    assert PARENT_ID not in page and "Solveig" not in page


def test_an_issuer_who_is_no_longer_the_lead_loses_the_package_over_the_api(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    lab, family, by_lead, _ = packages(app, db)
    report_id = by_lead.report_id
    before = client.get(f"/api/v1/reports/{report_id}/pdf", headers=auth(db, lab.lead))
    assert before.status_code == 200
    # the family gets another lead: the first one's relation ended
    successor = make_user(db, Role.INVESTMENT_LEAD, municipality=lab.municipality)
    family.investment_lead_id = successor.id
    db.flush()
    old = auth(db, lab.lead)
    assert client.get(f"/api/v1/reports/{report_id}/pdf", headers=old).status_code == 404
    assert client.get(f"/api/v1/reports/{report_id}", headers=old).status_code == 404
    listed = client.get("/api/v1/reports", headers=old).get_json()
    assert report_id not in {row["id"] for row in listed}
    assert downloads(app, lab.lead, by_lead) == (404, 404)
    # the new lead reads it, as every other record of the family
    new = auth(db, successor)
    assert client.get(f"/api/v1/reports/{report_id}/pdf", headers=new).status_code == 200
    assert downloads(app, successor, by_lead) == (200, 200)


def test_an_admin_whose_role_ends_loses_the_package_they_made(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    lab, _, _, by_letter = packages(app, db)
    assert downloads(app, lab.admin, by_letter) == (200, 200)
    lab.admin.role_rows = [UserRole(role=Role.TEAM_MEMBER)]
    db.flush()
    assert downloads(app, lab.admin, by_letter) == (404, 404)
    pdf = client.get(f"/api/v1/reports/{by_letter.report_id}/pdf", headers=auth(db, lab.admin))
    assert pdf.status_code == 404
