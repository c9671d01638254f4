"""Planned against realised on the pages, in the Excel plan and in the PDFs: the same figures as
the API's /gains/forecast, in bokmål, through velferdslab.formatting."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy.orm import scoped_session

from tests.factories import Lab, add_assessment, auth, make_family, make_lab
from tests.gains.test_forecast_api import planned_family
from tests.reports.helpers import pdf_text, save_page_images
from tests.web.test_login import login
from velferdslab.families.models import Family
from velferdslab.formatting import excel_format, format_money
from velferdslab.plans.models import Goal

ARTIFACTS = Path(__file__).parent.parent.parent / "test-artifacts"


def _keep(name: str, page: str) -> None:
    """The page for a reader to look at; the folder made here, as the first test to write
    into it on a clean checkout may be this one."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / name).write_text(page)


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def kroner(value: float) -> str:
    return plain(format_money(value))


def today_forecast(client: FlaskClient, db: scoped_session, lab: Lab, family: Family) -> dict:  # type: ignore[type-arg]
    response = client.get(
        f"/api/v1/families/{family.id}/gains/forecast", headers=auth(db, lab.lead)
    )
    assert response.status_code == 200
    body: dict = response.get_json()  # type: ignore[type-arg]
    return body


def behind_family(db: scoped_session, lab: Lab) -> Family:
    """Housing unsustainable on 01.01.2025, still so on 01.06.2025; the plan: stable by
    01.03.2025 (behind). Work exposed, goal exposed by 01.02.2025 (on track)."""
    family = make_family(db, lab)
    add_assessment(db, family, dt.date(2025, 1, 1), housing=0, work=1)
    add_assessment(db, family, dt.date(2025, 6, 1), housing=0, work=1)
    db.add(
        Goal(family_id=family.id, domain="housing", target_level=2, target_date=dt.date(2025, 3, 1))
    )
    db.add(
        Goal(family_id=family.id, domain="work", target_level=1, target_date=dt.date(2025, 2, 1))
    )
    db.flush()
    return family


def test_the_lead_sees_planned_against_realised_with_the_apis_figures(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = behind_family(db, lab)
    api = today_forecast(client, db, lab, family)
    login(client, lab.lead.username)
    page = plain(client.get(f"/families/{family.id}").get_data(as_text=True))
    assert "Planlagt mot realisert" in page
    assert "<title>Planlagt mot realisert</title>" in page  # the chart, with its title
    assert "stiplet" in page  # its description says which line is which
    section = page[page.index('id="forecast"') :]
    assert kroner(api["forecast"]["realised"]["total"]) in section
    assert kroner(api["promise"]["socioeconomic_npv"]) in section
    assert kroner(api["variance"]["socioeconomic_npv"]) in section
    # Beside each goal, its domain against the plan, in words.
    assert re.search(r"forecast-behind[^>]*>bak<", page)
    assert re.search(r"forecast-on_track[^>]*>i rute<", page)
    for row in api["series"]:
        day = dt.date.fromisoformat(row["quarter_end"]).strftime("%d.%m.%Y")
        assert day in section
    _keep("forecast-family-page.html", page)


def test_a_team_member_sees_no_forecast(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    family = behind_family(db, lab)
    login(client, lab.member.username)
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert "Planlagt mot realisert" not in page and "forecast-behind" not in page
    assert client.get(f"/families/{family.id}/gevinstrealiseringsplan.xlsx").status_code == 404


def test_the_family_plan_workbook_lists_goals_with_baseline_target_and_measurements(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = planned_family(db, lab)
    login(client, lab.lead.username)
    response = client.get(f"/families/{family.id}/gevinstrealiseringsplan.xlsx")
    assert response.status_code == 200
    assert "gevinstrealiseringsplan" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data))["Gevinstrealiseringsplan"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == (
        "Ansvarlig",
        "Område",
        "Utgangsnivå",
        "Dato for utgangspunkt",
        "Målnivå",
        "Måldato",
        "Forventet gevinst per år",
    )
    finance = [r for r in rows[1:] if r and r[1] == "Økonomi"]
    # Two dated finance goals; each lists the one assessment since the baseline (02.07.2025).
    assert len(finance) == 2
    stable, sustainable = finance
    assert stable[0] == lab.lead.full_name
    assert stable[2] == "utsatt" and stable[4] == "stabil" and stable[8] == "stabil"
    assert stable[3].date() == dt.date(2025, 1, 1) and stable[7].date() == dt.date(2025, 7, 2)
    # Expected yearly gain, finance exposed → stable: social assistance (municipal, A)
    # 0.72 · (63 607 − 15 000) = 34 997.04, household (C) 0.72 · 0.75 · (20 000 − 5 000) = 8 100.
    assert stable[6] == pytest.approx(43_097.04, abs=0.01)
    assert stable[9] == pytest.approx(43_097.04, abs=0.01) and stable[10] == pytest.approx(0)
    # → sustainable: 0.72 · 63 607 + 0.54 · 20 000 = 45 797.04 + 10 800 = 56 597.04
    assert sustainable[6] == pytest.approx(56_597.04, abs=0.01)
    assert sustainable[10] == pytest.approx(43_097.04 - 56_597.04, abs=0.01)
    # A table like the workbook's other sheets: frozen headers, the one money format (issue 22).
    assert sheet.freeze_panes == "A2"
    assert sheet.cell(2, 7).number_format == excel_format("money", "nb")
    assert sheet.cell(2, 4).number_format == excel_format("date", "nb")


def test_the_dashboard_shows_promised_against_delivered_as_the_api_does(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    for _ in range(5):
        behind_family(db, lab)
    api = client.get("/api/v1/reports/portfolio", headers=auth(db, lab.leader)).get_json()[
        "forecast"
    ]
    login(client, lab.leader.username)
    page = plain(client.get("/dashboard").get_data(as_text=True))
    section = page[page.index('id="forecast"') :]
    assert "<title>Planlagt mot realisert</title>" in section
    assert kroner(api["promised"]["socioeconomic_npv"]["value"]) in section
    assert kroner(api["actual"]["realised_total"]["value"]) in section
    # Five families, ten goals: housing behind in each, work on track in each → 50 %.
    assert api["goals"]["share_on_track_or_ahead"]["value"] == 0.5
    assert "50 %" in section
    gains = page[page.index('id="gain-title"') :]
    assert "Gevinsten går til" in gains[: gains.index("</table>")]  # headed by who gains
    book = load_workbook(io.BytesIO(client.get("/dashboard.xlsx").data))
    plan = {r[0]: r for r in book["Gevinstrealiseringsplan"].iter_rows(values_only=True) if r}
    assert plan["Bolig"][1:3] == (5, 5)
    _keep("forecast-dashboard.html", page)
    # The leader's portfolio PDF: the same figures, the same chart.
    leader = auth(db, lab.leader)
    report = client.post("/api/v1/reports", json={"kind": "portfolio"}, headers=leader).get_json()
    pdf = client.get(f"/api/v1/reports/{report['id']}/pdf", headers=leader).data
    text = pdf_text(pdf)
    assert "Planlagt mot realisert" in text and "Gevinstrealiseringsplan per område" in text
    assert kroner(api["promised"]["socioeconomic_npv"]["value"]) in text
    assert "50 %" in text
    save_page_images(pdf, "forecast-portfolio-report")


def test_the_family_and_audit_pdfs_show_the_apis_forecast(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = behind_family(db, lab)
    api = today_forecast(client, db, lab, family)
    as_of = dt.date.today().isoformat()
    headers = auth(db, lab.lead)
    report = client.post(
        "/api/v1/reports",
        json={"kind": "family", "family_id": family.id, "as_of": as_of},
        headers=headers,
    ).get_json()
    pdf = client.get(f"/api/v1/reports/{report['id']}/pdf", headers=headers).data
    text = pdf_text(pdf)
    assert "Planlagt mot realisert" in text and "Gevinstrealiseringsplan" in text
    assert kroner(api["promise"]["socioeconomic_npv"]) in text
    assert kroner(api["forecast"]["realised"]["total"]) in text
    assert "bak" in text and "i rute" in text
    assert "Den planlagte veien prissettes" in text  # the method, in the appendix
    save_page_images(pdf, "forecast-family-report")
    auditor = auth(db, lab.auditor)
    audit = client.post(
        "/api/v1/reports",
        json={
            "kind": "audit",
            "municipality_id": lab.municipality.id,
            "period_start": "2025-01-01",
            "period_end": as_of,
            "as_of": as_of,
        },
        headers=auditor,
    ).get_json()
    assert audit.get("status") == "ready", audit
    audit_text = pdf_text(client.get(f"/api/v1/reports/{audit['id']}/pdf", headers=auditor).data)
    assert "Planlagt mot realisert per familie" in audit_text
    assert family.reference in audit_text
    assert kroner(api["promise"]["socioeconomic_npv"]) in audit_text
