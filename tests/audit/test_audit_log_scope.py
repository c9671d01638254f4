"""The audit log (API and page) never shows the events of a family the reader may not see:
a strictly confidential (kode 6) family's events reach neither auditors nor admins."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import auth, make_family, make_lab, make_user
from tests.web.test_login import login
from velferdslab.vocabulary import Protection, Role


def test_kode_6_families_are_not_on_the_audit_log(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    open_family = make_family(db, lab)
    strict = make_family(db, lab, protection=Protection.STRICTLY_CONFIDENTIAL)
    team = auth(db, lab.member)
    for family in (open_family, strict):
        assert client.get(f"/api/v1/families/{family.id}/members", headers=team).status_code == 200
    regional_auditor = make_user(db, Role.AUDITOR)
    for reader in (lab.auditor, lab.admin, regional_auditor):
        headers = auth(db, reader)
        assert client.get(f"/api/v1/families/{strict.id}", headers=headers).status_code == 404
        shown = client.get(f"/api/v1/audit-events?family_id={strict.id}", headers=headers)
        assert shown.status_code == 200 and shown.get_json() == []
        everything = client.get("/api/v1/audit-events?page_size=500", headers=headers)
        families = {event["family_id"] for event in everything.get_json()}
        assert open_family.id in families and strict.id not in families
    # the lead sees every event of the family on its own access log
    lead_log = client.get(f"/api/v1/families/{strict.id}/access-log", headers=auth(db, lab.lead))
    assert {event["family_id"] for event in lead_log.get_json()} == {strict.id}

    browser = app.test_client()
    login(browser, lab.auditor.username)
    page = browser.get("/audit/log")
    assert page.status_code == 200
    html = page.get_data(as_text=True)  # families by reference, as the page names them
    assert open_family.reference in html and strict.reference not in html


def test_a_municipal_auditor_sees_role_grants_to_its_users_by_a_regional_admin(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    regional_admin = make_user(db, Role.ADMIN)
    response = client.patch(
        f"/api/v1/users/{lab.leader.id}",
        json={"roles": ["leader", "auditor"]},
        headers=auth(db, regional_admin),
    )
    assert response.status_code == 200
    events = client.get(
        f"/api/v1/audit-events?entity=user&user_id={regional_admin.id}",
        headers=auth(db, lab.auditor),
    ).get_json()
    changes = {(e["action"], e["entity_id"]) for e in events if e["action"] != "read"}
    assert changes == {("update", lab.leader.id), ("grant_family_access", lab.leader.id)}
