"""The auditor's expenditure list (description, note, mandate, filters, exports) and the audit
log's chain status, on the hand-counted portfolio of tests/portfolio_fixture.py."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy.orm import scoped_session

from tests.portfolio_fixture import make_portfolio
from tests.web.test_login import login


def body_rows(page: str) -> list[str]:
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in body.split("<tr>")[1:]]


def test_the_auditor_filters_expenditures_by_mandate_period_status_and_agency(
    client: FlaskClient, db: scoped_session
) -> None:
    portfolio = make_portfolio(db)
    lab = portfolio.lab
    lab.member.full_name, lab.lead.full_name = "Mona Medlem", "Lars Leder"
    db.flush()
    login(client, lab.auditor.username)
    everything = body_rows(client.get("/audit/expenditures").get_data(as_text=True))
    assert len(everything) == 13  # 5 in 2024, 6 + 1 approved and 1 pending in 2025
    above = body_rows(client.get("/audit/expenditures?mandate=above").get_data(as_text=True))
    assert len(above) == 2
    assert above[0].startswith("01.09.2025") and "Skoleutstyr" in above[0]
    assert "Førerkort for mor" in above[1] and "over fullmakt" in above[1]
    assert "Lars Leder" in above[1] and "Gir mulighet for jobb i Asker sentrum" in above[1]
    within_2025 = body_rows(
        client.get("/audit/expenditures?mandate=within&from=2025-01-01&to=2025-12-31").get_data(
            as_text=True
        )
    )
    assert len(within_2025) == 6
    assert all("Fritidsaktivitet for barna" in r and "innenfor fullmakt" in r for r in within_2025)
    assert all("Mona Medlem" in r for r in within_2025)
    assert (
        len(body_rows(client.get("/audit/expenditures?status=pending").get_data(as_text=True))) == 1
    )
    housing = client.get(f"/audit/expenditures?agency_id={lab.housing.id}").get_data(as_text=True)
    assert "Ingen utgifter" in body_rows(housing)[0]


def test_the_auditor_exports_what_is_listed_as_csv_and_excel(
    client: FlaskClient, db: scoped_session
) -> None:
    portfolio = make_portfolio(db)
    login(client, portfolio.lab.auditor.username)
    query = "mandate=within&from=2025-01-01&to=2025-09-30"
    page = client.get(f"/audit/expenditures?{query}").get_data(as_text=True)
    assert "/audit/expenditures.csv?" in page and "mandate=within" in page
    response = client.get(f"/audit/expenditures.csv?{query}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:5] == ["Dato", "Familie", "Beskrivelse", "Betalt av", "Beløp"]
    assert len(rows) == 7 and {r[0] for r in rows[1:]} == {"10.03.2025"}
    assert {r[4] for r in rows[1:]} == {"20000,00"} and {r[6] for r in rows[1:]} == {
        "innenfor fullmakt"
    }
    book = load_workbook(io.BytesIO(client.get(f"/audit/expenditures.xlsx?{query}").data))
    sheet = book["Utgifter"]
    assert [c.value for c in sheet[1]][:3] == ["Dato", "Familie", "Beskrivelse"]
    assert (
        sheet["A2"].value == dt.datetime(2025, 3, 10) and sheet["A2"].number_format == "DD.MM.YYYY"
    )
    assert sheet["E2"].value == 20000 and sheet.max_row == 7
    assert sheet.auto_filter.ref == "A1:L7"  # filter buttons over every listed row
    login(client, portfolio.lab.leader.username)
    assert client.get(f"/audit/expenditures.csv?{query}").status_code == 403


def test_the_audit_log_says_whether_its_chain_is_intact(
    client: FlaskClient, db: scoped_session
) -> None:
    portfolio = make_portfolio(db)
    login(client, portfolio.lab.auditor.username)
    client.get("/audit/expenditures")  # an event or two in the chain
    page = client.get("/audit/log").get_data(as_text=True)
    status = re.search(r"Kjeden er intakt: ([\d\u202f ]+) hendelser kontrollert", page)
    assert status and int(re.sub(r"\D", "", status.group(1))) >= 1
