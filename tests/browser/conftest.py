"""Real-browser tests: Debian's Chromium, driven by Playwright, against a live server.

The server runs in a thread over an app of its own, on a database of its own: a fresh SQLite file,
or a fresh schema of the PostgreSQL database named by VELFERDSLAB_TEST_DATABASE_URL. It never
touches the session `database_url`/`app` of tests/conftest.py, so the other tests and these can
run in any order. The data is seeded once, with tests/factories.py; the journeys that change it
(an assessment, an approval, a new family) work on records no other journey depends on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page
from werkzeug.serving import BaseWSGIServer, make_server

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

from tests.browser.helpers import TODAY, LiveServer, Seed
from tests.factories import Lab, add_assessment, make_agency, make_family, make_lab, make_user
from tests.isolated import isolated_database
from velferdslab.app import create_app
from velferdslab.budgets.services import request_expenditure
from velferdslab.extensions import db as flask_db
from velferdslab.families.models import Family
from velferdslab.plans.models import Goal, Measure
from velferdslab.reports.models import IssuedReport
from velferdslab.schema import upgrade_database
from velferdslab.vocabulary import ReportKind, Role

CHROMIUM = "/usr/bin/chromium"
# `playwright install` cannot download here: the browser is Debian's, started without anything
# that would phone home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PG_SCHEMA = "browser_e2e"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="package")
def browser_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database no other test uses: a fresh SQLite file, or a fresh PostgreSQL schema."""
    with isolated_database(PG_SCHEMA, tmp_path_factory.mktemp("browser")) as url:
        yield url


@pytest.fixture(scope="package")
def browser_app(
    browser_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    application = create_app(
        {
            "ENV": "test",
            "DATABASE_URL": browser_database_url,
            "SECRET_KEY": "browser-test-secret-not-for-production",
            "REPORT_DIR": str(tmp_path_factory.mktemp("browser-reports")),
            "LOGIN_FAILURES_PER_ADDRESS": 1000,
        }
    )
    upgrade_database(application)
    yield application
    with application.app_context():
        flask_db.session.remove()
        flask_db.engine.dispose()


def seed(app: Flask) -> Seed:
    """One municipality, its agencies, a user per role and six families (≥ 5: the dashboard
    shows its figures), built with the suite's own factories and the spending service."""
    with app.app_context():
        session = flask_db.session
        lab = make_lab(session)
        lab.municipality.name = "Nettleserby"
        child_welfare = make_agency(session, lab.municipality, "child_welfare", "municipal")
        lab.nav.name, lab.housing.name = "NAV Nettleserby", "Boligkontoret"
        child_welfare.name = "Barnevernet"
        names = {
            lab.member: ("tove.team", "Tove Teammedlem"),
            lab.lead: ("ine.leder", "Ine Investeringsleder"),
            lab.leader: ("kari.kommune", "Kari Kommunalsjef"),
            lab.auditor: ("rolf.revisor", "Rolf Revisor"),
            lab.admin: ("ada.admin", "Ada Administrator"),
        }
        for user, (username, full_name) in names.items():
            user.username, user.full_name = username, full_name
        newcomer = make_user(
            session, Role.TEAM_MEMBER, municipality=lab.municipality, agency=child_welfare
        )
        newcomer.username, newcomer.full_name = "nils.ny", "Nils Nykommer"

        assessed = make_family(session, lab)
        add_assessment(session, assessed, dt.date(2025, 1, 6), housing=0, work=1, school=1)
        add_assessment(session, assessed, dt.date(2025, 6, 2), housing=1, work=1, school=2)
        quiet = make_family(session, lab)
        add_assessment(session, quiet, dt.date(2025, 3, 3), housing=2, work=2, health=1)
        pending = make_family(session, lab, member_mandate=Decimal("5000"))
        add_assessment(session, pending, dt.date(2025, 2, 3), finance=0, network=1)
        expenditure = request_expenditure(
            session,
            pending,
            lab.member,
            spent_on=TODAY,
            amount=Decimal("12500"),
            description="Depositum for ny leilighet",
            paying_agency_id=lab.nav.id,
        )
        assert expenditure.status.value == "pending"
        for levels in ({"housing": 1, "work": 0}, {"housing": 3, "health": 2}):
            family = make_family(session, lab)
            add_assessment(session, family, dt.date(2025, 4, 7), **levels)
        no_consent = make_family(session, lab, consent=False)
        # The plan and the family's voice: a family of its own, with a rationale and the
        # family's reading differing from the team's in one domain.
        planned = make_family(session, lab)
        spoken = add_assessment(session, planned, dt.date(2025, 5, 5), housing=1, health=2)
        spoken.rationale = {"health": "Fastlege og faste timer hos psykolog"}
        spoken.family_level_health = 1
        session.add_all(
            [
                Goal(family_id=planned.id, domain="work", target_level=2,
                     target_date=TODAY + dt.timedelta(days=365),
                     description="Deltidsjobb innen ett år"),
                Goal(family_id=planned.id, domain="school", target_level=3,
                     target_date=TODAY + dt.timedelta(days=180),
                     description="Møter på skolen hver måned"),
            ]
        )  # fmt: skip
        # What cannot be undone, each asked first: a family of its own to remove, withdraw,
        # reject and conclude on.
        confirmed = make_family(session, lab, member_mandate=Decimal("2000"))
        charted = _charted_family(session, lab)
        session.add(_issued_report(lab))
        session.commit()
        return Seed(
            member="tove.team",
            lead="ine.leder",
            leader="kari.kommune",
            auditor="rolf.revisor",
            admin="ada.admin",
            newcomer="nils.ny",
            newcomer_name="Nils Nykommer",
            municipality="Nettleserby",
            assessed_id=assessed.id,
            assessed_reference=assessed.reference,
            quiet_id=quiet.id,
            quiet_reference=quiet.reference,
            pending_id=pending.id,
            pending_reference=pending.reference,
            no_consent_id=no_consent.id,
            planned_id=planned.id,
            planned_reference=planned.reference,
            confirmed_id=confirmed.id,
            confirmed_reference=confirmed.reference,
            charted_id=charted.id,
        )


def _charted_family(session: Any, lab: Lab) -> Family:
    """Read, never changed: a family followed since 2023 (some fifteen quarters on the forecast
    chart) with a dated goal, a measure and gains; its levels (stable, then sustainable) keep
    every level count of Nettleserby below five."""
    family = make_family(session, lab, referred_on=dt.date(2023, 1, 2))
    add_assessment(session, family, dt.date(2023, 2, 6), housing=2, work=2)
    add_assessment(session, family, dt.date(2024, 5, 6), housing=3, work=3)
    goal = Goal(
        family_id=family.id,
        domain="work",
        target_level=3,
        target_date=dt.date(2024, 12, 31),
        description="Fast jobb",
    )
    session.add(goal)
    session.flush()
    session.add(Measure(family_id=family.id, goal_id=goal.id, description="Jobbsøkerkurs",
                        domain="work"))  # fmt: skip
    return family


def _issued_report(lab: Lab) -> IssuedReport:
    """A portfolio report the auditor issued (its page is one of the auditor's)."""
    pdf = b"%PDF-1.7 a report"
    return IssuedReport(
        kind=ReportKind.PORTFOLIO, municipality_id=lab.municipality.id,
        parameters={"as_of": "2025-12-31", "suppressed": True},
        issued_by=lab.auditor.id, status="ready", progress=100, pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )  # fmt: skip


def buffered(app: WSGIApplication) -> WSGIApplication:
    """The app with each response read whole and closed before the server writes it.

    Werkzeug's development server closes a response only after draining the socket, and a
    connection the browser drops (a stylesheet request cut short by the next navigation) raises
    there first, so the response's open file is left to the garbage collector (serving.py,
    `execute`). Reading the body here closes it on every path; test responses are small.
    """

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        response = app(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            close = getattr(response, "close", None)
            if close is not None:
                close()

    return application


@pytest.fixture(scope="package")
def live_server(browser_app: Flask) -> Iterator[LiveServer]:
    data = seed(browser_app)
    server: BaseWSGIServer = make_server("127.0.0.1", 0, buffered(browser_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", data)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def seeded(live_server: LiveServer) -> Seed:
    return live_server.seed


@pytest.fixture
def context(new_context: Callable[..., BrowserContext], live_server: LiveServer) -> BrowserContext:
    """pytest-playwright's context, pointed at the live server (page.goto('/login') works)."""
    browser_context = new_context(base_url=live_server.url, locale="nb-NO")
    browser_context.set_default_timeout(10_000)
    return browser_context


@pytest.fixture
def phone(new_context: Callable[..., BrowserContext], live_server: LiveServer) -> Page:
    """A page at phone width (390 × 844, an iPhone 12–15)."""
    browser_context = new_context(
        base_url=live_server.url,
        locale="nb-NO",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
    )
    browser_context.set_default_timeout(10_000)
    return browser_context.new_page()


@pytest.fixture
def shoot(artifacts_dir: Path) -> Callable[[Page, str], None]:
    """shoot(page, "name"): a full-page screenshot to $VELFERDSLAB_ARTIFACTS/screenshots/."""
    folder = artifacts_dir / "screenshots"
    folder.mkdir(exist_ok=True)

    def take(page: Page, name: str) -> None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    return take
