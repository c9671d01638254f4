"""The sweep as a job and as a command: its changes are audited by the same `audit.log.record`
as on the page, written with the job's or the command's commit; a kode 6 family is neither
anonymised nor named there either."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import make_lab
from tests.privacy.fixtures import rich_family
from velferdslab.audit.models import AuditEvent
from velferdslab.audit.services import verify_chain
from velferdslab.families.models import Member
from velferdslab.privacy.commands import retention_group
from velferdslab.privacy.models import RetentionPolicy
from velferdslab.privacy.retention import retention_job
from velferdslab.vocabulary import Protection

ENDED = dt.date(2024, 6, 30)


def scene(db: scoped_session) -> tuple[int, int, str]:
    lab = make_lab(db)
    db.add(RetentionPolicy(municipality_id=lab.municipality.id, years=1))
    plain = rich_family(db, lab, tag="Jobb", ended_on=ENDED)
    hidden = rich_family(db, lab, tag="Skjult", ended_on=ENDED, parent_id=None, child_id=None)
    hidden.protection = Protection.STRICTLY_CONFIDENTIAL
    db.flush()
    return plain.id, hidden.id, hidden.reference


def events(db: scoped_session, entity: str) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.entity == entity)))


def names(db: scoped_session, family_id: int) -> set[str]:
    db.expire_all()
    return set(db.scalars(select(Member.full_name).where(Member.family_id == family_id)))


def test_the_sweep_job_audits_its_changes_at_its_commit(app: Flask, db: scoped_session) -> None:
    plain, hidden, _ = scene(db)
    sweep_id = retention_job(app, dt.date.today())
    [run] = events(db, "retention_sweep")
    assert (run.entity_id, run.user_id, run.details["anonymised"]) == (sweep_id, None, 1)
    assert run.details["awaiting_lead"] == 1
    assert [(e.action, e.family_id) for e in events(db, "family")] == [("anonymise", plain)]
    assert names(db, plain) == {"[anonymisert]"} and "[anonymisert]" not in names(db, hidden)
    assert verify_chain(db).intact


def test_the_sweep_command_names_no_kode6_family(app: Flask, db: scoped_session) -> None:
    plain, _, hidden_reference = scene(db)
    result = app.test_cli_runner().invoke(retention_group, ["run"])
    assert result.exit_code == 0, result.output
    assert hidden_reference not in result.output
    assert "1 strictly confidential families are due as well" in result.output
    assert [(e.action, e.family_id) for e in events(db, "family")] == [("anonymise", plain)]
    assert len(events(db, "retention_sweep")) == 1
