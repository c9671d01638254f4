"""The admin's "request received by letter" form is no national-id oracle (issue 23, finding 7):
every attempt is audited with its outcome and the reference (never the number), and an admin
gets at most ACCESS_LETTER_ATTEMPTS_PER_HOUR answers an hour."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session

from tests.factories import make_lab, make_user
from tests.privacy.fixtures import PARENT_ID, rich_family
from tests.privacy.test_privacy_pages import csrf
from velferdslab.audit.models import AuditEvent
from velferdslab.privacy.models import AccessRequest
from velferdslab.vocabulary import Role

WRONG_ID = "30108299920"


def browser(app: Flask, user: Any) -> FlaskClient:
    client = app.test_client()
    with client.session_transaction() as session:
        session.update(user_id=user.id, epoch=user.session_epoch, since=int(time.time()))
    return client


def attempt(client: FlaskClient, token: str, reference: str, national_id: str) -> Any:
    return client.post("/admin/privacy/received", data={
        "received-csrf_token": token, "received-reference": reference,
        "received-national_id": national_id, "received-language": "nb",
        "received-received_on": dt.date.today().isoformat()})  # fmt: skip


def attempts(db: scoped_session, user_id: int) -> list[AuditEvent]:
    return list(
        db.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "match_requester", AuditEvent.user_id == user_id)
            .order_by(AuditEvent.id)
        )
    )


def test_every_attempt_is_audited_and_an_admin_is_limited_per_hour(
    app: Flask, db: scoped_session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "ACCESS_LETTER_ATTEMPTS_PER_HOUR", 3)
    lab = make_lab(db)
    family = rich_family(db, lab, tag="Brev")
    admin = browser(app, lab.admin)
    token = csrf(admin.get("/admin/privacy").get_data(as_text=True), "received")

    wrong = attempt(admin, token, family.reference, WRONG_ID)
    assert wrong.status_code == 422
    assert "Ingen medlem med det nummeret" in wrong.get_data(as_text=True)
    unknown = attempt(admin, token, "XYZ-2024-9999", WRONG_ID)
    assert unknown.status_code == 422
    right = attempt(admin, token, family.reference, PARENT_ID)
    assert right.status_code == 302
    # the hour's three answers are used: the next one is refused, even with the right pair
    limited = attempt(admin, token, family.reference, PARENT_ID)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "3600"
    assert "Du har prøvd 3 innsynsbegjæringer den siste timen" in limited.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(AccessRequest)) == 1

    events = attempts(db, lab.admin.id)
    assert [(e.details["outcome"], e.details["reference"], e.family_id) for e in events] == [
        ("no_member", family.reference, family.id),
        ("no_family", "XYZ-2024-9999", None),
        ("matched", family.reference, family.id),
        ("limited", family.reference, family.id),
    ]
    assert all(e.entity == "access_request" for e in events)
    stored = json.dumps([e.details for e in events])
    assert WRONG_ID not in stored and PARENT_ID not in stored  # never the number

    # the limit is the admin's own: another admin still gets answers
    other = make_user(db, Role.ADMIN, municipality=lab.municipality)
    colleague = browser(app, other)
    token = csrf(colleague.get("/admin/privacy").get_data(as_text=True), "received")
    assert attempt(colleague, token, family.reference, WRONG_ID).status_code == 422
    assert [e.details["outcome"] for e in attempts(db, other.id)] == ["no_member"]
