"""Every read of a family's records, lists included, leaves an audit event with the family."""

from __future__ import annotations

import datetime as dt

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import add_assessment, auth, setting, url
from velferdslab.audit.models import AuditEvent
from velferdslab.budgets.models import Budget
from velferdslab.families.models import Member

READS = [
    ("/members", "member"), ("/members/{member}", "member"), ("/consents", "consent"),
    ("/team", "team_membership"), ("/goals", "goal"), ("/measures", "measure"),
    ("/budgets", "budget"), ("/expenditures", "expenditure"),
    ("/spending-limits", "spending_limits"), ("/assessments", "assessment"),
    ("/assessments/{assessment}", "assessment"), ("/trajectory", "trajectory"),
    ("/notes", "progress_note"),
]  # fmt: skip


@pytest.mark.parametrize(("tail", "entity"), READS)
def test_a_read_leaves_an_event_naming_the_family(
    tail: str, entity: str, client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    ids = {
        "member": db.scalars(select(Member.id).where(Member.family_id == s.family.id)).first(),
        "assessment": add_assessment(db, s.family, dt.date(2025, 1, 6), housing=1).id,
    }
    assert db.scalars(select(Budget).where(Budget.family_id == s.family.id)).first()
    response = client.get(url(s.family, tail.format(**ids)), headers=auth(db, s.lab.lead))
    assert response.status_code == 200, response.get_json()
    db.expire_all()
    latest = db.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert (latest.family_id, latest.entity, latest.user_id) == (s.family.id, entity, s.lab.lead.id)
    assert latest.action in ("list", "read")
