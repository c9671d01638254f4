"""Right of access: the package for a parent lists their own data and the family's access log,
withholds a kode 6 member's agencies and a young child's confidences, is issued through the
report registry and audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import Lab, auth, make_agency, make_lab, make_user
from tests.privacy.fixtures import PARENT_ID, rich_family
from tests.reports.helpers import pdf_attachments, pdf_text, save_page_images
from velferdslab.assessments.models import ProgressNote
from velferdslab.audit.models import AuditEvent
from velferdslab.audit.services import PendingEvent, write_events
from velferdslab.budgets.models import Budget, Contribution, Expenditure
from velferdslab.errors import NotFound
from velferdslab.families.models import Consent, ConsentAgency, Family, Member, TeamMembership
from velferdslab.privacy.access_request import (
    mark_confidential_note,
    set_member_protection,
    start_access_request,
)
from velferdslab.reports.models import IssuedReport
from velferdslab.vocabulary import Protection, ReportKind

SCHOOL = "Hemmelig skole på Nesøya"


@pytest.fixture(autouse=True)
def in_app(app: Flask) -> Any:
    """The package renders with the app's templates: the whole test runs in one app context,
    so the test and the service share one session."""
    with app.app_context():
        yield


def words(text: str) -> str:
    return " ".join(text.split())


def scene(app: Flask, db: scoped_session) -> tuple[Lab, Family, dict[str, Any]]:
    """A parent asks; the other adult has a protected address, and their school (an agency of
    the team, the consent, the budget and the spending) would reveal where they live; the
    child (born 2015) told a note in confidence."""
    lab = make_lab(db)
    family = rich_family(db, lab, tag="Berg", child_id=None)
    db.refresh(family)
    parent, child = family.members[0], family.members[1]
    protected = Member(family_id=family.id, full_name="Astrid Skjult", relation="other_adult",
                       national_id="30108299920", birth_date=dt.date(1982, 10, 30))  # fmt: skip
    db.add(protected)
    school = make_agency(db, lab.municipality, kind="school", level="municipal")
    school.name = SCHOOL
    teacher = make_user(db, "team_member", municipality=lab.municipality, agency=school)
    teacher.full_name = "Lærer Larsen"
    db.add(
        TeamMembership(family_id=family.id, user_id=teacher.id, agency_id=school.id,
                       team_role="member", mandate_nok=0, joined_on=dt.date(2024, 1, 2))
    )  # fmt: skip
    consent = db.scalars(select(Consent).where(Consent.family_id == family.id)).one()
    consent.agency_rows.append(ConsentAgency(agency_id=school.id))
    budget = db.scalars(select(Budget).where(Budget.family_id == family.id)).one()
    db.add(Contribution(budget_id=budget.id, agency_id=school.id, amount=Decimal("5000")))
    db.add(
        Expenditure(family_id=family.id, budget_id=budget.id, spent_on=dt.date(2024, 5, 2),
                    amount=Decimal("2500"), description="Skolebøker",
                    paying_agency_id=school.id, status="approved", requested_by=teacher.id,
                    decided_by=lab.lead.id)
    )  # fmt: skip
    secret = ProgressNote(
        family_id=family.id, written_on=dt.date(2024, 6, 1),
        text="Ola fortalte i fortrolighet om redsel hjemme", author_id=lab.lead.id,
    )  # fmt: skip
    db.add(secret)
    db.flush()
    set_member_protection(
        db, lab.lead, family.id, protected.id, Protection.STRICTLY_CONFIDENTIAL, [school.id]
    )
    mark_confidential_note(db, lab.lead, family.id, secret.id, child.id)
    write_events(db, [
        PendingEvent(action="read", entity="family", entity_id=family.id, family_id=family.id,
                     user_id=lab.member.id),
        PendingEvent(action="read", entity="progress_note", family_id=family.id,
                     user_id=teacher.id),
    ])  # fmt: skip
    db.flush()
    return lab, family, {"parent": parent, "child": child, "protected": protected,
                         "teacher": teacher, "school": school, "secret": secret}  # fmt: skip


def test_a_parents_package_holds_their_data_and_the_log_but_no_kode6_agency_or_confidence(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    lab, family, who = scene(app, db)
    received = dt.date.today() - dt.timedelta(days=3)
    request = start_access_request(db, lab.lead, family.id, who["parent"].id, received)
    report = db.get(IssuedReport, request.report_id)
    assert report is not None and report.kind == ReportKind.ACCESS and report.pdf is not None
    package = json.loads(request.package_json or "")
    text = words(pdf_text(report.pdf))

    # the parent's own data, in full
    assert package["member"] == {
        "name": "Solveig Bergsen", "national_id": PARENT_ID, "birth_date": "1999-12-31",
        "relation": "parent", "is_requester": True,
    }  # fmt: skip
    for shown in ("Solveig Bergsen", PARENT_ID, "31.12.1999", "Egen bolig for Berg-familien",
                  "Drømmen til Berg: en hage", "Bor hos venner i Bergveien 3",
                  "Møte med Berg om leilighet", "Berg samtykker til deling med NAV",
                  "Depositum Bergveien 3", "Søke startlån for Berg", "12 346 kr"):  # fmt: skip
        assert shown in text, shown
    assert package["assessments"][0]["family_levels"]["housing"] == "exposed"
    assert package["gains"]["assumption_set"]["name"]
    # the family's access log: who, from which agency
    log = {(e["who"], e["agency"], e["action"]) for e in package["access_log"]}
    assert (lab.member.full_name, lab.nav.name, "read") in log
    assert "Test Testesen" in text and lab.nav.name in text

    # kode 6: the other adult's school nowhere, nor its teacher; no national id or birth date
    assert SCHOOL not in request.package_json, request.package_json  # type: ignore[operator]
    assert SCHOOL not in text, text
    assert "Lærer Larsen" not in text and "Lærer Larsen" not in request.package_json  # type: ignore[operator]
    assert "30108299920" not in text and "30.10.1982" not in text
    astrid = next(m for m in package["members"] if m["name"] == "Astrid Skjult")
    assert astrid == {"name": "Astrid Skjult", "relation": "other_adult", "is_requester": False,
                      "protected_address": True}  # fmt: skip
    assert ("withheld", "withheld", "read") in log  # the teacher's read, not who or where
    assert [e["paid_by"] for e in package["spending"]] == [lab.nav.name, "withheld"]
    assert package["spending"][1]["amount"] == 2500.0  # the money stays
    # the child's confidence is withheld from the parent; the child's birth date is shown
    assert "redsel" not in text and "redsel" not in request.package_json  # type: ignore[operator]
    assert package["withheld"]["child_confidence"] == 1
    assert package["withheld"]["protected_address"] >= 5
    assert "Det som holdes tilbake, og hvorfor" in text
    # the JSON is the one attached to the PDF, and the registry verifies the PDF
    assert pdf_attachments(report.pdf)["access-request.json"].decode() == request.package_json
    assert request.json_sha256 == hashlib.sha256(request.package_json.encode()).hexdigest()  # type: ignore[union-attr]
    verified = client.post("/api/v1/reports/verify", data=report.pdf,
                           content_type="application/pdf",
                           headers=auth(db, lab.auditor))  # fmt: skip
    assert verified.get_json()["valid"] is True and verified.get_json()["kind"] == "access"
    db.commit()  # the service's events are written with the caller's commit
    events = db.scalars(select(AuditEvent).where(AuditEvent.entity == "access_request")).all()
    assert [(e.action, e.user_id, e.family_id) for e in events] == [
        ("create", lab.lead.id, family.id)
    ]
    save_page_images(report.pdf, "access-request")


def test_the_protected_member_and_the_child_get_their_own_data(
    app: Flask, db: scoped_session
) -> None:
    lab, family, who = scene(app, db)
    today = dt.date.today()
    own = start_access_request(db, lab.lead, family.id, who["protected"].id, today)
    package = json.loads(own.package_json or "")
    assert package["member"]["national_id"] == "30108299920"
    assert SCHOOL in own.package_json  # type: ignore[operator]  # their own agencies
    child = start_access_request(db, lab.lead, family.id, who["child"].id, today)
    assert "redsel" in (child.package_json or "")  # the child's own confidence


def test_who_may_start_a_request(app: Flask, db: scoped_session) -> None:
    lab, family, who = scene(app, db)
    today = dt.date.today()
    admin = start_access_request(db, lab.admin, family.id, who["parent"].id, today)
    assert admin.channel == "received"
    for outsider in (lab.member, lab.auditor, lab.leader, make_lab(db).lead):
        with pytest.raises(NotFound):
            start_access_request(db, outsider, family.id, who["parent"].id, today)
