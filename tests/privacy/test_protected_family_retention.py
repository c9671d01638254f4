"""A strictly confidential (kode 6) family on the admin's privacy page (issue 23, finding 6):
counted, never listed — not its reference, end date or legal hold — and not anonymised by the
admin's sweep; its lead confirms its anonymisation on the family's own privacy page."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import Lab, make_lab
from tests.privacy.fixtures import rich_family
from tests.privacy.test_privacy_pages import csrf
from velferdslab.families.models import Member
from velferdslab.privacy.models import RetentionPolicy
from velferdslab.vocabulary import Protection

ENDED = dt.date(2024, 6, 30)  # with a period of one year: due since 30.06.2025


def browser(app: Flask, user: Any) -> FlaskClient:
    client = app.test_client()
    with client.session_transaction() as session:
        session.update(user_id=user.id, epoch=user.session_epoch, since=int(time.time()))
    return client


def lab_keeping_one_year(db: scoped_session) -> Lab:
    lab = make_lab(db)
    db.add(RetentionPolicy(municipality_id=lab.municipality.id, years=1))
    return lab


def names(db: scoped_session, family_id: int) -> set[str]:
    db.expire_all()
    return set(db.scalars(select(Member.full_name).where(Member.family_id == family_id)))


def test_a_kode6_family_is_counted_not_listed_and_anonymised_on_its_leads_confirmation(
    app: Flask, db: scoped_session
) -> None:
    lab = lab_keeping_one_year(db)
    plain = rich_family(db, lab, tag="Vanlig", ended_on=ENDED)
    hidden = rich_family(db, lab, tag="Skjult", ended_on=ENDED, parent_id=None, child_id=None)
    hidden.protection = Protection.STRICTLY_CONFIDENTIAL
    db.flush()
    admin = browser(app, lab.admin)

    page = admin.get("/admin/privacy").get_data(as_text=True)
    assert plain.reference in page
    assert hidden.reference not in page
    assert "1 skjermet familie (strengt fortrolig adresse) har også passert lagringstiden" in page

    swept = admin.post("/admin/privacy/sweep", data={
        "sweep-csrf_token": csrf(page, "sweep"), "sweep-confirm": "y"})  # fmt: skip
    assert swept.status_code == 302
    assert names(db, plain.id) == {"[anonymisert]"}
    assert names(db, hidden.id) == {"Solveig Skjultsen", "Ola Skjultsen"}  # left to its lead
    after = admin.get("/admin/privacy").get_data(as_text=True)
    assert hidden.reference not in after and "og 1 skjermet familie" in after

    lead = browser(app, lab.lead)
    own = lead.get(f"/families/{hidden.id}/privacy").get_data(as_text=True)
    assert "Anonymisering etter lagringstiden" in own
    refused = lead.post(f"/families/{hidden.id}/privacy/anonymise", data={
        "anonymise-csrf_token": csrf(own, "anonymise")})  # fmt: skip
    assert refused.status_code == 422 and names(db, hidden.id) != {"[anonymisert]"}
    confirmed = lead.post(f"/families/{hidden.id}/privacy/anonymise", data={
        "anonymise-csrf_token": csrf(own, "anonymise"), "anonymise-confirm": "y"})  # fmt: skip
    assert confirmed.status_code == 302
    assert names(db, hidden.id) == {"[anonymisert]"}
    # nobody else confirms it: not the admin (404, as the family does not exist for them)
    token = {"anonymise-csrf_token": csrf(after, "sweep"), "anonymise-confirm": "y"}
    assert admin.post(f"/families/{plain.id}/privacy/anonymise", data=token).status_code == 404
    final = admin.get("/admin/privacy").get_data(as_text=True)
    assert hidden.reference not in final and "har også passert lagringstiden" not in final


def test_the_lead_of_an_ordinary_family_has_nothing_to_confirm(
    app: Flask, db: scoped_session
) -> None:
    lab = lab_keeping_one_year(db)
    family = rich_family(db, lab, tag="Vanlig", ended_on=ENDED)
    lead = browser(app, lab.lead)
    page = lead.get(f"/families/{family.id}/privacy").get_data(as_text=True)
    assert "Anonymisering etter lagringstiden" not in page
    answer = lead.post(f"/families/{family.id}/privacy/anonymise", data={
        "anonymise-csrf_token": csrf(page, "hold"), "anonymise-confirm": "y"})  # fmt: skip
    assert answer.status_code == 422  # the sweep anonymises it, not the lead
    assert "[anonymisert]" not in names(db, family.id)
