"""The lead changes the set-up from the family page: mandates, removal from the team, withdrawal
of consent — each takes effect at once, and what the rules refuse is said on the page."""

from __future__ import annotations

import datetime as dt

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import make_family, make_lab
from tests.web.test_login import csrf_from, login
from velferdslab.families.models import Consent, TeamMembership


def _lead_page(client: FlaskClient, family_id: int) -> str:
    return client.get(f"/families/{family_id}").get_data(as_text=True)


def test_the_lead_changes_a_mandate_and_removes_a_member(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    membership = db.scalars(
        select(TeamMembership).where(
            TeamMembership.family_id == family.id, TeamMembership.user_id == lab.member.id
        )
    ).one()
    login(client, lab.lead.username)
    token = csrf_from(_lead_page(client, family.id))
    base = f"/families/{family.id}/setup/team/{membership.id}"
    page = client.post(
        f"{base}/mandate", data={"csrf_token": token, "mandate_nok": "2500"}, follow_redirects=True
    )
    assert "Fullmakten er endret." in page.get_data(as_text=True)
    db.expire_all()
    assert db.get(TeamMembership, membership.id).mandate_nok == 2500  # type: ignore[union-attr]
    asked = client.post(f"{base}/end", data={"csrf_token": token}).get_data(as_text=True)
    assert "Ta " in asked and "ut av teamet?" in asked  # asks first, changes nothing
    db.expire_all()
    assert db.get(TeamMembership, membership.id).left_on is None  # type: ignore[union-attr]
    yes = {"csrf_token": token, "confirmed": "yes"}
    page = client.post(f"{base}/end", data=yes, follow_redirects=True)
    assert "tilgangen deres stopper nå" in page.get_data(as_text=True)
    again = client.post(f"{base}/end", data=yes, follow_redirects=True)
    assert "Medlemmet har allerede gått ut av teamet." in again.get_data(as_text=True)
    login(client, lab.member.username)
    assert client.get(f"/families/{family.id}").status_code == 404  # access ended at once


def test_a_withdrawn_consent_closes_the_family_to_the_team_at_once(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    consent = db.scalars(select(Consent).where(Consent.family_id == family.id)).one()
    login(client, lab.lead.username)
    token = csrf_from(_lead_page(client, family.id))
    url = f"/families/{family.id}/setup/consent/{consent.id}/withdraw"
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    future = client.post(url, data={"csrf_token": token, "withdrawn_on": tomorrow},
                         follow_redirects=True)  # fmt: skip
    assert "En tilbaketrekking gjelder straks: dater den i dag eller tidligere." in future.get_data(
        as_text=True
    )
    today = dt.date.today().isoformat()
    asked = client.post(url, data={"csrf_token": token, "withdrawn_on": today})
    assert "Trekke tilbake samtykket gitt" in asked.get_data(as_text=True)
    db.expire_all()
    assert db.get(Consent, consent.id).withdrawn_on is None  # type: ignore[union-attr]
    page = client.post(
        url,
        data={"csrf_token": token, "withdrawn_on": today, "confirmed": "yes"},
        follow_redirects=True,
    )
    assert "Samtykket er trukket tilbake" in page.get_data(as_text=True)
    again = client.post(url, data={"csrf_token": token, "withdrawn_on": today},
                        follow_redirects=True)  # fmt: skip
    assert "Samtykket er allerede trukket tilbake." in again.get_data(as_text=True)
    garbled = client.post(url, data={"csrf_token": token, "withdrawn_on": "31.02"},
                          follow_redirects=True)  # fmt: skip
    assert "En dato mangler eller er feilskrevet." in garbled.get_data(as_text=True)
    login(client, lab.member.username)
    lost = client.get(f"/families/{family.id}")  # told why, not a bare 404 (issue 22.5)
    assert lost.status_code == 403
    assert "samtykket er trukket tilbake" in lost.get_data(as_text=True)


def test_a_member_joins_only_for_their_own_agency(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    login(client, lab.lead.username)
    token = csrf_from(_lead_page(client, family.id))
    wrong = lab.housing if lab.member.agency_id != lab.housing.id else lab.nav
    page = client.post(
        f"/families/{family.id}/setup/team",
        data={"csrf_token": token, "user_id": str(lab.member.id), "agency_id": str(wrong.id),
              "mandate_nok": "1000", "joined_on": dt.date.today().isoformat()},
        follow_redirects=True,
    )  # fmt: skip
    assert "En ansatt går inn i teamet for sin egen virksomhet." in page.get_data(as_text=True)


def test_the_menu_marks_the_most_specific_page(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    login(client, lab.lead.username)
    html = client.get("/families/approvals").get_data(as_text=True)
    current = [line for line in html.splitlines() if "aria-current" in line]
    assert len(current) == 1 and "/families/approvals" in current[0]


def test_a_refusal_from_the_rules_reads_in_the_pages_language(
    client: FlaskClient, db: scoped_session
) -> None:
    from decimal import Decimal

    lab = make_lab(db)
    family = make_family(db, lab, budget=Decimal("1000"))
    login(client, lab.member.username)
    url = f"/families/{family.id}/expenditures/new"
    form = client.get(url).get_data(as_text=True)
    data = {
        "csrf_token": csrf_from(form), "spent_on": dt.date.today().isoformat(),
        "amount": "1500", "description": "Depositum", "paying_agency_id": str(lab.nav.id),
    }  # fmt: skip
    page = client.post(url, data=data)
    assert page.status_code == 422
    assert f"Det er høyst 1\u202f000 kr igjen av budsjettet for {dt.date.today().year}." in (
        page.get_data(as_text=True)
    )
    client.post("/language", data={"csrf_token": csrf_from(form), "language": "en"})
    english = client.post(url, data=data).get_data(as_text=True)
    assert f"At most 1,000 NOK is left of the {dt.date.today().year} budget." in english


def test_the_budget_form_keeps_the_apis_rules(client: FlaskClient, db: scoped_session) -> None:
    from decimal import Decimal

    from tests.factories import make_agency, make_municipality
    from velferdslab.budgets.models import Budget, Contribution

    lab = make_lab(db)
    family = make_family(db, lab, budget=None)
    elsewhere = make_agency(db, make_municipality(db))
    db.commit()
    login(client, lab.lead.username)
    token = csrf_from(_lead_page(client, family.id))
    url = f"/families/{family.id}/setup/budget"
    year = str(dt.date.today().year)
    foreign = client.post(url, data={
        "csrf_token": token, "year": year, "amount": "50000",
        "contributing_agency": [str(elsewhere.id)], f"contribution_{elsewhere.id}": "50000",
    }, follow_redirects=True)  # fmt: skip
    assert "Ukjent virksomhet blant bidragene." in foreign.get_data(as_text=True)
    no_year = client.post(
        url, data={"csrf_token": token, "year": "0", "amount": "50000"}, follow_redirects=True
    )
    assert "Oppgi et år. Fra 2000 til 2100." in no_year.get_data(as_text=True)
    db.expire_all()
    assert db.scalars(select(Budget).where(Budget.family_id == family.id)).all() == []
    assert db.scalars(select(Contribution)).all() == []
    kept = client.post(url, data={
        "csrf_token": token, "year": year, "amount": "50000",
        "contributing_agency": [str(lab.nav.id)], f"contribution_{lab.nav.id}": "50000",
    }, follow_redirects=True)  # fmt: skip
    assert f"Budsjettet for {year} er lagret" in kept.get_data(as_text=True)
    db.expire_all()
    budget = db.scalars(select(Budget).where(Budget.family_id == family.id)).one()
    assert budget.amount == Decimal("50000")


def test_a_refused_set_up_form_comes_back_holding_what_was_typed(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)  # a budget of 100 000 kr this year, all from NAV
    login(client, lab.lead.username)
    page = _lead_page(client, family.id)
    saved = 'id="amount" name="amount" inputmode="decimal" autocomplete="off" required'
    assert f'{saved} value="100\u202f000"' in page  # the saved budget, read back unchanged
    token = csrf_from(page)
    refused = client.post(
        f"/families/{family.id}/setup/budget",
        data={
            "csrf_token": token,
            "year": str(dt.date.today().year),
            "amount": "60000",
            "contributing_agency": [str(lab.nav.id), str(lab.housing.id)],
            f"contribution_{lab.nav.id}": "40000",
            f"contribution_{lab.housing.id}": "30000",
        },
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Bidragene blir til sammen mer enn budsjettet." in html
    assert 'value="60000"' in html  # the amount typed, not the one saved
    housing = f"contribution_{lab.housing.id}"
    typed = f'id="{housing}" name="{housing}" inputmode="decimal" autocomplete="off"'
    assert f'{typed} value="30000"' in html
    scope_typed = client.post(
        f"/families/{family.id}/setup/consent",
        data={"csrf_token": token, "given_on": "", "scope": "Bolig og skole"},
    )
    assert scope_typed.status_code == 422
    assert ">Bolig og skole</textarea>" in scope_typed.get_data(as_text=True)
