"""The forms' finish, in a real browser (issue 22.4): the admin's refused new user answers with
the error summary where the page opens, the password kept; deactivating a user asks first and
says what was done; a goal dated in the past is refused."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.helpers import Seed, login
from tests.factories import make_user
from velferdslab.extensions import db
from velferdslab.municipalities.models import Municipality
from velferdslab.vocabulary import Role

pytestmark = [pytest.mark.db, pytest.mark.browser]


@pytest.fixture
def leaving(browser_app: Flask, seeded: Seed) -> Iterator[str]:
    """A team member of the seeded municipality no journey uses: the one to deactivate."""
    with browser_app.app_context():
        municipality = db.session.scalars(
            select(Municipality).where(Municipality.name == seeded.municipality)
        ).one()
        user = make_user(db.session, Role.TEAM_MEMBER, municipality=municipality)
        user.full_name = "Per Permisjon"
        db.session.commit()
        yield user.username
        db.session.remove()


def test_a_refused_new_user_answers_with_the_summary_at_the_top_and_keeps_the_password(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(page, seeded.admin)
    page.goto("/admin")
    form = page.get_by_role("region", name="Legg til en bruker")
    form.get_by_label("Brukernavn").fill("ny.bruker")
    form.get_by_label("Fullt navn").fill("Ny Bruker")
    form.get_by_label("Første passord").fill("kort")
    form.get_by_role("button", name="Legg til brukeren").click()

    summary = page.get_by_role("alert").filter(has_text="Det er noe som må rettes")
    expect(summary).to_be_in_viewport()  # where the page opens, not 2 500 px below
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Roller: Dette feltet er påkrevd.",
            re.compile("^Første passord: Feltet må"),
        ]
    )
    shoot(page, "admin-new-user-refused")
    summary.get_by_role("link", name="Første passord").click()
    password = page.get_by_label("Første passord")
    expect(password).to_be_focused()
    expect(password).to_have_value("kort")  # kept, as every other field


def test_deactivating_a_user_asks_first_and_says_what_was_done(
    page: Page, seeded: Seed, leaving: str, shoot: Callable[[Page, str], None]
) -> None:
    login(page, seeded.admin)
    page.goto("/admin")
    row = page.get_by_role("row").filter(has_text=leaving)
    row.get_by_role("button", name="Deaktiver").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deaktivere Per Permisjon?")
    expect(page.get_by_role("main")).to_contain_text("kan ikke lenger logge inn")
    shoot(page, "admin-deactivate-asks")
    page.get_by_role("link", name="Avbryt").click()
    expect(page.get_by_role("row").filter(has_text=leaving)).to_contain_text("aktiv")

    page.get_by_role("row").filter(has_text=leaving).get_by_role("button", name="Deaktiver").click()
    page.get_by_role("button", name="Deaktiver").click()
    expect(page.get_by_role("status")).to_have_text(
        f"{leaving} er deaktivert: brukeren kan ikke lenger logge inn og er logget ut overalt."
    )
    expect(page.get_by_role("row").filter(has_text=leaving)).to_contain_text("inaktiv")


def test_a_goal_dated_in_the_past_is_refused(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(page, seeded.lead)
    page.goto(f"/families/{seeded.planned_id}/plan/goals/new")
    page.get_by_label("Måldato").fill("2020-01-01")
    page.get_by_role("button", name="Lagre målet").click()
    summary = page.get_by_role("alert").filter(has_text="Det er noe som må rettes")
    expect(summary.get_by_role("link")).to_have_text(
        ["Måldato: Datoen har passert: velg i dag eller en senere dato."]
    )
    shoot(page, "goal-past-date-refused")
