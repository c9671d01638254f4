"""The lead's and the admin's privacy pages: in bokmål, access-checked, audited, and a refused
form writes nothing."""

from __future__ import annotations

import datetime as dt
import json
import re

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session

from tests.factories import make_lab
from tests.privacy.fixtures import PARENT_ID, rich_family
from tests.reports.helpers import pdf_text
from tests.web.test_login import login
from velferdslab.audit.models import AuditEvent
from velferdslab.privacy.models import AccessRequest, LegalHold, RetentionPolicy


def csrf(html: str, prefix: str) -> str:
    name = f"{prefix}-csrf_token"
    match = re.search(rf'name="{name}" type="hidden" value="([^"]+)"', html)
    assert match, f"the {prefix} form carries a CSRF token"
    return match.group(1)


def count(db: scoped_session, model: type) -> int:
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


def test_the_lead_makes_and_downloads_a_package_and_places_a_hold(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = rich_family(db, lab, tag="Side")
    login(client, lab.lead.username)
    url = f"/families/{family.id}/privacy"
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Personvern og innsyn" in html and "Lag en innsynspakke" in html
    assert "Solveig Sidesen (forelder)" in html
    parent = family.members[0]
    # a refused form (a date in the future) answers 422 and writes nothing
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    refused = client.post(f"{url}/access", data={
        "access-csrf_token": csrf(html, "access"), "access-member_id": parent.id,
        "access-received_on": future, "access-language": "nb"})  # fmt: skip
    assert refused.status_code == 422
    assert "I dag eller tidligere." in refused.get_data(as_text=True)
    assert count(db, AccessRequest) == 0
    made = client.post(f"{url}/access", data={
        "access-csrf_token": csrf(html, "access"), "access-member_id": parent.id,
        "access-received_on": dt.date.today().isoformat(), "access-language": "nb"})  # fmt: skip
    assert made.status_code == 302
    request = db.scalars(select(AccessRequest)).one()
    pdf = client.get(f"/access-requests/{request.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    assert PARENT_ID in pdf_text(pdf.data)
    data = client.get(f"/access-requests/{request.id}.json")
    assert json.loads(data.data)["member"]["national_id"] == PARENT_ID
    downloads = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "download", AuditEvent.entity == "access_request"
        )
    ).all()
    assert [e.details["format"] for e in downloads] == ["pdf", "json"]
    listed = client.get(url).get_data(as_text=True)
    assert f"/access-requests/{request.id}.pdf" in listed

    form = {"hold-csrf_token": csrf(listed, "hold"), "hold-reason": "Klagesak"}
    held = client.post(f"{url}/hold", data=form)
    assert held.status_code == 302
    assert db.scalars(select(LegalHold)).one().reason == "Klagesak"
    # a team member, the admin and an outsider do not reach the page or the package
    for other in (lab.member, lab.admin, make_lab(db).lead):
        client.post("/logout", data={"csrf_token": ""})
        login(client, other.username)
        assert client.get(url).status_code == 404
        if other is not lab.admin:
            assert client.get(f"/access-requests/{request.id}.pdf").status_code == 404


def test_the_admin_sets_periods_holds_and_answers_a_letter_without_seeing_members(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = rich_family(db, lab, tag="Brev")
    login(client, lab.admin.username)
    html = client.get("/admin/privacy").get_data(as_text=True)
    assert "Lagringstid" in html and "Innsynsbegjæring mottatt per brev" in html
    assert "Solveig" not in html
    bad = client.post("/admin/privacy/retention", data={
        "retention-csrf_token": csrf(html, "retention"),
        "retention-municipality_id": lab.municipality.id, "retention-years": "0"})  # fmt: skip
    assert bad.status_code == 422 and "Fra 1 til 100." in bad.get_data(as_text=True)
    assert count(db, RetentionPolicy) == 0
    good = client.post("/admin/privacy/retention", data={
        "retention-csrf_token": csrf(html, "retention"),
        "retention-municipality_id": lab.municipality.id, "retention-years": "12"})  # fmt: skip
    assert good.status_code == 302
    assert db.get(RetentionPolicy, lab.municipality.id).years == 12  # type: ignore[union-attr]

    wrong = client.post("/admin/privacy/received", data={
        "received-csrf_token": csrf(html, "received"), "received-reference": family.reference,
        "received-national_id": "30108299920", "received-received_on": dt.date.today().isoformat(),
        "received-language": "nb"})  # fmt: skip
    assert wrong.status_code == 422
    assert "Ingen medlem med det nummeret" in wrong.get_data(as_text=True)
    assert count(db, AccessRequest) == 0
    right = client.post("/admin/privacy/received", data={
        "received-csrf_token": csrf(html, "received"),
        "received-reference": family.reference.lower(),
        "received-national_id": PARENT_ID, "received-received_on": dt.date.today().isoformat(),
        "received-language": "nb"})  # fmt: skip
    assert right.status_code == 302
    request = db.scalars(select(AccessRequest)).one()
    assert request.channel == "received" and request.requested_by == lab.admin.id
    assert client.get(f"/access-requests/{request.id}.pdf").status_code == 200

    hold = client.post("/admin/privacy/hold", data={
        "hold-csrf_token": csrf(html, "hold"), "hold-reference": family.reference,
        "hold-reason": "Tilsyn fra Datatilsynet"})  # fmt: skip
    assert hold.status_code == 302
    page = client.get("/admin/privacy").get_data(as_text=True)
    assert "Tilsyn fra Datatilsynet" in page
    dry = client.post("/admin/privacy/preview", data={"sweep-csrf_token": csrf(html, "sweep")})
    assert dry.status_code == 302
    assert "Prøvekjøring" in client.get("/admin/privacy").get_data(as_text=True)
