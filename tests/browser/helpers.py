"""What the browser journeys share: the seeded data, and signing in through the form."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from playwright.sync_api import Page

from tests.factories import PASSWORD

TODAY = dt.date.today()


@dataclass
class Seed:
    """What the journeys start from; every user's password is tests.factories.PASSWORD."""

    member: str  # team member (NAV) on the teams of the families below
    lead: str  # investment lead (housing) of every family
    leader: str
    auditor: str
    admin: str
    newcomer: str  # a team member (child welfare) on no team yet
    newcomer_name: str
    municipality: str
    assessed_id: int  # two assessments; the member records the next one here
    assessed_reference: str
    quiet_id: int  # one assessment; read, never changed
    quiet_reference: str
    pending_id: int  # a pending expenditure above the member's mandate
    pending_reference: str
    no_consent_id: int  # the member is on the team but no consent covers NAV: a 404
    planned_id: int  # the plan's journeys; health: a rationale, the family reads it lower
    planned_reference: str
    confirmed_id: int  # the destructive actions, each confirmed first (member's mandate 2 000)
    confirmed_reference: str
    charted_id: int  # since 2023, a dated goal and a measure (the forecast chart); never changed
    password: str = PASSWORD


@dataclass
class LiveServer:
    url: str
    seed: Seed


def login(page: Page, username: str, password: str = PASSWORD) -> None:
    """Signs in through the login form, as a person would."""
    page.goto("/login")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(lambda url: not url.split("?")[0].endswith("/login"))
