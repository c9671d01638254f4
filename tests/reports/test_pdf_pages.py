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


@pytest.fixture(scope="module")
def module_db(app: Flask) -> Iterator[scoped_session]:  # type: ignore[type-arg]
    """As the db fixture, for the whole module: one transaction, rolled back at the end (one
    connection for all the module's PDFs: SQLite writes through one at a time)."""
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
def issued(app: Flask, module_db: scoped_session) -> Iterator[dict[str, bytes]]:  # type: ignore[type-arg]
    """{name: file}: the four PDFs in nb and en, and the leader's workbook in bokmål."""
    app.extensions["velferdslab_limiter"].reset()
    refusals.COUNTER = refusals.RefusalCounter()
    limit = app.config["REPORTS_PER_USER_PER_MINUTE"]
    app.config["REPORTS_PER_USER_PER_MINUTE"] = 100
    session = module_db
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


# --- The mission report and the archive's PDF/A documents, as wide as they get ----------------

LONG_PLACE = "Nordre Follo og Søndre Land interkommunale velferdssamarbeid"
LONG_NOTE = (
    "Mer innsats i bolig og arbeid etter gjennomgangen med kommunedirektørene; "
    "oppfølgingsteamene styrkes med to årsverk fra NAV og Boligkontoret fra neste kvartal."
)


@pytest.fixture(scope="module")
def mission_reports(app: Flask, module_db: scoped_session) -> Iterator[dict[str, bytes]]:  # type: ignore[type-arg]
    """{mission-nb, mission-en}: a mission over three municipalities with long names, a long
    name of its own, a steering log of long notes and three target versions."""
    from tests.missions.test_missions_api import build, create
    from tests.reports.test_family_report import download, issue

    app.extensions["velferdslab_limiter"].reset()
    session = module_db
    world = build(session)
    for number, lab in enumerate(world["labs"].values()):
        lab.municipality.name = f"{LONG_PLACE} {number + 1}"
    session.flush()
    client, leader = app.test_client(), world["regional"]
    headers = auth(session, leader)
    name = "60 % av familiene stabile eller bedre i alle livsområder innen 31.12.2026"
    mission = create(client, session, world, leader, name=name).get_json()
    for number, value in enumerate((0.55, 0.5)):
        body = {"decision": "adjust", "on": f"2026-0{number + 1}-15", "note": LONG_NOTE,
                "target": {"value": value, "by": "2027-12-31"}}  # fmt: skip
        answer = client.post(
            f"/api/v1/missions/{mission['id']}/decisions", json=body, headers=headers
        )
        assert answer.status_code == 201, answer.get_json()
    files = {}
    for language in ("nb", "en"):
        report = issue(client, headers, kind="mission", mission_id=mission["id"],
                       as_of="2025-12-31", language=language)  # fmt: skip
        files[f"mission-{language}"] = download(client, headers, report["id"])
    yield files


@pytest.mark.parametrize("language", ["nb", "en"])
def test_every_word_of_the_mission_report_lies_on_its_page(
    mission_reports: dict[str, bytes], language: str
) -> None:
    pdf = mission_reports[f"mission-{language}"]
    save_page_images(pdf, f"mission-wide-{language}")
    assert "Nordre Follo" in pdf_text(pdf)  # the municipalities are on it
    assert words_outside_their_page(pdf) == []


@pytest.fixture(scope="module")
def archived(app: Flask, module_db: scoped_session) -> Iterator[dict[str, bytes]]:  # type: ignore[type-arg]
    """{kind: PDF/A}: every archived document of a family whose facts are as wide as they get
    (long names, a decision of tens of millions, a goal in every domain, sixteen readings), made
    by velferdslab.archive.documents as the outbox makes it."""
    from tests.archive.conftest import enrolled_family
    from velferdslab.archive.documents import make_document
    from velferdslab.archive.models import ArchiveRecord
    from velferdslab.budgets import services as budgets
    from velferdslab.families import services as families
    from velferdslab.plans import services as plans
    from velferdslab.vocabulary import DOMAINS

    transport = app.config.get("ARCHIVE_TRANSPORT", "off")
    app.config["ARCHIVE_TRANSPORT"] = "folder"  # archiving on: the hooks queue the records
    try:
        session = module_db
        with app.app_context():
            lab = make_lab(session)
            lab.nav.name = f"Arbeids- og velferdsforvaltningen (NAV) {LONG_PLACE}"
            lab.housing.name = f"Boligkontoret for vanskeligstilte i {LONG_PLACE}"
            lab.lead.full_name = "Anne-Marie Kristiansen-Holmboe Stenersen Østby-Wergeland"
            lab.member.full_name = "Karl-Johan Bjørnstjerne Haraldsen-Tveit"
            family = enrolled_family(session, lab)
            start = dt.date(2022, 11, 15)
            for quarter in range(16):
                level = quarter // 4
                add_assessment(
                    session, family, start + dt.timedelta(days=91 * quarter),
                    finance=level, housing=level, work=level, health=level,
                )  # fmt: skip
            consent = families.record_consent(
                session, family, given_on=dt.date(2024, 1, 16),
                agency_ids=[lab.nav.id, lab.housing.id],
            )  # fmt: skip
            for domain in DOMAINS:
                goal = {"domain": domain, "target_level": 3,
                        "target_date": dt.date(2026, 12, 31)}  # fmt: skip
                plans.add_goal(session, family, lab.lead.id, goal)
            families.add_team_member(
                session, family, user_id=lab.member.id, agency_id=lab.nav.id,
                team_role="member", mandate_nok=Decimal("12345678.90"),
                joined_on=dt.date(2024, 1, 16),
            )  # fmt: skip
            budgets.set_budget(session, family, year=2024, amount=Decimal("90000000"))
            expenditure = budgets.request_expenditure(
                session, family, lab.member, spent_on=dt.date(2024, 3, 1),
                amount=Decimal("45678901.50"), description=LONG_NOTE * 3,
                paying_agency_id=lab.nav.id, today=dt.date(2024, 3, 1),
            )  # fmt: skip
            budgets.decide_expenditure(
                session, family, expenditure, lab.lead, approve=True, note=LONG_NOTE
            )
            families.change_consent(
                session, consent, {"withdrawn_on": dt.date(2024, 9, 1)}, dt.date(2024, 9, 1)
            )
            families.update_family(
                session, family, {"status": "concluded", "concluded_on": dt.date(2026, 9, 2)}
            )
            files = {}
            for record in session.scalars(
                select(ArchiveRecord).where(ArchiveRecord.family_id == family.id)
            ):
                make_document(record)
                if record.document is not None:
                    files[record.kind.value] = record.document
        yield files
    finally:
        app.config["ARCHIVE_TRANSPORT"] = transport


ARCHIVED = ("consent_given", "plan", "team_change", "spending_decision", "consent_withdrawn",
            "conclusion")  # fmt: skip


@pytest.mark.parametrize("kind", ARCHIVED)
def test_every_word_of_every_archived_document_lies_on_its_page(
    archived: dict[str, bytes], kind: str
) -> None:
    pdf = archived[kind]
    save_page_images(pdf, f"archive-wide-{kind}")
    assert words_outside_their_page(pdf) == []


def test_an_archived_decision_shows_the_amount_and_the_mandate_as_typed(
    archived: dict[str, bytes],
) -> None:
    """The archivist reads the decided amount and the member's mandate to the øre, and the team
    change's row says what changed ("Endring"), not the verb "Endre"."""
    decision = " ".join(pdf_text(archived["spending_decision"]).split())
    assert "45 678 901,50 kr" in decision.replace("\u202f", " ").replace("\u00a0", " ")
    team = " ".join(pdf_text(archived["team_change"]).split()).replace("\u202f", " ")
    assert "12 345 678,90 kr" in team.replace("\u00a0", " ")
    assert "Endring" in team and "Endre " not in team
