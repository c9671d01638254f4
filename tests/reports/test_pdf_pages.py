"""Every word of every report on its page, and the bokmål reports in bokmål (issue 22).

The family, portfolio, audit and access-request PDFs are issued once for this module, in bokmål
and in English, for a lab whose figures are as wide as a lab's get: a family read every quarter
for four years (sixteen readings) and sums in the tens of millions. Every word's box, as
poppler's `pdftotext -bbox` reads it, must lie on its page.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import scoped_session, sessionmaker

from tests.factories import add_assessment, auth, make_family, make_lab
from tests.reports.helpers import pdf_text, save_page_images
from tests.web.test_login import login
from velferdslab.audit import refusals
from velferdslab.budgets.models import Budget, Expenditure
from velferdslab.extensions import db as flask_db
from velferdslab.families.models import Member
from velferdslab.privacy.access_request import start_access_request
from velferdslab.reports.models import IssuedReport

WORD = re.compile(
    r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)</word>'
)
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
# The shipped default's words as they were in English (issue 22.3), and the English that
# "illustrative" and the parameters' sources carried.
ENGLISH = (
    "Child-welfare care",
    "Social assistance",
    "State benefits for adults",
    "Temporary housing",
    "wellbeing",
    ": illustrative",  # "illustrativ: illustrative" ("illustrative" alone is bokmål too)
    "illustrative (",
    "as commonly cited",
    "Illustrative default",
    "SROI guide",
)


def words_outside_their_page(pdf: bytes) -> list[tuple[int, str]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(pdf)
        boxes = subprocess.run(
            ["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout
    outside, page, width, height = [], 0, 0.0, 0.0
    for line in boxes.splitlines():
        if found := PAGE.search(line):
            page, width, height = page + 1, float(found[1]), float(found[2])
        elif found := WORD.search(line):
            x0, y0, x1, y1 = (float(found[i]) for i in range(1, 5))
            if x0 < 0 or y0 < 0 or x1 > width or y1 > height:
                outside.append((page, found[5]))
    return outside


def _session(app: Flask) -> Iterator[scoped_session]:  # type: ignore[type-arg]
    """As the db fixture, for the whole module: one transaction, rolled back at the end."""
    with app.app_context():
        connection = flask_db.engine.connect()
    transaction = connection.begin()
    factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    session = scoped_session(factory)
    original, flask_db.session = flask_db.session, session
    try:
        yield session
    finally:
        session.remove()
        flask_db.session = original
        transaction.rollback()
        connection.close()


def _spend(session: scoped_session, family: object, lab: object, amount: str, status: str) -> None:  # type: ignore[type-arg]
    budget = session.scalars(select(Budget).where(Budget.family_id == family.id)).one()  # type: ignore[attr-defined]
    session.add(
        Expenditure(
            family_id=family.id,  # type: ignore[attr-defined]
            budget_id=budget.id,
            spent_on=dt.date.today() - dt.timedelta(days=1),
            amount=Decimal(amount),
            description="Bolig, flytting og oppfølging gjennom hele året",
            paying_agency_id=lab.nav.id,  # type: ignore[attr-defined]
            status=status,
            requested_by=lab.member.id,  # type: ignore[attr-defined]
            decided_by=lab.lead.id,  # type: ignore[attr-defined]
        )
    )


@pytest.fixture(scope="module")
def issued(app: Flask) -> Iterator[dict[str, bytes]]:
    """{name: file}: the four PDFs in nb and en, and the leader's workbook in bokmål."""
    app.extensions["velferdslab_limiter"].reset()
    refusals.COUNTER = refusals.RefusalCounter()
    limit = app.config["REPORTS_PER_USER_PER_MINUTE"]
    app.config["REPORTS_PER_USER_PER_MINUTE"] = 100
    for session in _session(app):
        lab = make_lab(session)
        families = [make_family(session, lab, budget=Decimal("90000000")) for _ in range(6)]
        start = dt.date(2022, 11, 15)
        for number, family in enumerate(families):
            for quarter in range(16):  # four years, read every quarter, up and down
                level = (quarter // 3 + number) % 4
                add_assessment(
                    session, family, start + dt.timedelta(days=91 * quarter),
                    finance=level, housing=max(level - 1, 0), work=level, health=level,
                )  # fmt: skip
            _spend(session, family, lab, "45678901", "approved")
        _spend(session, families[0], lab, "12345", "rejected")
        session.flush()
        client = app.test_client()
        member = session.scalars(select(Member).where(Member.family_id == families[0].id)).first()
        assert member is not None
        files: dict[str, bytes] = {}
        for language in ("nb", "en"):
            for kind, user, extra in (
                ("family", lab.lead, {"family_id": families[0].id}),
                ("portfolio", lab.auditor, {}),
                ("audit", lab.auditor, {"period_start": f"{dt.date.today().year - 4}-01-01"}),
            ):
                headers = auth(session, user)
                body = {"kind": kind, "language": language, **extra}
                answer = client.post("/api/v1/reports", json=body, headers=headers)
                assert answer.status_code == 201, answer.get_json()
                pdf = client.get(f"/api/v1/reports/{answer.get_json()['id']}/pdf", headers=headers)
                files[f"{kind}-{language}"] = pdf.data
            with app.test_request_context(method="POST"):
                request = start_access_request(
                    session, lab.lead, families[0].id, member.id, dt.date.today(), language
                )
                report = session.get(IssuedReport, request.report_id)
                assert report is not None and report.pdf is not None
                files[f"access-{language}"] = report.pdf
        login(client, lab.leader.username)
        answer = client.get("/dashboard.xlsx")
        assert answer.status_code == 200
        files["workbook-nb"] = answer.data
        yield files
    app.config["REPORTS_PER_USER_PER_MINUTE"] = limit


@pytest.mark.parametrize("kind", ["family", "portfolio", "audit", "access"])
@pytest.mark.parametrize("language", ["nb", "en"])
def test_every_word_of_every_report_lies_on_its_page(
    issued: dict[str, bytes], kind: str, language: str
) -> None:
    pdf = issued[f"{kind}-{language}"]
    if kind == "audit":
        save_page_images(pdf, f"audit-wide-{language}")
    assert words_outside_their_page(pdf) == []


def test_the_audit_trail_writes_each_journey_as_a_run_of_levels(
    issued: dict[str, bytes],
) -> None:
    text = " ".join(pdf_text(issued["audit-nb"]).split())
    trail = text[text.index("Beregningsspor per familie") :]
    # Sixteen readings become runs of equal levels, not sixteen dated lines.
    assert re.search(r"Forløp \d\d\.\d\d\.\d{4}–\d\d\.\d\d\.\d{4}: \w+ ×\d+ → \w+ ×\d+", trail)
    assert "Samfunnsøkonomisk netto nåverdi" in trail


def test_the_bokmal_reports_and_workbook_show_the_default_set_in_bokmal(
    issued: dict[str, bytes],
) -> None:
    for name in ("portfolio-nb", "audit-nb"):
        text = " ".join(pdf_text(issued[name]).split())
        assert [word for word in ENGLISH if word in text] == [], name
    book = load_workbook(io.BytesIO(issued["workbook-nb"]))
    cells = " ".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if isinstance(value, str)
    )
    assert [word for word in ENGLISH if word in cells] == []
    assert "Omsorgstiltak i barnevernet" in " ".join(pdf_text(issued["audit-nb"]).split())
    english = " ".join(pdf_text(issued["audit-en"]).split())
    assert "Child-welfare care" in english and "Omsorgstiltak" not in english


def test_a_rejected_expenditure_is_avvist_in_the_audit_report(issued: dict[str, bytes]) -> None:
    text = pdf_text(issued["audit-nb"])
    assert "avvist" in text.lower() and "avslått" not in text.lower()
