"""The auditor's and the leader's reports: complete for the auditor, suppressed for the leader."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import add_assessment, auth, make_family, make_lab
from tests.reports.helpers import pdf_attachments, pdf_text, save_page_images
from tests.reports.test_family_report import download, issue
from velferdslab.budgets.models import Budget, Expenditure
from velferdslab.formatting import format_millions
from velferdslab.web.labels import format_money


def spend(
    db: scoped_session, family: object, lab: object, amount: str, status: str,
    spent_on: dt.date | None = None,
) -> Expenditure:  # fmt: skip
    budget = db.scalars(select(Budget).where(Budget.family_id == family.id)).one()  # type: ignore[attr-defined]
    expenditure = Expenditure(
        family_id=family.id,  # type: ignore[attr-defined]
        budget_id=budget.id,
        spent_on=spent_on or dt.date.today(),
        amount=Decimal(amount),
        description="Depositum for leilighet",
        paying_agency_id=lab.nav.id,  # type: ignore[attr-defined]
        status=status,
        requested_by=lab.member.id,  # type: ignore[attr-defined]
        decided_by=lab.lead.id if status != "pending" else None,  # type: ignore[attr-defined]
    )
    db.add(expenditure)
    db.flush()
    return expenditure


def plain(value: float) -> str:
    return format_money(value).replace("\u202f", " ").replace("\u00a0", " ")


def test_the_audit_report_lists_every_expenditure_and_each_familys_calculation(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    families = [make_family(db, lab) for _ in range(3)]
    for number, family in enumerate(families):
        add_assessment(db, family, dt.date(2025, 1, 1), finance=1, housing=0)
        add_assessment(db, family, dt.date(2025, 7, 2), finance=2, housing=number % 3)
    spend(db, families[0], lab, "12345.50", "approved")
    spend(db, families[1], lab, "23456", "pending")
    spend(db, families[2], lab, "4321", "rejected")
    headers = auth(db, lab.auditor)
    today = dt.date.today()
    report = issue(client, headers, kind="audit", period_start=f"{today.year}-01-01",
                   period_end=today.isoformat(), as_of=today.isoformat())  # fmt: skip
    pdf = download(client, headers, report["id"])
    text = pdf_text(pdf)
    for family in families:
        assert family.reference in text
        gains = client.get(
            f"/api/v1/families/{family.id}/gains?as_of={today.isoformat()}", headers=headers
        ).get_json()
        assert plain(gains["fiscal_npv"]) in text  # the engine's figure, in the trail
    for amount in ("12 346 kr", "23 456 kr", "4 321 kr"):  # 12 345.50 rounds to 12 346
        assert amount in text
    assert lab.member.username in text and lab.lead.username in text  # the approval trail
    assert "Kari Nordmann" not in text  # no family member's name
    files = pdf_attachments(pdf)
    trail = list(csv.DictReader(io.StringIO(files["calculation_trail.csv"].decode())))
    assert sorted(row["reference"] for row in trail) == sorted(f.reference for f in families)
    expenditures = list(csv.DictReader(io.StringIO(files["expenditures.csv"].decode())))
    assert sorted(float(row["amount"]) for row in expenditures) == [4321.0, 12345.5, 23456.0]
    figures = json.loads(files["figures.json"])
    assert figures["totals"]["spending"] == 12_345.5  # only approved spending counts
    save_page_images(pdf, "audit-report")


def test_the_reports_left_of_a_budget_is_the_pages_and_the_apis(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)  # a budget of 100 000 for this year
    spend(db, family, lab, "2500", "approved")
    spend(db, family, lab, "12000", "pending")
    db.commit()
    # Left: 100 000 − 2 500 approved = 97 500; the pending 12 000 is shown beside it.
    budgets = client.get(f"/api/v1/families/{family.id}/budgets", headers=auth(db, lab.lead))
    this_year = next(b for b in budgets.get_json() if b["year"] == dt.date.today().year)
    assert (this_year["approved"], this_year["pending"], this_year["remaining"]) == (
        2500.0, 12000.0, 97500.0,
    )  # fmt: skip
    lead = auth(db, lab.lead)
    family_pdf = download(
        client, lead, issue(client, lead, kind="family", family_id=family.id)["id"]
    )
    row = next(line for line in pdf_text(family_pdf).splitlines() if "12 000 kr" in line)
    assert " ".join(row.split()).endswith("2 500 kr 12 000 kr 97 500 kr"), row
    auditor = auth(db, lab.auditor)
    audit_pdf = download(client, auditor, issue(client, auditor, kind="audit")["id"])
    rows = csv.DictReader(io.StringIO(pdf_attachments(audit_pdf)["budgets.csv"].decode()))
    mine = next(r for r in rows if r["reference"] == family.reference)
    assert (float(mine["approved"]), float(mine["pending"]), float(mine["remaining"])) == (
        2500.0, 12000.0, 97500.0,
    )  # fmt: skip


def test_only_auditors_issue_audit_reports(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    for user in (lab.lead, lab.member, lab.leader):
        response = client.post("/api/v1/reports", json={"kind": "audit"}, headers=auth(db, user))
        assert response.status_code == 403
    response = client.post("/api/v1/reports", json={"kind": "audit"}, headers=auth(db, lab.admin))
    assert response.status_code == 403
    backwards = client.post(
        "/api/v1/reports",
        json={"kind": "audit", "period_start": "2025-06-01", "period_end": "2025-01-01"},
        headers=auth(db, lab.auditor),
    )
    assert backwards.status_code == 422 and "period_end" in backwards.get_json()["errors"]
    other = make_lab(db)
    elsewhere = client.post(
        "/api/v1/reports", json={"kind": "audit", "municipality_id": other.municipality.id},
        headers=auth(db, lab.auditor),
    )  # fmt: skip
    assert elsewhere.status_code == 422


def test_a_leaders_portfolio_report_never_shows_a_suppressed_value_or_a_name(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    families = [make_family(db, lab) for _ in range(3)]
    for family in families:
        add_assessment(db, family, dt.date(2025, 1, 1), finance=1)
        add_assessment(db, family, dt.date(2025, 7, 2), finance=2)
        spend(db, family, lab, "7777", "approved", dt.date(2025, 3, 1))
    open_figures = client.get(
        "/api/v1/reports/portfolio?as_of=2025-12-31", headers=auth(db, lab.auditor)
    ).get_json()
    headers = auth(db, lab.leader)
    report = issue(client, headers, kind="portfolio", as_of="2025-12-31")
    pdf = download(client, headers, report["id"])
    text = pdf_text(pdf)
    assert "Porteføljerapport" in text and "–*" in text
    hidden = [
        open_figures["gains"]["realised"]["total"]["value"],
        open_figures["gains"]["fiscal_npv"]["value"],
        open_figures["gains"]["spending"]["value"],
    ]
    assert all(value for value in hidden)
    for value in hidden:
        assert plain(value) not in text
    for family in families:
        assert family.reference not in text
    assert "Kari Nordmann" not in text
    attached = b"".join(pdf_attachments(pdf).values()).decode()
    assert all(family.reference not in attached for family in families)
    assert json.loads(pdf_attachments(pdf)["figures.json"])["report"]["family_count"] == {
        "suppressed": True,
        "value": None,
    }
    # The auditor's own portfolio report shows the same figures unsuppressed.
    auditor = auth(db, lab.auditor)
    full = pdf_text(download(client, auditor, issue(client, auditor, kind="portfolio",
                                                     as_of="2025-12-31")["id"]))  # fmt: skip
    # Headline gains are rounded to a tenth of a million for the council.
    fiscal = format_millions(open_figures["gains"]["fiscal_npv"]["value"])
    assert fiscal.replace("\u202f", " ").replace("\u00a0", " ") in full
    save_page_images(pdf, "portfolio-report-leader")
    # The leader's report is the leader's; the auditor of the municipality sees it too.
    assert (
        client.get(f"/api/v1/reports/{report['id']}", headers=auth(db, lab.lead)).status_code == 404
    )
    assert client.get(f"/api/v1/reports/{report['id']}", headers=auditor).status_code == 200
