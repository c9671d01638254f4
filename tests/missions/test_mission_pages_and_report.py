"""The mission's page, its PDF and its sheet say what the API says (issue 29): the same gap in
words, the same lines per municipality, a hidden count as the same range; the PDF is verifiable
and freezes the target version it showed; the dashboard lists the mission with its light."""

from __future__ import annotations

import html
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy.orm import scoped_session

from tests.api.test_access_matrix import signed_in
from tests.factories import auth
from tests.missions.test_missions_api import build, create
from tests.reports.helpers import pdf_text
from tests.reports.test_family_report import download, issue
from tests.web.test_login import csrf_from

pytestmark = pytest.mark.db


def plain(text: str) -> str:
    return " ".join(html.unescape(text).replace("\u202f", " ").replace("\u00a0", " ").split())


def test_api_page_pdf_and_sheet_give_the_same_figures(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    world = build(db)
    leader = world["regional"]
    mission = create(client, db, world, leader).get_json()
    headers = auth(db, leader)
    api = client.get(
        f"/api/v1/missions/{mission['id']}/progress?as_of=2025-12-31", headers=headers
    ).get_json()
    # The leader's figures are suppressed: C's 2 of 10 is "1–4 av 10", and the mission's 13
    # is hidden with it (told as the range its municipalities give).
    lines = {line["municipality_id"]: line for line in api["by_municipality"]}
    c_line = lines[world["ids"][2]]["now"]
    assert c_line["count"]["suppressed"] and c_line["count_range"] == [1, 4]
    assert api["gap"] is None and api["gap_range"] is not None

    with app.test_request_context(headers={"Accept-Language": "nb"}):
        from velferdslab.missions.presentation import gap_words, value_text

        gap = plain(gap_words(api["gap"], api["indicator"], api["gap_range"]))
        forecast = plain(value_text(api["forecast"]["value"], api["indicator"],
                                    api["forecast"]["value_range"]))  # fmt: skip
    browser = signed_in(app, leader)
    page = plain(browser.get(f"/missions/{mission['id']}?as_of=2025-12-31").get_data(as_text=True))
    assert gap in page and forecast in page and "1–4 av 10" in page
    report = issue(client, headers, kind="mission", mission_id=mission["id"], as_of="2025-12-31")
    pdf = download(client, headers, report["id"])
    text = plain(pdf_text(pdf))
    assert gap in text and forecast in text and "1–4 av 10" in text
    assert "endring" in text and "effekt av" not in text.replace("ikke en effekt av", "")
    verified = client.post("/api/v1/reports/verify", data=pdf, headers={
        **headers, "Content-Type": "application/pdf"}).get_json()  # fmt: skip
    assert verified["valid"] and verified["report_id"] == report["id"]
    sheet = client.get(f"/missions/{mission['id']}.xlsx")
    assert sheet.status_code in (302, 401)  # a page of the signed-in only
    book = load_workbook(io.BytesIO(signed_in(app, leader).get(
        f"/missions/{mission['id']}.xlsx?as_of=2025-12-31").data))  # fmt: skip
    cells = " ".join(str(c.value) for row in book.worksheets[1].iter_rows() for c in row)
    assert "1–4 av 10" in plain(cells)


def test_a_report_freezes_the_target_it_showed(client: FlaskClient, db: scoped_session) -> None:
    world = build(db)
    leader = world["regional"]
    mission = create(client, db, world, leader).get_json()
    headers = auth(db, leader)
    issue(client, headers, kind="mission", mission_id=mission["id"], as_of="2025-12-31")
    path = f"/api/v1/missions/{mission['id']}"
    changed = client.patch(path, json={"target": {"value": 0.55, "by": "2026-12-31"}},
                           headers=headers).get_json()  # fmt: skip
    assert changed["version"] == 2
    assert [(t["version"], t["shown_in_report"]) for t in changed["targets"]] == [
        (1, True), (2, False)]  # fmt: skip
    frozen = client.patch(path, json={"municipality_ids": world["ids"][:1]}, headers=headers)
    assert frozen.status_code == 409


def test_the_regional_dashboard_lists_the_mission_with_its_light(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    world = build(db)
    leader = world["regional"]
    mission = create(client, db, world, leader).get_json()
    page = plain(signed_in(app, leader).get("/dashboard").get_data(as_text=True))
    assert mission["name"] in page
    assert any(words in page for words in ("Bak kursen", "Foran kursen", "På kurs", "Ikke kjent"))


def test_a_leader_records_an_adjustment_on_the_page_and_issues_the_report(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    world = build(db)
    leader = world["regional"]
    mission = create(client, db, world, leader).get_json()
    browser = signed_in(app, leader)
    page = f"/missions/{mission['id']}"
    token = csrf_from(browser.get(page).get_data(as_text=True))
    form = {
        "csrf_token": token,
        "decision": "adjust",
        "on": "2026-01-20",
        "note": "Mer innsats i bolig",
        "target_value": "50",
        "target_by": "2027-12-31",
    }
    answer = browser.post(page, data=form)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    shown = plain(browser.get(page).get_data(as_text=True))
    assert "Mer innsats i bolig" in shown and "Versjon 2: 50,0 % innen 31.12.2027" in shown
    stored = client.get(f"/api/v1/missions/{mission['id']}", headers=auth(db, leader)).get_json()
    assert stored["target"] == {"value": 0.5, "by": "2027-12-31"} and stored["version"] == 2
    # A municipal leader of the mission reads the page but cannot steer it.
    municipal = signed_in(app, world["labs"][1].leader)
    assert "Registrer beslutningen" not in municipal.get(page).get_data(as_text=True)
    assert municipal.post(page, data={**form, "csrf_token": token}).status_code in (400, 403)
    issued = browser.post(f"{page}/report?as_of=2025-12-31", data={"csrf_token": token})
    assert issued.status_code == 302 and "/reports/" in issued.headers["Location"]
