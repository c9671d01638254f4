"""Money typed the way Norwegians write it, on every page that takes an amount (issue 22.1):
`150,50` is 150,50 kr — never 15 050 — whether it is spending, a budget, a contribution, a
mandate; what cannot be read exactly is refused beside its field, kept as typed, and nothing is
stored."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import make_family, make_lab
from tests.web.test_login import csrf_from, login
from velferdslab.budgets.models import Budget, Contribution, Expenditure
from velferdslab.families.models import TeamMembership
from velferdslab.formatting import oslo_today

NBSP, NNBSP = "\u00a0", "\u202f"


def field(html: str, name: str) -> str:
    """The <input> of this name, as the page has it."""
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', html)
    assert match, f"the page has a field {name}"
    return match.group(0)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("150,50", "150.50"), ("1 234,50", "1234.50"), (f"1{NNBSP}234,50", "1234.50"),
     ("1234.50", "1234.50"), ("kr 1 234", "1234.00")],
)  # fmt: skip
def test_spending_typed_with_a_decimal_comma_is_stored_as_typed(
    client: FlaskClient, db: scoped_session, typed: str, stored: str
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)  # the member's mandate: 10 000 kr
    login(client, lab.member.username)
    form = client.get(f"/families/{family.id}/expenditures/new").get_data(as_text=True)
    amount = field(form, "amount")
    assert 'type="text"' in amount and 'inputmode="decimal"' in amount
    assert f'value="{oslo_today().isoformat()}"' in field(form, "spent_on")  # today by default
    response = client.post(
        f"/families/{family.id}/expenditures/new",
        data={"csrf_token": csrf_from(form), "spent_on": oslo_today().isoformat(),
              "amount": typed, "description": "Busskort", "paying_agency_id": str(lab.nav.id),
              "domain": ""},
    )  # fmt: skip
    assert response.status_code == 302
    saved = db.scalars(select(Expenditure).where(Expenditure.family_id == family.id)).one()
    assert saved.amount == Decimal(stored)
    assert saved.status.value == "approved"  # within the mandate, as typed
    # … and the family page shows it as typed, øre and all (never rounded to whole kroner)
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    shown = f"{Decimal(stored):,.2f}".replace(",", NNBSP).replace(".", ",").removesuffix(",00")
    assert f">{shown}{NBSP}kr<" in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [("1.234,5,6", "Skriv et tall, for eksempel 1\u202f234,50."),
     ("150,505", "Høyst to desimaler (øre)."),
     ("1.234", "Skriv tusener med mellomrom (1 234) og øre etter komma (1 234,50)."),
     ("0", "Fra 0,01 til 10\u202f000\u202f000\u202f000."),
     ("12 000 000 000", "Fra 0,01 til 10\u202f000\u202f000\u202f000.")],
)  # fmt: skip
def test_spending_that_cannot_be_read_exactly_is_refused_and_kept(
    client: FlaskClient, db: scoped_session, typed: str, message: str
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    login(client, lab.member.username)
    form = client.get(f"/families/{family.id}/expenditures/new").get_data(as_text=True)
    response = client.post(
        f"/families/{family.id}/expenditures/new",
        data={"csrf_token": csrf_from(form), "spent_on": oslo_today().isoformat(),
              "amount": typed, "description": "Busskort", "paying_agency_id": str(lab.nav.id),
              "domain": ""},
    )  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<p class="error" id="amount-error">{message}</p>' in html
    assert f'value="{typed}"' in field(html, "amount")  # what was typed, as typed
    assert db.scalars(select(Expenditure).where(Expenditure.family_id == family.id)).all() == []


def test_the_set_up_amounts_read_a_decimal_comma_and_spaces(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    login(client, lab.lead.username)
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    token = csrf_from(page)
    year = dt.date.today().year
    saved = client.post(
        f"/families/{family.id}/setup/budget",
        data={"csrf_token": token, "year": str(year), "amount": f"24{NBSP}500,50",
              "contributing_agency": [str(lab.nav.id)], f"contribution_{lab.nav.id}": "1 234,50"},
    )  # fmt: skip
    assert saved.status_code == 302
    membership = db.scalars(
        select(TeamMembership).where(
            TeamMembership.family_id == family.id, TeamMembership.user_id == lab.member.id
        )
    ).one()
    changed = client.post(
        f"/families/{family.id}/setup/team/{membership.id}/mandate",
        data={"csrf_token": token, "mandate_nok": "150,50"},
    )
    assert changed.status_code == 302
    db.expire_all()
    budget = db.scalars(select(Budget).where(Budget.family_id == family.id)).one()
    assert budget.amount == Decimal("24500.50")
    assert db.scalars(select(Contribution.amount)).all() == [Decimal("1234.50")]
    assert membership.mandate_nok == Decimal("150.50")
    # Shown again in the fields as saved, to the øre: saving again changes nothing.
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert f'value="24{NNBSP}500,50"' in field(page, "amount")
    assert 'value="1\u202f234,50"' in field(page, f"contribution_{lab.nav.id}")
    mandate = re.search(rf'<input id="mandate_{membership.id}"[^>]*>', page)
    assert mandate and 'value="150,50"' in mandate.group(0)


def test_a_mandate_that_cannot_be_read_is_refused_beside_it_and_kept(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    login(client, lab.lead.username)
    token = csrf_from(client.get(f"/families/{family.id}").get_data(as_text=True))
    membership = db.scalars(
        select(TeamMembership).where(
            TeamMembership.family_id == family.id, TeamMembership.user_id == lab.member.id
        )
    ).one()
    refused = client.post(
        f"/families/{family.id}/setup/team/{membership.id}/mandate",
        data={"csrf_token": token, "mandate_nok": "1.234,5,6"},
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'value="1.234,5,6"' in html and 'aria-invalid="true"' in html
    assert f'id="mandate_{membership.id}-error">Skriv et tall' in html
    db.expire_all()
    assert membership.mandate_nok == Decimal("10000")
