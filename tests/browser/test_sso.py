"""Signing in through the municipality's identity provider, in a real browser: the login page's
"Logg inn med …" button, the provider's own page (oidc-provider-mock on 127.0.0.1), back as a
team member of Asker's NAV who sees their family, then signing out here and at the provider."""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page, Route, expect
from werkzeug.serving import make_server

from tests.browser.conftest import buffered
from tests.browser.helpers import login
from tests.factories import make_family, make_lab
from tests.isolated import isolated_database
from tests.sso.helpers import ASKER_NAV_MEMBER, Provider, running_provider, write_sso_file
from velferdslab.app import create_app
from velferdslab.extensions import db as flask_db
from velferdslab.schema import upgrade_database

pytestmark = [pytest.mark.db, pytest.mark.browser]


@pytest.fixture(scope="module")
def idp() -> Iterator[Provider]:
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # http on 127.0.0.1, in tests only
    os.environ["VELFERDSLAB_TEST_SSO_SECRET"] = "test-client-secret"
    with running_provider() as provider:
        yield provider


@pytest.fixture(scope="module")
def sso_site(idp: Provider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("browser-sso")
    with isolated_database("browser_sso", folder) as url:
        app: Flask = create_app(
            {
                "ENV": "test",
                "DATABASE_URL": url,
                "SECRET_KEY": "browser-sso-secret-not-for-production",
                "REPORT_DIR": str(folder),
                "SSO_FILE": str(write_sso_file(folder, {"asker": idp.issuer})),
            }
        )
        upgrade_database(app)
        with app.app_context():
            session = flask_db.session
            lab = make_lab(session)
            lab.municipality.name, lab.municipality.number = "Asker", "3203"
            lab.nav.name = "NAV Asker"
            # the admin prepared Kari's account, linked it to her identity at the provider
            # (its `sub`) and the family's lead put her on the team
            lab.member.username = "kari.nav@asker.kommune.no"
            lab.member.sso_provider, lab.member.sso_subject = "asker", "kari-sub"
            family = make_family(session, lab, referred_on=dt.date(2025, 2, 3))
            session.commit()
            reference, admin = family.reference, lab.admin.username
        server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="sso-site", daemon=True)
        thread.start()
        try:
            yield {
                "url": f"http://127.0.0.1:{server.server_port}",
                "reference": reference,
                "admin": admin,
            }
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            with app.app_context():
                flask_db.session.remove()
                flask_db.engine.dispose()


def only_this_machine(route: Route) -> None:
    # the provider's pages link a stylesheet on a CDN: tests reach 127.0.0.1 only
    if route.request.url.startswith("http://127.0.0.1:"):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def sso_page(new_context: Callable[..., BrowserContext], sso_site: dict[str, Any]) -> Page:
    context = new_context(base_url=sso_site["url"], locale="nb-NO")
    context.set_default_timeout(10_000)
    context.route("**/*", only_this_machine)
    return context.new_page()


def test_a_nav_team_member_signs_in_through_the_provider_sees_the_family_and_signs_out(
    sso_page: Page, sso_site: dict[str, Any], idp: Provider,
    shoot: Callable[[Page, str], None],
) -> None:  # fmt: skip
    page = sso_page
    idp.set_user(
        "kari-sub",
        {"preferred_username": "kari.nav@asker.kommune.no", "name": "Kari Nav",
         "email": "kari.nav@asker.kommune.no", "roles": [ASKER_NAV_MEMBER]},
    )  # fmt: skip

    page.goto("/login")
    button = page.get_by_role("link", name="Logg inn med Asker kommune (asker)")
    expect(button).to_be_visible()
    shoot(page, "login-with-provider")
    button.click()

    # the provider's own page
    page.wait_for_url(f"{idp.issuer}/oauth2/authorize?**")
    page.locator("input[name=sub]").fill("kari-sub")
    page.get_by_role("button", name="Authorize").click()

    # back, signed in as Kari with the roles the mapping gives
    page.wait_for_url(f"{sso_site['url']}/**")
    expect(page.locator(".who")).to_have_text("Kari Nav")
    page.goto("/families")
    expect(page.get_by_role("heading", name="Mine familier")).to_be_visible()
    expect(page.get_by_role("link", name=sso_site["reference"])).to_be_visible()
    shoot(page, "sso-my-families")
    page.get_by_role("link", name=sso_site["reference"]).click()
    expect(page.get_by_role("heading", name=sso_site["reference"])).to_be_visible()

    # sign out here, then at the provider, and land on our login page
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url(f"{idp.issuer}/oauth2/end_session?**")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{sso_site['url']}/login**")
    expect(page.get_by_text("Du er logget ut")).to_be_visible()
    page.goto("/families")
    expect(page).to_have_url(re.compile(r"/login\?next=/families"))


def test_no_role_is_a_clear_refusal_and_the_admin_reads_the_mapping(
    sso_page: Page, sso_site: dict[str, Any], idp: Provider,
    shoot: Callable[[Page, str], None],
) -> None:  # fmt: skip
    page = sso_page
    idp.set_user("ola-sub", {"preferred_username": "ola@asker.kommune.no", "roles": []})
    page.goto("/login")
    page.get_by_role("link", name="Logg inn med Asker kommune (asker)").click()
    page.wait_for_url(f"{idp.issuer}/oauth2/authorize?**")
    page.locator("input[name=sub]").fill("ola-sub")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("heading", name="Innlogging avvist")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("gir deg ingen rolle i Velferdslab")
    shoot(page, "sso-refused")

    login(page, sso_site["admin"])
    page.goto("/admin/sign-in")
    expect(page.get_by_role("heading", name="Asker kommune (asker)")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Velferdslab.Teammedlem.NAV")
    expect(row.get_by_role("cell")).to_have_text(
        ["Velferdslab.Teammedlem.NAV", "teammedlem", "Asker", "NAV Asker"]
    )
    shoot(page, "admin-sign-in-mapping")
