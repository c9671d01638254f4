"""The pages' forms that show family data leave a read event; a refused read (404 on a family
the user may not see) leaves a "refused" event, at most REFUSALS_PER_MINUTE per user a minute."""

from __future__ import annotations

import time

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import auth, make_family, make_lab
from tests.web.test_login import login
from velferdslab.audit.models import AuditEvent
from velferdslab.audit.refusals import REFUSALS_PER_MINUTE, RefusalCounter


def events(db: scoped_session, **where: object) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(db.scalars(query))


def test_the_assessment_and_spending_forms_are_audited_reads(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    login(client, lab.member.username)
    assert client.get(f"/families/{family.id}/assessments/new").status_code == 200
    assert client.get(f"/families/{family.id}/expenditures/new").status_code == 200
    reads = [
        (e.action, e.entity, e.details.get("page"))
        for e in events(db, family_id=family.id, user_id=lab.member.id)
    ]
    assert reads == [
        ("read", "assessment", "assessment_form"),
        ("read", "spending_limits", "expenditure"),
    ]


def test_a_refused_read_is_audited_as_its_own_action_on_the_api_and_the_pages(
    client: FlaskClient, db: scoped_session
) -> None:
    lab, stranger = make_lab(db), make_lab(db)
    family = make_family(db, lab)
    response = client.get(
        f"/api/v1/families/{family.id}/members", headers=auth(db, stranger.member)
    )
    assert response.status_code == 404
    login(client, stranger.lead.username)
    assert client.get(f"/families/{family.id}").status_code == 404
    refused = events(db, action="refused")
    assert [(e.user_id, e.family_id, e.details["permission"]) for e in refused] == [
        (stranger.member.id, family.id, "members.read"),
        (stranger.lead.id, family.id, "assessments.read"),
    ]
    # the lead sees the attempts on the family's access log
    log = client.get(
        f"/api/v1/families/{family.id}/access-log", headers=auth(db, lab.lead)
    ).get_json()
    assert {e["user_id"] for e in log if e["action"] == "refused"} == {
        stranger.member.id,
        stranger.lead.id,
    }


def test_refusals_do_not_flood_the_log(client: FlaskClient, db: scoped_session) -> None:
    lab, stranger = make_lab(db), make_lab(db)
    families = [make_family(db, lab) for _ in range(3)]
    headers = auth(db, stranger.member)
    tries = REFUSALS_PER_MINUTE + 15
    for n in range(tries):
        family = families[n % 3]
        assert client.get(f"/api/v1/families/{family.id}", headers=headers).status_code == 404
    written = events(db, action="refused", user_id=stranger.member.id)
    assert len(written) == REFUSALS_PER_MINUTE


def test_the_first_refusal_after_a_quiet_minute_says_how_many_were_left_out() -> None:
    counter = RefusalCounter(limit=2, window=0.05)
    assert [counter.admit(7) for _ in range(5)] == [0, 0, None, None, None]
    assert counter.admit(8) == 0  # another user has their own count
    time.sleep(0.06)
    assert counter.admit(7) == 3
