"""The audit report's expenditures and budgets as ledgers (issue 30.4): a line per expenditure,
so a lab's year of spending takes a few pages instead of one row-page per nine, and every figure
the table held is still on the page — date, family, amount, who asked and when, the mandate,
and any other decision with who made it, when and its note — in house style, in both
languages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import add_assessment, auth, make_family, make_lab
from tests.reports.helpers import pdf_attachments, pdf_text, save_page_images
from tests.reports.test_council_and_auditor_reports import assert_norwegian_dates_only
from tests.reports.test_family_report import download, issue
from velferdslab.budgets.models import Budget, Expenditure
from velferdslab.families.models import Family
from velferdslab.formatting import format_amount, format_date, format_datetime, format_money

YEAR = dt.date.today().year - 1
NOTES = ("Nødvendig for å holde på boligen.", "Dekkes av ordinær stønad fra NAV.")


def a_year_of_spending(db: scoped_session) -> Any:
    """Three families and 120 expenditures over a year: most approved at once within the
    requester's mandate, some decided later by the lead (with or without a note), some
    rejected, some pending."""
    lab = make_lab(db)
    families = [make_family(db, lab) for _ in range(3)]
    for family in families:
        add_assessment(db, family, dt.date(YEAR, 1, 1), finance=1, housing=0)
        add_assessment(db, family, dt.date(YEAR, 9, 1), finance=2, housing=1)
    budgets = {
        f.id: db.scalars(select(Budget).where(Budget.family_id == f.id)).one() for f in families
    }
    for n in range(120):
        family = families[n % 3]
        spent_on = dt.date(YEAR, 1 + n % 12, 1 + n % 27)
        asked = dt.datetime.combine(spent_on, dt.time(8 + n % 8, n % 60), tzinfo=dt.UTC)
        kind = ("at once", "at once", "at once", "lead", "rejected", "pending")[n % 6]
        decided = {"at once": asked, "lead": asked + dt.timedelta(days=2, minutes=7)}.get(
            kind, asked + dt.timedelta(days=1) if kind == "rejected" else None
        )
        db.add(
            Expenditure(
                family_id=family.id, budget_id=budgets[family.id].id, spent_on=spent_on,
                amount=Decimal(1000 + 137 * n) + Decimal("0.50") * (n % 2),
                description=("Treningskort", "Depositum for leilighet", "Leksehjelp")[n % 3],
                paying_agency_id=lab.nav.id,
                status={"at once": "approved", "lead": "approved"}.get(kind, kind),
                requested_by=lab.member.id,
                decided_by={"at once": lab.member.id, "pending": None}.get(kind, lab.lead.id),
                decided_at=decided, created_at=asked,
                decision_note=NOTES[n % 2] if kind in ("lead", "rejected") and n % 4 else None,
            )
        )  # fmt: skip
    db.flush()
    return lab


def pages(pdf: bytes) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(pdf)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]


def squeeze(line: str) -> str:
    return " ".join(line.split())


def plain(text: str) -> str:
    return squeeze(text.replace("\u202f", " ").replace("\u00a0", " "))


def the_report(client: FlaskClient, db: scoped_session, language: str) -> bytes:
    lab = a_year_of_spending(db)
    headers = auth(db, lab.auditor)
    body = {
        "kind": "audit", "period_start": f"{YEAR}-01-01", "period_end": f"{YEAR}-12-31",
        "as_of": f"{YEAR}-12-31", "language": language,
    }  # fmt: skip
    return download(client, headers, issue(client, headers, **body)["id"])


def test_every_expenditure_is_a_line_with_every_figure_it_had(
    client: FlaskClient, db: scoped_session
) -> None:
    pdf = the_report(client, db, "nb")
    save_page_images(pdf, "audit-ledger-nb")
    text = pdf_text(pdf)
    lines = [squeeze(line) for line in text.splitlines() if line.strip()]
    rows = list(csv.DictReader(io.StringIO(pdf_attachments(pdf)["expenditures.csv"].decode())))
    assert len(rows) == 120
    for row in rows:
        asked = dt.datetime.fromisoformat(row["requested_at"])
        figures = [
            format_date(dt.date.fromisoformat(row["spent_on"])),
            row["reference"],
            plain(format_amount(row["amount"])),
            f"({row['requested_by']}) {format_datetime(asked)}",
            row["description"],
        ]
        found = [n for n, line in enumerate(lines) if all(f in line for f in figures)]
        assert len(found) == 1, (figures, found)
        line, beneath = lines[found[0]], lines[found[0] + 1]
        at_once = row["within_mandate"] == "True" and row["decided_at"] == row["requested_at"]
        assert ("innenfor fullmakt" if row["within_mandate"] == "True" else "over fullmakt") in line
        if at_once:
            assert not beneath.startswith("Avgjørelse:"), beneath
            continue
        status = {"approved": "godkjent", "rejected": "avvist", "pending": "venter"}[row["status"]]
        assert beneath.startswith(f"Avgjørelse: {status}"), beneath
        if row["decided_at"]:
            decided = format_datetime(dt.datetime.fromisoformat(row["decided_at"]))
            assert f"({row['decided_by']}) {decided}" in beneath, beneath
        if row["decision_note"]:
            assert f"«{row['decision_note']}»" in beneath, beneath
    # The listed sum and every budget's figures, a line each.
    flat = plain(text)
    approved = sum(Decimal(r["amount"]) for r in rows if r["status"] == "approved")
    assert f"Godkjent i perioden, oppført {plain(format_amount(approved))}" in flat
    budgets = csv.DictReader(io.StringIO(pdf_attachments(pdf)["budgets.csv"].decode()))
    for budget in budgets:
        money = [plain(format_money(float(budget[k]))) for k in ("budget", "approved", "pending")]
        wanted = squeeze(" ".join([budget["reference"], budget["year"], *money]))
        assert any(wanted in plain(line) for line in text.splitlines()), wanted
    assert_norwegian_dates_only(text)


def test_a_year_of_spending_takes_a_few_pages_not_one_for_every_nine_expenditures(
    client: FlaskClient, db: scoped_session
) -> None:
    # 120 expenditures (40 with a decision beneath) in twelve months were 13 pages of table
    # rows (W-lab's 2 751, 310 pages); as lines under a heading per month they are 6.
    pdf = the_report(client, db, "nb")
    text = pdf_text(pdf).split("\f")
    start = next(n for n, page in enumerate(text) if "Utgifter med godkjenningsspor" in page)
    end = next(n for n, page in enumerate(text) if "Budsjett mot forbruk per familie" in page)
    assert end - start + 1 <= 7, end - start + 1  # 13 as table rows
    assert pages(pdf) <= 13  # 18 as table rows; the lasting moves section (issue 28) adds one
    # Each family's move is a line of the moves ledger too: its reference, then its status
    # (housing 0 → 1 and finance 1 → 2 never make the family stable), no dates to show.
    references = {family.reference for family in db.scalars(select(Family)).all()}
    lines = {squeeze(line) for line in "".join(text).splitlines()}
    assert len(references) == 3
    for reference in references:
        assert f"{reference} ikke nådd stabilt – – –" in lines, reference


def test_the_english_ledger_speaks_english_with_norwegian_dates(
    client: FlaskClient, db: scoped_session
) -> None:
    pdf = the_report(client, db, "en")
    save_page_images(pdf, "audit-ledger-en")
    text = pdf_text(pdf)
    flat = plain(text)
    assert "within mandate" in flat and "above mandate" in flat
    assert "Decision: rejected" in flat and "Decision: pending" in flat
    assert re.search(r"NOK \d{1,3}(,\d{3})* ", flat)
    assert "Avgjørelse" not in flat and "innenfor fullmakt" not in flat
    assert_norwegian_dates_only(text)
