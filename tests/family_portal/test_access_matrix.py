"""The family pages in the access matrix: every page under /min-side has an entry here (the
staff matrix, tests/api/test_access_matrix.py, leaves /min-side to this table). A staff
session opens none of them; a family session opens its own family's pages and nothing of the
staff pages or the API, even when its cookie is sent there."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.api import test_access_matrix as matrix
from tests.api.test_access_matrix import PAGES, ROLES, RULE_PARAMETER, signed_in
from tests.family_portal.helpers import PARENT_PID, demo_family, person, sign_in
from tests.sso.helpers import Provider
from velferdslab.families.models import Consent

world = matrix.world  # the staff matrix's users and families

PREFIX = "/min-side"
# Open to anyone: the start page, the sign-in steps, the provider's front-channel logout.
PUBLIC = frozenset({
    "/min-side", "/min-side/logg-inn", "/min-side/logg-inn/callback", "/min-side/logget-ut",
    "/min-side/logout/frontchannel",
})  # fmt: skip
# A signed-in family member's pages, for the family chosen (the choice itself once signed in).
FAMILY = frozenset({
    "/min-side/velg-familie", "/min-side/plan", "/min-side/reisen", "/min-side/var-vurdering",
    "/min-side/samtykker", "/min-side/samtykker/{consent_id}/trekk-tilbake",
    "/min-side/hvem-har-sett", "/min-side/vare-data", "/min-side/vare-data.json",
})  # fmt: skip


def portal_paths(app: Flask) -> set[str]:
    return {
        RULE_PARAMETER.sub(r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.rule.startswith(PREFIX)  # type: ignore[operator]
    }


def test_every_family_page_has_an_entry(portal_app: Flask) -> None:
    assert portal_paths(portal_app) == PUBLIC | FAMILY


def test_a_staff_session_opens_no_family_page(
    portal_app: Flask, db: scoped_session, world: object
) -> None:
    consent = db.scalars(select(Consent)).first()
    assert consent is not None
    surprises = []
    for role in ROLES:
        browser = signed_in(portal_app, world.users[role])  # type: ignore[attr-defined]
        for path in sorted(FAMILY):
            answer = browser.get(path.replace("{consent_id}", str(consent.id)))
            if answer.status_code != 302 or not answer.location.endswith(PREFIX):
                surprises.append((role, path, answer.status_code))
        # the staff cookie is what it was: nothing under /min-side wrote to it
        assert browser.get("/").status_code == 200
    assert surprises == []


def test_a_family_session_opens_its_pages_and_nothing_of_the_staff(
    family_client: FlaskClient, portal_app: Flask, db: scoped_session, provider: Provider
) -> None:
    demo = demo_family(db)
    other = demo_family(db, parent_pid="05059912345")
    person(provider, "kari", PARENT_PID)
    sign_in(family_client, provider, "kari")
    own = db.scalars(select(Consent).where(Consent.family_id == demo.family.id)).one()
    foreign = db.scalars(select(Consent).where(Consent.family_id == other.family.id)).one()

    for path in sorted(FAMILY):
        assert family_client.get(path.replace("{consent_id}", str(own.id))).status_code == 200, path
    assert family_client.get(f"/min-side/samtykker/{foreign.id}/trekk-tilbake").status_code == 404

    cookie = family_client.get_cookie("velferdslab_family", path=PREFIX)
    assert cookie is not None and cookie.path == PREFIX  # the browser sends it nowhere else
    assert family_client.get_cookie("velferdslab_session") is None
    # sent to the staff pages and the API anyway, under either name, it opens nothing
    stray = portal_app.test_client()
    stray.set_cookie("velferdslab_family", cookie.value, path="/")
    stray.set_cookie("velferdslab_session", cookie.value, path="/")
    for path in sorted(p for p in PAGES if "{" not in p):
        assert stray.get(path).status_code in (302, 404), path
    assert stray.get("/families").location.startswith("/login")
    assert stray.get("/api/v1/families").status_code == 401
