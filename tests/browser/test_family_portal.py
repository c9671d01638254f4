"""The family's own pages in Chromium: a parent signs in through ID-porten (oidc-provider-mock
on 127.0.0.1) on a phone and at a desk; every family page is axe-clean (WCAG 2.1 AA) at 1280
and 390 px and photographed; the reading and a comment are written with the keyboard alone.

One server for the module, on a database of its own, with the family pages switched on."""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.browser.conftest import buffered
from tests.browser.test_axe_sweep import AXE_SOURCE, RUN_AXE, SERIOUS, WIDTHS
from tests.factories import add_assessment
from tests.family_portal.helpers import CLIENT_SECRET, PARENT_PID, demo_family
from tests.isolated import isolated_database
from tests.sso.helpers import CLIENT_ID, Provider, running_provider
from velferdslab.app import create_app
from velferdslab.audit.services import PendingEvent, write_events
from velferdslab.extensions import db as flask_db
from velferdslab.families.models import Consent
from velferdslab.schema import upgrade_database

pytestmark = [pytest.mark.browser]

SHOTS = Path(os.environ.get("VELFERDSLAB_FAMILY_SHOTS", "/work/artifacts/family26"))
PAGES = {
    "plan": "/min-side/plan",
    "reisen": "/min-side/reisen",
    "var-vurdering": "/min-side/var-vurdering",
    "samtykker": "/min-side/samtykker",
    "trekk-tilbake": "/min-side/samtykker/{consent_id}/trekk-tilbake",
    "hvem-har-sett": "/min-side/hvem-har-sett",
    "vare-data": "/min-side/vare-data",
    "logget-ut": "/min-side/logget-ut",
}


@dataclass
class Portal:
    url: str
    provider: Provider
    consent_id: int
    member_name: str


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain http on 127.0.0.1, in tests only
    with (
        running_provider() as provider,
        isolated_database("family_e2e", tmp_path_factory.mktemp("family-browser")) as url,
    ):
        app = create_app({
            "ENV": "test", "DATABASE_URL": url, "SECRET_KEY": "family-browser-not-for-production",
            "REPORT_DIR": str(tmp_path_factory.mktemp("family-reports")),
            "IDPORTEN_ISSUER": provider.issuer, "IDPORTEN_CLIENT_ID": CLIENT_ID,
            "IDPORTEN_CLIENT_SECRET": CLIENT_SECRET,
        })  # fmt: skip
        upgrade_database(app)
        consent_id, member_name = _seed(app)
        provider.set_user("kari", {"pid": PARENT_PID, "acr": "idporten-loa-substantial"})
        provider.set_user("ukjent", {"pid": "24129012345", "acr": "idporten-loa-substantial"})
        server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="family-live", daemon=True)
        thread.start()
        try:
            yield Portal(f"http://127.0.0.1:{server.server_port}", provider, consent_id,
                         member_name)  # fmt: skip
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            with app.app_context():
                flask_db.session.remove()
                flask_db.engine.dispose()


def _seed(app: Flask) -> tuple[int, str]:
    """The demo family, its journey, and a NAV caseworker who read the family page."""
    with app.app_context():
        session = flask_db.session
        demo = demo_family(session)  # type: ignore[arg-type]
        demo.lab.member.full_name = "Nora Saksbehandler"
        add_assessment(session, demo.family, dt.date(2025, 1, 6), housing=0, work=1, health=1)
        add_assessment(session, demo.family, dt.date(2025, 9, 1), housing=1, work=1, health=2)
        session.flush()
        write_events(session, [PendingEvent("read", "family", demo.family.id,
                                            family_id=demo.family.id, user_id=demo.lab.member.id,
                                            details={"page": "family"})])  # fmt: skip
        consent_id = session.scalars(
            select(Consent.id).where(Consent.family_id == demo.family.id)
        ).one()
        session.commit()
        return int(consent_id), "Nora Saksbehandler"


def sign_in(page: Page, sub: str) -> None:
    """Through the start page and ID-porten's form (the mock's), as a person would."""
    page.goto("/min-side")
    page.get_by_role("link", name="Logg inn med ID-porten").click()
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:[0-9]+/min-side"))


def check_and_shoot(page: Page, name: str) -> list[str]:
    found = []
    page.evaluate(AXE_SOURCE)
    for size in WIDTHS:
        page.set_viewport_size(size)
        for violation in page.evaluate(RUN_AXE):
            if violation["impact"] in SERIOUS:
                targets = [" ".join(map(str, n["target"])) for n in violation["nodes"]]
                found.append(f"{name} @{size['width']}px {violation['id']}: {targets[:4]}")
        page.screenshot(path=str(SHOTS / f"{name}-{size['width']}.png"), full_page=True)
    return found


@pytest.fixture
def desk(new_context: Callable[..., BrowserContext], portal: Portal) -> BrowserContext:
    context = new_context(base_url=portal.url, locale="nb-NO")
    context.set_default_timeout(10_000)
    return context


def tab_to(page: Page, selector: str, most: int = 60) -> None:
    """Tab until the element has the focus: reachable with the keyboard, in a sane order."""
    target = page.locator(selector).first
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{selector} is not reached with Tab")


def test_a_parent_writes_the_reading_and_a_comment_with_the_keyboard_alone(
    new_context: Callable[..., BrowserContext], portal: Portal
) -> None:
    phone = new_context(base_url=portal.url, locale="nb-NO", viewport={"width": 390, "height": 844},
                        is_mobile=True, has_touch=True)  # fmt: skip
    phone.set_default_timeout(10_000)
    page = phone.new_page()
    sign_in(page, "kari")
    page.goto("/min-side/var-vurdering")

    tab_to(page, "#domain")
    page.keyboard.press("Home")  # Bolig, the first area
    tab_to(page, "#level-0")  # a radio group is one tab stop: the arrows choose within it
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#level-2")).to_be_checked()
    tab_to(page, "#sentence")
    page.keyboard.type("Vi har fått en leilighet med egen kontrakt")
    tab_to(page, "button.primary")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Vurderingen er lagret")

    page.goto("/min-side/plan")
    tab_to(page, "#measure-1 summary")  # the first measure's "Skriv en kommentar til teamet"
    page.keyboard.press("Enter")
    tab_to(page, "#measure-1 textarea")
    page.keyboard.type("Kan noen hjelpe oss med søknaden?")
    tab_to(page, "#measure-1 button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Kommentaren er sendt til teamet")
    expect(page.get_by_text("Kan noen hjelpe oss med søknaden?")).to_be_visible()


def test_every_family_page_is_axe_clean_at_1280_and_390_px(
    desk: BrowserContext, portal: Portal
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = desk.new_page()
    page.goto("/min-side")
    found = check_and_shoot(page, "start")
    sign_in(page, "kari")
    expect(page.get_by_role("heading", name="Vår plan", level=1)).to_be_visible()
    for name, path in PAGES.items():
        response = page.goto(path.format(consent_id=portal.consent_id))
        assert response is not None and response.ok, f"{path} answered {response}"
        found += check_and_shoot(page, name)
    looked = page.goto("/min-side/hvem-har-sett")
    assert looked is not None
    expect(page.get_by_text(f"{portal.member_name}, ", exact=False).first).to_be_visible()

    stranger = desk.new_page()  # another person, no family: the neutral page
    desk.clear_cookies()
    sign_in(stranger, "ukjent")
    expect(stranger.get_by_role("heading", name="Ingen sider for deg her")).to_be_visible()
    found += check_and_shoot(stranger, "ingen-tilgang")
    assert found == [], "\n".join(found)


def test_a_parent_chooses_nynorsk_on_the_phone_and_the_pages_stay_nynorsk_and_axe_clean(
    new_context: Callable[..., BrowserContext], portal: Portal
) -> None:
    """Issue 26: the language buttons in the header, pressed before signing in; the choice
    outlives ID-porten, and the nynorsk pages are as accessible as the bokmål ones."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone = new_context(base_url=portal.url, locale="nb-NO", viewport={"width": 390, "height": 844},
                        is_mobile=True, has_touch=True)  # fmt: skip
    phone.set_default_timeout(10_000)
    page = phone.new_page()
    page.goto("/min-side")
    page.get_by_role("button", name="Nynorsk").click()
    expect(page.get_by_role("button", name="Nynorsk")).to_have_attribute("aria-pressed", "true")
    sign_in(page, "kari")
    expect(page.get_by_role("heading", name="Planen vår", level=1)).to_be_visible()
    found = check_and_shoot(page, "nn-plan")
    page.get_by_role("link", name="Reisa vår").first.click()
    expect(page.get_by_role("heading", name="Reisa vår", level=1)).to_be_visible()
    found += check_and_shoot(page, "nn-reisen")
    page.goto("/min-side/hvem-har-sett")
    expect(page.get_by_text(f"{portal.member_name}, ", exact=False).first).to_contain_text("las")
    found += check_and_shoot(page, "nn-hvem-har-sett")
    assert found == [], "\n".join(found)
