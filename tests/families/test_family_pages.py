"""The team member's pages: my families, the family page with its journey, and access."""

from __future__ import annotations

import datetime as dt
import re

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import add_assessment, make_family, make_lab, make_user
from tests.web.test_login import login
from velferdslab.vocabulary import Protection, Role


def test_my_families_lists_the_teams_families_with_their_level(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    mine = make_family(db, lab)
    add_assessment(db, mine, dt.date(2025, 1, 6), housing=0, work=1)
    add_assessment(db, mine, dt.date(2025, 4, 7), housing=2, work=2)
    no_consent = make_family(db, lab, consent=False)
    login(client, lab.member.username)
    page = client.get("/families").get_data(as_text=True)
    assert mine.reference in page and no_consent.reference not in page
    assert "07.04.2025" in page and "stabil" in page


def test_the_family_page_shows_the_journey_chart_and_its_table(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    add_assessment(db, family, dt.date(2025, 1, 6), housing=0, work=1)
    add_assessment(db, family, dt.date(2025, 4, 7), housing=2)
    login(client, lab.member.username)
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert '<svg role="img"' in page
    # work is carried forward from January: utsatt in both rows of the table
    assert page.count('data-label="Arbeid">utsatt</td>') >= 2
    assert "Barnas oppvekstsvilkår" in page


def test_families_outside_the_users_reach_are_404_pages(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    strict = make_family(db, lab, protection=Protection.STRICTLY_CONFIDENTIAL)
    outsider = make_user(db, Role.TEAM_MEMBER, municipality=lab.municipality, agency=lab.nav)
    login(client, outsider.username)
    assert client.get(f"/families/{strict.id}").status_code == 404
    login(client, lab.leader.username)
    assert client.get(f"/families/{strict.id}").status_code == 404
    assert client.get("/families").status_code == 403


def test_recording_an_assessment_on_one_screen_moves_the_chart(
    client: FlaskClient, db: scoped_session
) -> None:
    from tests.web.test_login import csrf_from

    lab = make_lab(db)
    family = make_family(db, lab)
    add_assessment(db, family, dt.date(2025, 1, 6), housing=0, work=1)
    login(client, lab.member.username)
    form = client.get(f"/families/{family.id}/assessments/new").get_data(as_text=True)
    assert "Ingen egen bolig" in form  # the level help text beside the form
    assert 'value="0" checked' in form  # starts from the levels in force
    response = client.post(
        f"/families/{family.id}/assessments/new",
        data={
            "csrf_token": csrf_from(form),
            "assessed_on": dt.date.today().isoformat(),
            "level_housing": "2",
            "level_work": "1",
            "rationale_housing": "Fått kommunal leilighet",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Kartleggingen er lagret" in page
    assert dt.date.today().strftime("%d.%m.%Y") in page


def test_an_override_without_reason_is_shown_beside_the_field(
    client: FlaskClient, db: scoped_session
) -> None:
    from tests.web.test_login import csrf_from

    lab = make_lab(db)
    family = make_family(db, lab)
    login(client, lab.member.username)
    form = client.get(f"/families/{family.id}/assessments/new").get_data(as_text=True)
    response = client.post(
        f"/families/{family.id}/assessments/new",
        data={
            "csrf_token": csrf_from(form),
            "assessed_on": dt.date.today().isoformat(),
            "level_housing": "1",
            "overall_override": "2",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="override_reason-error"' in page and "Skriv begrunnelsen" in page


def test_spending_above_the_mandate_waits_for_the_lead(
    client: FlaskClient, db: scoped_session
) -> None:
    from decimal import Decimal

    from tests.web.test_login import csrf_from

    lab = make_lab(db)
    family = make_family(db, lab, member_mandate=Decimal("5000"))
    login(client, lab.member.username)
    form = client.get(f"/families/{family.id}/expenditures/new").get_data(as_text=True)
    assert "Mandatet ditt er 5\u202f000\u00a0kr" in form
    data = {
        "csrf_token": csrf_from(form),
        "spent_on": dt.date.today().isoformat(),
        "amount": "7500",
        "description": "Depositum",
        "paying_agency_id": str(lab.nav.id),
        "domain": "housing",
    }
    page = client.post(
        f"/families/{family.id}/expenditures/new", data=data, follow_redirects=True
    ).get_data(as_text=True)
    assert "venter på investeringslederen" in page
    data["amount"] = "-5"
    refused = client.post(f"/families/{family.id}/expenditures/new", data=data)
    assert refused.status_code == 422 and 'id="amount-error"' in refused.get_data(as_text=True)


def test_the_leader_dashboard_hides_small_cells_and_offers_excel(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    add_assessment(db, family, dt.date(2025, 1, 6), housing=0)
    add_assessment(db, family, dt.date(2025, 6, 6), housing=2)
    login(client, lab.leader.username)
    page = client.get("/dashboard?as_of=2025-12-31").get_data(as_text=True)
    assert "Investeringsportefølje" in page and '<svg role="img"' in page
    assert 'class="suppressed"' in page and family.reference not in page
    login(client, lab.auditor.username)  # not suppressed: the sensitivity tornado shows
    assert "Følsomhet: hver forutsetning ±20 %" in client.get(
        "/dashboard?as_of=2025-12-31"
    ).get_data(as_text=True)
    login(client, lab.leader.username)
    download = client.get("/dashboard.xlsx?as_of=2025-12-31")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    login(client, lab.member.username)
    assert client.get("/dashboard").status_code == 403


def test_the_admin_adds_a_user_and_deactivates_one(client: FlaskClient, db: scoped_session) -> None:
    from tests.web.test_login import csrf_from

    lab = make_lab(db)
    login(client, lab.admin.username)
    page = client.get("/admin").get_data(as_text=True)
    assert lab.member.username in page
    response = client.post(
        "/admin",
        data={
            "csrf_token": csrf_from(page),
            "username": "ny.kollega",
            "full_name": "Ny Kollega",
            "roles": ["team_member"],
            "municipality_id": str(lab.municipality.id),
            "agency_id": str(lab.nav.id),
            "password": "a-long-password",
        },
        follow_redirects=True,
    )
    assert "ny.kollega kan nå logge inn" in response.get_data(as_text=True)
    short = client.post(
        "/admin",
        data={
            "csrf_token": csrf_from(page),
            "username": "x",
            "full_name": "X",
            "roles": ["leader"],
            "municipality_id": str(lab.municipality.id),
            "agency_id": "0",
            "password": "short",
        },
    )
    assert short.status_code == 422
    # The summary at the top of the page, before the list of users; the password kept.
    refused = short.get_data(as_text=True)
    assert refused.index('class="error-summary"') < refused.index(lab.member.username)
    assert '<a href="#password">Første passord:' in refused
    assert re.search(r"<input[^>]* id=\"password\"[^>]* value=\"short\"", refused)
    taken = client.post(
        "/admin",
        data={
            "csrf_token": csrf_from(page),
            "username": "ny.kollega",
            "full_name": "Ny Kollega nummer to",
            "roles": ["leader"],
            "municipality_id": str(lab.municipality.id),
            "agency_id": "0",
            "password": "another-long-password",
        },
    )
    # The service's refusal, in the page's language, beside the field it concerns.
    assert taken.status_code == 422
    assert 'id="username-error">En annen bruker har dette navnet.' in taken.get_data(as_text=True)
    myself = client.post(
        f"/admin/users/{lab.admin.id}/active",
        data={"csrf_token": csrf_from(page), "active": "0", "confirmed": "yes"},
        follow_redirects=True,
    )
    assert "En administrator kan ikke stenge seg selv ute." in myself.get_data(as_text=True)
    # Deactivating asks first and changes nothing until confirmed …
    asked = client.post(
        f"/admin/users/{lab.member.id}/active", data={"csrf_token": csrf_from(page), "active": "0"}
    )
    question = asked.get_data(as_text=True)
    assert asked.status_code == 200 and f"Deaktivere {lab.member.full_name}?" in question
    assert "kan ikke lenger logge inn og logges ut overalt nå" in question
    db.expire_all()
    assert lab.member.active is True
    # … and says what was done.
    done = client.post(
        f"/admin/users/{lab.member.id}/active",
        data={"csrf_token": csrf_from(question), "active": "0", "confirmed": "yes"},
        follow_redirects=True,
    )
    assert f"{lab.member.username} er deaktivert" in done.get_data(as_text=True)
    db.expire_all()
    assert lab.member.active is False
    assert login(client, lab.member.username).status_code == 401  # inactive: cannot sign in


def test_the_lead_enrols_a_family_and_sets_it_up_from_the_pages(
    client: FlaskClient, db: scoped_session
) -> None:
    from sqlalchemy import select

    from tests.web.test_login import csrf_from
    from velferdslab.budgets.models import Budget
    from velferdslab.families.models import Family

    lab = make_lab(db)
    login(client, lab.lead.username)
    form = client.get("/families/new").get_data(as_text=True)
    token = csrf_from(form)
    today = dt.date.today().isoformat()
    response = client.post(
        "/families/new",
        data={
            "csrf_token": token,
            "municipality_id": str(lab.municipality.id),
            "referred_on": today,
            "protection": "none",
        },
    )
    assert response.status_code == 302
    db.expire_all()
    family = db.scalars(select(Family).order_by(Family.id.desc())).first()
    assert family is not None and family.reference.startswith(lab.municipality.reference_prefix)
    base = f"/families/{family.id}/setup"
    steps = [
        (
            "consent",
            {"given_on": today, "agency_ids": [str(lab.nav.id)]},
            "Samtykket er registrert",
        ),
        (
            "team",
            {
                "user_id": str(lab.member.id),
                "agency_id": str(lab.nav.id),
                "mandate_nok": "5000",
                "joined_on": today,
            },
            "Teammedlemmet er lagt til",
        ),
        (
            "budget",
            {
                "year": str(dt.date.today().year),
                "amount": "120000",
                "contributing_agency": [str(lab.nav.id)],
                f"contribution_{lab.nav.id}": "120000",
            },
            "Budsjettet for",
        ),
        ("status", {"status": "active", "on": today}, "Statusen er endret"),
    ]
    for step, data, message in steps:
        page = client.post(
            f"{base}/{step}", data={"csrf_token": token, **data}, follow_redirects=True
        )
        assert message in page.get_data(as_text=True), step
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert "Anslåtte gevinster" in page  # the lead sees the family's estimated gains
    db.expire_all()
    assert db.scalars(select(Budget).where(Budget.family_id == family.id)).one().amount == 120000
    login(client, lab.member.username)
    assert client.get(f"/families/{family.id}").status_code == 200  # consent covers NAV now


def test_the_auditor_reads_the_assumption_sets_with_their_sources(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    login(client, lab.auditor.username)
    page = client.get("/audit/assumptions").get_data(as_text=True)
    assert "Velferdslab standard" in page and "SSB Økonomisk sosialhjelp 2023" in page
    assert "illustrativ" in page  # items without a source say so
    login(client, lab.member.username)
    assert client.get("/audit/assumptions").status_code == 403


def test_the_lead_sees_who_read_the_family(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    login(client, lab.member.username)
    client.get(f"/families/{family.id}")
    assert client.get(f"/families/{family.id}/access-log").status_code == 404
    login(client, lab.lead.username)
    page = client.get(f"/families/{family.id}/access-log").get_data(as_text=True)
    assert lab.member.full_name in page and "leste" in page


def test_the_leads_page_shows_the_familys_gains_and_follows_each_change(
    client: FlaskClient, db: scoped_session
) -> None:
    from tests.factories import auth

    lab = make_lab(db)
    family = make_family(db, lab)
    today = dt.date.today()
    add_assessment(db, family, today - dt.timedelta(days=400), finance=1)
    add_assessment(db, family, today - dt.timedelta(days=365), finance=2)
    db.commit()
    login(client, lab.lead.username)
    # Social assistance (municipal): exposed 63 607 → stable 15 000 for 365 days:
    # 0.9 · 0.8 · 1.0 · 48 607 · 365 / 365 = 34 997.04 → "34 997 kr" on the page.
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert "34\u202f997\u00a0kr" in page
    api = client.get(f"/api/v1/families/{family.id}/gains", headers=auth(db, lab.lead))
    assert api.get_json()["by_payer"]["municipal"]["realised"] == 34_997.04
    # Back to exposed 100 days ago: stable for 265 days, 34 997.04 · 265 / 365 = 25 408.81.
    add_assessment(db, family, today - dt.timedelta(days=100), finance=1)
    db.commit()
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert "25\u202f409\u00a0kr" in page and "34\u202f997\u00a0kr" not in page
    api = client.get(f"/api/v1/families/{family.id}/gains", headers=auth(db, lab.lead))
    assert api.get_json()["by_payer"]["municipal"]["realised"] == 25_408.81
