"""At evidence grade 1 no dashboard, family page or workbook calls a gain an effect (not
"effekt", "effect" or "impact"), and each names the grade beside the gains (benefit-model.md,
"Evidence grade"); the PDFs are read in tests/reports/test_grade_one_words.py."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy.orm import scoped_session

from tests.portfolio_fixture import make_portfolio
from tests.reports.test_grade_one_words import EFFECT_WORDS, GRADE, flat
from tests.web.test_login import csrf_from, login


def workbook_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data))
    return " ".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def _pages_and_workbooks(app: Flask, db: scoped_session, language: str) -> str:
    portfolio = make_portfolio(db)
    lab = portfolio.lab
    texts = []
    for user, paths in (
        (lab.leader, ["/dashboard?as_of=2025-09-30", "/dashboard.xlsx?as_of=2025-09-30"]),
        (lab.lead, [f"/families/{portfolio.families[7].id}"]),
    ):
        client = app.test_client()
        login(client, user.username)
        page = client.get("/").get_data(as_text=True)
        client.post(
            "/language", data={"csrf_token": csrf_from(page), "language": language, "next": "/"}
        )
        for path in paths:
            answer = client.get(path)
            assert answer.status_code == 200, path
            if path.startswith("/dashboard.xlsx"):
                texts.append(workbook_text(answer.data))
            else:
                texts.append(flat(answer.get_data(as_text=True)))
    return " ".join(texts)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_no_page_or_sheet_calls_a_grade_one_gain_an_effect(
    app: Flask, db: scoped_session, language: str
) -> None:
    text = _pages_and_workbooks(app, db, language)
    assert EFFECT_WORDS.findall(text) == []
    # the dashboard's box, the key figures and the workbook's key figures; the family page
    assert text.count(GRADE[language]) >= 4
