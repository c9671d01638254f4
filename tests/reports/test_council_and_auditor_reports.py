"""The portfolio report a leader takes to the council and the audit report an auditor traces every
krone in, on the hand-counted portfolio of tests/portfolio_fixture.py."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import auth
from tests.portfolio_fixture import AS_OF, PERIOD, make_portfolio
from tests.reports.helpers import pdf_attachments, pdf_text, save_page_images
from tests.reports.test_family_report import download, issue

ISO_DATE = re.compile(r"\b(19|20)\d\d-\d\d-\d\d\b")


def millions(value: float) -> str:
    return f"{value / 1e6:.1f} mill. kr".replace(".", ",", 1).replace("-", "−")


def squeeze(text: str) -> str:
    return " ".join(text.split())


def assert_norwegian_dates_only(text: str) -> None:
    assert not ISO_DATE.search(text), ISO_DATE.search(text)
    assert "UTC" not in text


def period_body() -> dict[str, str]:
    return {
        "period_start": PERIOD[0].isoformat(),
        "period_end": PERIOD[1].isoformat(),
        "as_of": AS_OF.isoformat(),
    }


def test_the_portfolio_reports_first_page_tells_the_council_the_story(
    client: FlaskClient, db: scoped_session
) -> None:
    portfolio = make_portfolio(db)
    headers = auth(db, portfolio.lab.leader)
    pdf = download(client, headers, issue(client, headers, kind="portfolio", **period_body())["id"])
    save_page_images(pdf, "portfolio-report-council")
    text = pdf_text(pdf)
    pages = text.split("\f")
    first = squeeze(pages[0])
    assert "Hva laben er" in first and "Hva som har skjedd" in first
    assert "12 familier er med i laben." in first
    assert "6 av 12 kartlagte familier er nå på stabilt eller bærekraftig nivå (50 %)" in first
    assert "6 familier har gått fra under stabil ved oppstart til stabil eller bedre." in first
    # The period's spending, and the all-time total named as such.
    assert "Brukt i perioden 01.01.2025 – 30.09.2025: 150 000 kr." in first
    assert "Brukt siden laben startet (alle år): 200 000 kr." in first
    # Gains rounded, with their range, and the word that assumptions are illustrative.
    auditor = auth(db, portfolio.lab.auditor)
    figures = client.get(f"/api/v1/reports/portfolio?as_of={AS_OF}", headers=auditor).get_json()
    npv = figures["gains"]["socioeconomic_npv"]["value"]
    low, high = figures["sensitivity_range"]["low"], figures["sensitivity_range"]["high"]
    assert 1_000_000 < npv < 10_000_000  # so one decimal: `1,6 mill. kr`
    worth = next(squeeze(line) for line in pages[0].splitlines() if "mellom" in line)
    assert worth.startswith("Samfunnsøkonomisk netto nåverdi") and millions(npv) in first, worth
    assert f"mellom {millions(low)} og {millions(high)} når hver" in worth
    assert "noen av forutsetningene bak gevinstene er illustrative" in first
    # The coarsened quarter: 4 and 3 families would be hidden, so the groups show 7 and 5.
    row = next(squeeze(line) for line in text.splitlines() if line.strip().startswith("30.06.2025"))
    assert row == "30.06.2025 7 5 12", row
    assert "suksessrate" in text and "success_rate" not in text
    assert_norwegian_dates_only(text)
    everything = text + b"".join(pdf_attachments(pdf).values()).decode()
    assert all(family.reference not in everything for family in portfolio.families)
    assert "Kari Nordmann" not in everything


def test_the_audit_report_traces_the_periods_spending_to_people_and_mandates(
    client: FlaskClient, db: scoped_session
) -> None:
    portfolio = make_portfolio(db)
    lab = portfolio.lab
    lab.member.full_name, lab.lead.full_name = "Mona Medlem", "Lars Leder"
    db.flush()
    headers = auth(db, lab.auditor)
    pdf = download(client, headers, issue(client, headers, kind="audit", **period_body())["id"])
    save_page_images(pdf, "audit-report-period")
    text = pdf_text(pdf)
    flat = squeeze(text)
    assert "Godkjent forbruk i perioden 150 000 kr" in flat
    assert "Venter på avgjørelse 5 000 kr" in flat
    assert "Godkjent forbruk i alt, alle år fram til 30.09.2025 200 000 kr" in flat
    assert "Godkjent i perioden, oppført 150 000 kr" in flat
    assert "Revisjonsloggens kjede var intakt" in flat and "hendelser kontrollert" in flat
    # People by name beside their user names; the mandate column; the decision's note.
    assert "Mona Medlem" in flat and lab.member.username in flat
    assert "Lars Leder" in flat
    lines = text.splitlines()
    within = [line for line in lines if "Fritidsaktivitet" in line]
    assert len(within) == 6 and all("innenfor fullmakt" in line for line in within)
    above = next(i for i, line in enumerate(lines) if "Førerkort for mor" in line)
    assert "over fullmakt" in lines[above] and "Lars Leder (" in lines[above + 1]
    assert "Gir mulighet for jobb" in flat
    assert "10.03.2025" in flat and "01.04.2025 12:30" in flat  # decided 10:30 UTC = 12:30 Oslo
    assert "Depositum" not in flat  # 2024's spending is outside the period
    assert_norwegian_dates_only(text)


def test_the_audit_reports_access_log_summary_speaks_bokmal(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_portfolio(db).lab
    headers = auth(db, lab.auditor)
    for family in lab.families[:2]:  # reads this year, so in the default period
        client.get(f"/api/v1/families/{family.id}/expenditures", headers=headers)
    words = squeeze(pdf_text(download(client, headers, issue(client, headers, kind="audit")["id"])))
    assert "listet utgift" in words  # the auditor's reads, by the audit log's own words
    assert {"list", "expenditure", "read", "family"}.isdisjoint(words.split())


def test_the_family_report_has_no_iso_date_and_no_utc_time(
    client: FlaskClient, db: scoped_session
) -> None:
    portfolio = make_portfolio(db)
    headers = auth(db, portfolio.lab.lead)
    family = portfolio.families[0]
    pdf = download(
        client, headers, issue(client, headers, kind="family", family_id=family.id)["id"]
    )
    text = pdf_text(pdf)
    assert "02.01.2024" in text  # referred, as Norwegians write it
    assert_norwegian_dates_only(text)
