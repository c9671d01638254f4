"""One pipeline, two modes: a dry run writes nothing; an import writes through the services;
the same file again changes nothing; a corrected file changes only what was corrected."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.factories import Lab, make_lab
from tests.imports.helpers import counts, family_of, upload
from tests.imports.workbooks import lab_file, small_lab
from velferdslab.assessments.models import Assessment
from velferdslab.audit.models import AuditEvent
from velferdslab.budgets.models import Expenditure


@pytest.fixture
def lab(db: Any) -> Lab:
    return make_lab(db)


def lab_bytes(lab: Lab, count: int = 5) -> bytes:
    return lab_file(
        small_lab(count), lab.municipality.number, lab.housing.name, lab.lead.username
    ).xlsx()


def test_a_dry_run_writes_no_row_and_no_audit_event(client: Any, db: Any, lab: Lab) -> None:
    before = counts(db)
    response = upload(client, db, lab.lead, lab_bytes(lab), dry_run=True)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["dry_run"] is True
    assert body["counts"] == {"created": 5, "updated": 0, "unchanged": 0, "refused": 0}
    assert body["report"] == []
    assert counts(db) == before  # no family, member, reading, budget … and no audit event


def test_an_import_creates_the_families_and_audits_each_write_with_its_id(
    client: Any, db: Any, lab: Lab
) -> None:
    body = upload(client, db, lab.lead, lab_bytes(lab), dry_run=False).get_json()
    assert body["counts"] == {"created": 5, "updated": 0, "unchanged": 0, "refused": 0}
    family = family_of(db, "LAB-001")
    assert family.status.value == "active"
    assert family.investment_lead_id == lab.lead.id
    events = db.scalars(select(AuditEvent).where(AuditEvent.family_id == family.id)).all()
    assert {e.entity for e in events} >= {"family", "member", "assessment", "budget", "goal"}
    assert all(e.details.get("import_id") == body["id"] for e in events)
    readings = db.scalars(select(Assessment).where(Assessment.family_id == family.id)).all()
    assert len(readings) == 3 and readings[0].overall == 0  # the lowest level, as the API derives
    # The family's readings and spending are written at once, with one event naming each row.
    (read,) = [e for e in events if e.entity == "assessment"]
    assert (read.action, read.details["count"]) == ("create", 3)
    assert read.details["ids"] == sorted(r.id for r in readings)
    spending = db.scalars(select(Expenditure).where(Expenditure.family_id == family.id)).all()
    (spent,) = [e for e in events if e.entity == "expenditure"]
    assert spent.details["count"] == len(spending) > 0
    assert sorted(i for ids in spent.details["ids"].values() for i in ids) == sorted(
        e.id for e in spending
    )
    assert set(spent.details["ids"]) == {e.status.value for e in spending}


def test_the_same_file_twice_changes_nothing_but_the_imports_own_event(
    client: Any, db: Any, lab: Lab
) -> None:
    content = lab_bytes(lab)
    first = upload(client, db, lab.lead, content, dry_run=False).get_json()
    before = counts(db)
    again = upload(client, db, lab.lead, content, dry_run=False).get_json()
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 5, "refused": 0}
    assert again["imported_before"] == first["id"]
    after = counts(db)
    assert after == {**before, "AuditEvent": before["AuditEvent"] + 1}
    newest = db.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (newest.entity, newest.entity_id) == ("import", again["id"])


def test_a_corrected_file_updates_only_the_corrected_family(client: Any, db: Any, lab: Lab) -> None:
    lab_rows = lab_file(small_lab(), lab.municipality.number, lab.housing.name, lab.lead.username)
    upload(client, db, lab.lead, lab_rows.xlsx(), dry_run=False)
    family = family_of(db, "LAB-002")
    reading = db.scalars(
        select(Assessment).where(Assessment.family_id == family.id).order_by(Assessment.assessed_on)
    ).first()
    assert reading.level_housing == 0
    lab_rows.rows["Kartlegginger"][3][2] = "stabil"  # LAB-002's first reading, Bolig
    before = counts(db)
    body = upload(client, db, lab.lead, lab_rows.xlsx(), dry_run=False).get_json()
    assert body["counts"] == {"created": 0, "updated": 1, "unchanged": 4, "refused": 0}
    assert body["families"]["LAB-002"] == "updated"
    db.refresh(reading)
    assert reading.level_housing == 2
    # one event for the corrected reading, one for the import: no row added anywhere else
    assert counts(db) == {**before, "AuditEvent": before["AuditEvent"] + 2}


def test_members_are_written_by_the_people_service_with_its_rules_and_events(
    client: Any, db: Any, lab: Lab
) -> None:
    """The birth date must match the national id (the API's rule, people/services.py); a
    member's event is the service's own, once, carrying the import's id."""
    rows = lab_file(small_lab(2), lab.municipality.number, lab.housing.name, lab.lead.username)
    rows.rows["Medlemmer"][0][2:4] = ["01019010046", "02.01.1990"]  # born 01.01.1990 by the id
    rows.rows["Medlemmer"][1][2:4] = ["01019010046", "01.01.1990"]
    body = upload(client, db, lab.lead, rows.xlsx(), dry_run=False).get_json()
    [problem] = [p for p in body["report"] if p["severity"] == "error"]
    assert (problem["sheet"], problem["row"], problem["column"]) == ("Medlemmer", 2, "Fødselsdato")
    assert "Stemmer ikke med fødselsdatoen i fødselsnummeret" in problem["message"]
    assert body["families"] == {"LAB-001": "refused", "LAB-002": "created"}
    family = family_of(db, "LAB-002")
    events = db.scalars(
        select(AuditEvent).where(AuditEvent.family_id == family.id, AuditEvent.entity == "member")
    ).all()
    assert [(e.action, e.details, e.user_id) for e in events] == [
        ("create", {"import_id": body["id"]}, lab.lead.id)
    ]


def test_spending_beyond_the_budget_is_refused_unless_it_was_rejected(
    client: Any, db: Any, lab: Lab
) -> None:
    """import.md: a historical approval beyond the year's budget is an error; a rejection
    recorded so takes nothing from the budget and is imported as recorded."""
    rows = lab_file(small_lab(2), lab.municipality.number, lab.housing.name, lab.lead.username)
    rows.rows["Utgifter"][0][2:7] = ["500 000", "Stor utgift", "Bolig", lab.housing.name, "avvist"]
    rows.rows["Utgifter"][2][2:7] = ["500 000", "Stor utgift", "Bolig", lab.housing.name, "venter"]
    body = upload(client, db, lab.lead, rows.xlsx(), dry_run=False).get_json()
    assert body["families"] == {"LAB-001": "created", "LAB-002": "refused"}
    [problem] = body["report"]
    assert (problem["sheet"], problem["row"], problem["column"]) == ("Utgifter", 4, "Beløp *")
    assert "budsjettet" in problem["message"]
