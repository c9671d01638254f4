"""Money typed the way Norwegians write it, in a real browser (issue 22.1): `150,50` and
`1 234,50` typed key by key into every money field of the pages — spending, a new team member's
mandate, a mandate changed, a budget and a contribution — are stored as typed, to the øre. The
browser's number field once dropped the comma: `150,50` was saved (and approved) as 15 050."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from flask import Flask
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from tests.browser.helpers import login
from tests.factories import make_family, make_lab, make_user
from velferdslab.budgets.models import Budget, Contribution, Expenditure
from velferdslab.extensions import db
from velferdslab.families.models import TeamMembership
from velferdslab.vocabulary import Role

pytestmark = [pytest.mark.db, pytest.mark.browser]
TYPED = {"150,50": Decimal("150.50"), "1 234,50": Decimal("1234.50")}


@dataclass
class Desk:
    """A lab of its own, so that nothing here moves the seeded journeys' figures."""

    member: str
    lead: str
    nav_id: int
    spending_family: int  # budget 100 000 kr, the member's mandate 10 000 kr
    setup_family: int
    newcomers: list[tuple[int, str]]  # (id, name) of two team members on no team


@pytest.fixture
def desk(browser_app: Flask, seeded: object) -> Iterator[Desk]:
    with browser_app.app_context():
        lab = make_lab(db.session)
        newcomers = []
        for name in ("Nora Ny", "Ola Ny"):
            user = make_user(db.session, Role.TEAM_MEMBER, municipality=lab.municipality,
                             agency=lab.nav)  # fmt: skip
            user.full_name = name
            newcomers.append(user)
        spending, setup = make_family(db.session, lab), make_family(db.session, lab)
        db.session.commit()
        yield Desk(lab.member.username, lab.lead.username, lab.nav.id, spending.id, setup.id,
                   [(u.id, u.full_name) for u in newcomers])  # fmt: skip
        db.session.remove()


def stored(app: Flask, query: object) -> list[Decimal]:
    with app.app_context():
        try:
            return list(db.session.scalars(query).all())  # type: ignore[call-overload]
        finally:
            db.session.remove()


def type_into(field: Locator, text: str) -> None:
    """As a person types: key by key into an emptied field."""
    field.fill("")
    field.press_sequentially(text)
    expect(field).to_have_value(text)  # nothing the browser dropped


def test_spending_typed_with_a_comma_is_stored_to_the_ore(
    page: Page, desk: Desk, browser_app: Flask, shoot: Callable[[Page, str], None]
) -> None:
    login(page, desk.member)
    for typed in TYPED:
        page.goto(f"/families/{desk.spending_family}/expenditures/new")
        type_into(page.get_by_label("Beløp (kr)"), typed)
        page.get_by_label("Hva gjelder det?").fill(f"Busskort {typed}")
        if typed == "150,50":
            shoot(page, "money-spending-typed")
        page.get_by_role("button", name="Registrer").click()  # the date: today by default
        expect(page.locator(".flash-success")).to_contain_text("godkjent")
    amounts = stored(
        browser_app,
        select(Expenditure.amount)
        .where(Expenditure.family_id == desk.spending_family)
        .order_by(Expenditure.id),
    )
    assert amounts == list(TYPED.values())


def test_every_set_up_amount_typed_with_a_comma_is_stored_to_the_ore(
    page: Page, desk: Desk, browser_app: Flask, shoot: Callable[[Page, str], None]
) -> None:
    login(page, desk.lead)
    family = f"/families/{desk.setup_family}"
    setup = page.locator("#setup")
    for (user_id, _name), typed in zip(desk.newcomers, TYPED, strict=True):
        page.goto(family)
        team = setup.locator("form", has=page.get_by_role("group", name="Legg til i teamet"))
        # The agency is left as proposed: the person's own.
        team.get_by_label("Person", exact=True).select_option(str(user_id))
        type_into(team.get_by_label("Mandat"), typed)
        team.get_by_role("button", name="Legg til i teamet").click()
        expect(page.locator(".flash-success")).to_contain_text("lagt til")
    for typed in TYPED:
        page.goto(family)
        budget = setup.locator("form", has=page.get_by_role("group", name="Budsjett og bidrag"))
        type_into(budget.get_by_label("Budsjett (kr)"), typed)
        type_into(budget.locator(f"#contribution_{desk.nav_id}"), typed)
        budget.get_by_role("button", name="Lagre budsjettet").click()
        expect(page.locator(".flash-success")).to_contain_text("er lagret")
        assert stored(browser_app, select(Budget.amount).where(
            Budget.family_id == desk.setup_family)) == [TYPED[typed]]  # fmt: skip
        assert stored(browser_app, select(Contribution.amount).join(Budget).where(
            Budget.family_id == desk.setup_family)) == [TYPED[typed]]  # fmt: skip
    for typed in TYPED:
        page.goto(family)
        mandate = setup.get_by_role("listitem").filter(has_text=desk.newcomers[0][1])
        type_into(mandate.get_by_label("Fullmakt (kr)"), typed)
        mandate.get_by_role("button", name="Endre").click()
        expect(page.locator(".flash-success")).to_contain_text("Fullmakten er endret")
        expect(
            page.locator("#setup")
            .get_by_role("listitem")
            .filter(has_text=desk.newcomers[0][1])
            .get_by_label("Fullmakt (kr)")
        ).to_have_value(typed.replace(" ", "\u202f"))  # shown again as saved, to the øre
    shoot(page, "money-setup-saved")
    mandates = stored(
        browser_app,
        select(TeamMembership.mandate_nok)
        .where(TeamMembership.user_id.in_([u for u, _ in desk.newcomers]))
        .order_by(TeamMembership.user_id),
    )
    assert mandates == [TYPED["1 234,50"], TYPED["1 234,50"]]  # the first changed twice


def test_money_that_cannot_be_read_is_refused_and_kept_as_typed(
    page: Page, desk: Desk, browser_app: Flask, shoot: Callable[[Page, str], None]
) -> None:
    login(page, desk.member)
    page.goto(f"/families/{desk.spending_family}/expenditures/new")
    type_into(page.get_by_label("Beløp (kr)"), "1.234,5,6")
    page.get_by_label("Hva gjelder det?").fill("Uleselig")
    page.get_by_role("button", name="Registrer").click()
    summary = page.get_by_role("alert").filter(has_text="Det er noe som må rettes")
    expect(summary.get_by_role("link")).to_have_text(
        ["Beløp (kr): Skriv et tall, for eksempel 1\u202f234,50."]
    )
    expect(page.get_by_label("Beløp (kr)")).to_have_value("1.234,5,6")
    shoot(page, "money-refused-kept")
    assert stored(browser_app, select(Expenditure.amount).where(
        Expenditure.family_id == desk.spending_family, Expenditure.description == "Uleselig"
    )) == []  # fmt: skip
