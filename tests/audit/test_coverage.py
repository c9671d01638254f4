"""Bar R4: every read and write of a family's data through the API leaves an audit event."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session

from tests.api.test_access_matrix import EXPECTED, World, body_for, url_for
from tests.factories import auth
from velferdslab.audit.models import AuditEvent

FAMILY_OPERATIONS = sorted(key for key in EXPECTED if "{family_id}" in key[1])


@pytest.mark.parametrize("key", FAMILY_OPERATIONS, ids=" ".join)
def test_the_lead_leaves_an_event_with_the_family(
    key: tuple[str, str], client: FlaskClient, db: scoped_session, world: World
) -> None:
    family = world.families["own"]

    def events() -> int:
        db.expire_all()
        query = (
            select(func.count()).select_from(AuditEvent).where(AuditEvent.family_id == family.id)
        )
        return int(db.scalar(query) or 0)

    before = events()
    method, path = key
    response = client.open(
        url_for(path, world, "own"), method=method, json=body_for(key, world),
        headers=auth(db, world.users["lead"]),
    )  # fmt: skip
    assert response.status_code < 400, response.get_json()
    assert events() > before
    latest = db.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert latest.user_id == world.users["lead"].id and latest.ip == "127.0.0.1"
