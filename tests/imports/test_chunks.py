"""New families written a chunk at a time (velferdslab/imports/chunks.py, on PostgreSQL): the
outcome is that of one family at a time, also when the database refuses a chunk's rows and it
is written again family by family; and a chunk costs a few statements, not ten a family."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import event, select

from tests.factories import Lab, make_lab
from tests.gains.test_kept import assert_same_tables
from tests.imports.helpers import family_of, upload
from tests.imports.workbooks import lab_file, small_lab
from velferdslab.audit.models import AuditEvent
from velferdslab.families import services as families
from velferdslab.families.models import Family
from velferdslab.gains import kept
from velferdslab.gains.data import load_engine_input


@pytest.fixture
def lab(db: Any) -> Lab:
    return make_lab(db)


def test_a_number_taken_meanwhile_fails_the_chunk_and_its_families_are_written_one_by_one(
    client: Any, db: Any, lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import reads the year's last number before another enrolment takes the next one: the
    chunk's rows collide with it, and the families are written again one by one (numbered
    afresh), each once, the refused one as before."""
    by_hand = families.create_family(
        db, municipality_id=lab.municipality.id, referred_on=dt.date(2023, 6, 1),
        investment_lead_id=lab.lead.id,
    )  # fmt: skip
    db.commit()
    real, calls = families.next_reference_number, []

    def stale_once(session: Any, municipality_id: int, year: int) -> int:
        calls.append(year)
        return 1 if len(calls) == 1 else real(session, municipality_id, year)

    monkeypatch.setattr(families, "next_reference_number", stale_once)
    plans = small_lab(5)
    beyond = ((plans[1].referred_on + dt.timedelta(days=30), "kr 900 000", "Over budsjett"),)
    plans[1] = replace(plans[1], spending=beyond)  # LAB-002: refused by the year's budget
    rows = lab_file(plans, lab.municipality.number, lab.housing.name, lab.lead.username)
    body = upload(client, db, lab.lead, rows.xlsx(), dry_run=False).get_json()
    assert body["counts"] == {"created": 4, "updated": 0, "unchanged": 0, "refused": 1}
    assert [p["reference"] for p in body["report"]] == ["LAB-002"]
    prefix = by_hand.reference.rsplit("-", 1)[0]
    numbers = [family_of(db, f"LAB-{n:03d}").reference for n in (1, 3, 4, 5)]
    assert numbers == [f"{prefix}-{n:04d}" for n in range(2, 6)]
    assert db.scalars(select(Family).where(Family.external_reference == "LAB-002")).all() == []
    created = db.scalars(
        select(AuditEvent).where(AuditEvent.entity == "family", AuditEvent.action == "create")
    ).all()
    imported = [e for e in created if e.details.get("import_id") == body["id"]]
    assert sorted(e.family_id for e in imported) == sorted(
        family_of(db, f"LAB-{n:03d}").id for n in (1, 3, 4, 5)
    )  # one event a family written, none of the collided rows nor of the refused family


def test_new_families_cost_a_few_statements_a_chunk_on_postgresql(
    client: Any, db: Any, lab: Lab
) -> None:
    """Thirty families, each with members, readings, budgets, spending and goals: on PostgreSQL
    their rows go by COPY a chunk at a time (a handful of statements in all, where one by one
    took ten a family); SQLite writes them one by one as before."""
    plans = [replace(p, reference=f"LAB-{n:03d}") for n, p in enumerate(small_lab(10) * 3, 1)]
    rows = lab_file(plans, lab.municipality.number, lab.housing.name, lab.lead.username)
    content = rows.xlsx()
    engine, statements = db.get_bind(), []

    def count(*_args: Any) -> None:
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        body = upload(client, db, lab.lead, content, dry_run=False).get_json()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert body["counts"]["created"] == 30
    per_family = len(statements) / 30
    if engine.dialect.name == "postgresql":
        assert per_family < 2, len(statements)
    else:
        assert per_family < 12, len(statements)


def test_a_kept_portfolio_sees_the_families_a_chunk_wrote(
    client: Any, db: Any, lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows a chunk writes by COPY move their families' stamps as any other write does
    (the database's triggers), so a worker's kept tables, brought up to date after the import,
    hold the imported families row for row as a fresh read does: a leader's next view shows
    them."""
    monkeypatch.setattr(kept, "FULL_SHARE", 1.0)  # splice however many families changed
    where = Family.municipality_id == lab.municipality.id
    scope = ("chunked import", lab.municipality.id)
    before = kept.engine_tables(db, scope, where)
    plans = small_lab(6)
    rows = lab_file(plans, lab.municipality.number, lab.housing.name, lab.lead.username)
    body = upload(client, db, lab.lead, rows.xlsx(), dry_run=False).get_json()
    assert body["counts"]["created"] == 6
    after = kept.engine_tables(db, scope, where)
    assert (after.read, after.changed) == ("spliced", 6)
    assert_same_tables(after.data, load_engine_input(db, where))
    imported = {family_of(db, plan.reference).id for plan in plans}
    assert imported <= set(after.data.families["family_id"]) - set(
        before.data.families["family_id"]
    )
    readings = after.data.assessments
    assert readings[readings["family_id"].isin(imported)].shape[0] == sum(
        len(plan.readings) for plan in plans
    )
