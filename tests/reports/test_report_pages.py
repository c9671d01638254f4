"""The report pages: an auditor issues, downloads and verifies an audit report; a team issues
the family's report from its page; the pages are closed to those who may not see them."""

from __future__ import annotations

import datetime as dt
import io

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import add_assessment, make_family, make_lab
from tests.reports.helpers import pdf_text
from tests.web.test_login import csrf_from, login


def test_the_auditor_issues_downloads_and_verifies_an_audit_report(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    add_assessment(db, family, dt.date(2025, 1, 1), finance=1)
    login(client, lab.auditor.username)
    page = client.get("/reports")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Lag en rapport" in html and "Revisjonsrapport" in html
    today = dt.date.today()
    issued = client.post(
        "/reports",
        data={
            "csrf_token": csrf_from(html), "kind": "audit", "municipality_id": lab.municipality.id,
            "period_start": f"{today.year}-01-01", "period_end": today.isoformat(),
            "as_of": today.isoformat(), "language": "nb",
        },
    )  # fmt: skip
    assert issued.status_code == 302
    shown = client.get(issued.headers["Location"])
    assert "Last ned PDF-en" in shown.get_data(as_text=True)
    report_id = issued.headers["Location"].rsplit("/", 1)[1]
    pdf = client.get(f"/reports/{report_id}.pdf")
    assert pdf.status_code == 200 and family.reference in pdf_text(pdf.data)
    verify_page = client.get("/reports/verify").get_data(as_text=True)
    valid = client.post(
        "/reports/verify",
        data={"csrf_token": csrf_from(verify_page), "file": (io.BytesIO(pdf.data), "r.pdf")},
        content_type="multipart/form-data",
    )
    assert f"Gyldig: dette er rapport {report_id}, uendret." in valid.get_data(as_text=True)
    changed = pdf.data.replace(b"%PDF-1.7", b"%PDF-1.6", 1)
    invalid = client.post(
        "/reports/verify",
        data={"csrf_token": csrf_from(verify_page), "file": (io.BytesIO(changed), "r.pdf")},
        content_type="multipart/form-data",
    )
    assert "Ikke gyldig" in invalid.get_data(as_text=True)


def test_a_period_that_ends_before_it_starts_is_shown_beside_the_field(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    login(client, lab.auditor.username)
    html = client.get("/reports").get_data(as_text=True)
    response = client.post(
        "/reports",
        data={
            "csrf_token": csrf_from(html), "kind": "audit", "municipality_id": lab.municipality.id,
            "period_start": "2025-06-01", "period_end": "2025-01-01", "language": "nb",
        },
    )  # fmt: skip
    assert response.status_code == 422
    assert "Perioden kan ikke slutte før den begynner." in response.get_data(as_text=True)


def test_the_team_issues_the_family_report_from_the_family_page(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    login(client, lab.member.username)
    html = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert "Familierapport (PDF)" in html
    issued = client.post(
        f"/reports/family/{family.id}", data={"csrf_token": csrf_from(html), "language": "en"}
    )
    assert issued.status_code == 302
    report_id = issued.headers["Location"].rsplit("/", 1)[1]
    text = pdf_text(client.get(f"/reports/{report_id}.pdf").data)
    assert "Family report" in text and family.reference in text


def test_report_pages_are_closed_to_those_without_reports(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    login(client, lab.member.username)
    html = client.get(f"/families/{family.id}").get_data(as_text=True)
    issued = client.post(f"/reports/family/{family.id}", data={"csrf_token": csrf_from(html)})
    report_id = issued.headers["Location"].rsplit("/", 1)[1]
    client.post("/logout", data={"csrf_token": csrf_from(html)})
    login(client, lab.auditor.username)
    assert client.get(f"/reports/{report_id}").status_code == 404
    assert client.get(f"/reports/{report_id}.pdf").status_code == 404
    login(client, lab.admin.username)
    assert client.get("/reports").status_code in (403, 404)
