"""Gains through the API: the engine's figures for a family, and a suppressed portfolio."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import add_assessment, auth, make_family, make_lab
from velferdslab.budgets.models import Budget, Expenditure


def test_a_familys_gains_follow_the_default_set(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    add_assessment(db, family, dt.date(2025, 1, 1), finance=1)
    add_assessment(db, family, dt.date(2025, 7, 2), finance=2)
    response = client.get(
        f"/api/v1/families/{family.id}/gains?as_of=2025-12-31", headers=auth(db, lab.lead)
    )
    assert response.status_code == 200
    body = response.get_json()
    # Social assistance item (municipal, fiscal, grade A): exposed 63 607 → stable 15 000 over
    # 182 days: 0.9 · 0.8 · 1.0 · (63 607 − 15 000) · 182 / 365 = 34 997.04 · 182 / 365 = 17 450.58
    assert body["by_payer"]["municipal"]["realised"] == 17_450.58
    assert body["baseline"]["finance"] == "exposed" and body["current"]["finance"] == "stable"
    assert body["assumption_set"]["name"] == "Velferdslab standard"
    assert body["fiscal_bcr"] is None  # no spending yet


def test_gains_are_hidden_from_team_members_and_leaders(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    for user in (lab.member, lab.leader, lab.admin):
        response = client.get(f"/api/v1/families/{family.id}/gains", headers=auth(db, user))
        assert response.status_code == 404
    assert (
        client.get(f"/api/v1/families/{family.id}/gains", headers=auth(db, lab.auditor)).status_code
        == 200
    )


def test_the_portfolio_suppresses_small_cells_for_leaders(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    for _ in range(3):
        family = make_family(db, lab)
        add_assessment(db, family, dt.date(2025, 1, 1), housing=0)
        add_assessment(db, family, dt.date(2025, 6, 1), housing=2)
        budget = db.query(Budget).filter_by(family_id=family.id).one()
        spent = Expenditure(
            family_id=family.id,
            budget_id=budget.id,
            spent_on=dt.date(2025, 2, 1),
            amount=Decimal("1000"),
            description="x",
            paying_agency_id=lab.nav.id,
            status="approved",
            requested_by=lab.member.id,
            decided_by=lab.member.id,
        )
        db.add(spent)
    db.flush()
    leader = client.get("/api/v1/reports/portfolio?as_of=2025-12-31", headers=auth(db, lab.leader))
    assert leader.status_code == 200
    body = leader.get_json()
    assert body["family_count"] == {"value": None, "suppressed": True}
    assert body["gains"]["socioeconomic_npv"] == {"value": None, "suppressed": True}
    assert body["transition_matrix"]["cells"][0][2] == {"value": None, "suppressed": True}
    text = leader.get_data(as_text=True)
    assert lab.families[0].reference not in text
    auditor = client.get(
        "/api/v1/reports/portfolio?as_of=2025-12-31", headers=auth(db, lab.auditor)
    )
    figures = auditor.get_json()
    assert figures["family_count"]["value"] == 3
    assert figures["transition_matrix"]["cells"][0][2] == {"value": 3, "suppressed": False}
    assert client.get("/api/v1/reports/portfolio", headers=auth(db, lab.member)).status_code == 403


def test_the_portfolio_workbook_hides_what_the_json_hides(
    client: FlaskClient, db: scoped_session
) -> None:
    import io

    from openpyxl import load_workbook

    lab = make_lab(db)
    family = make_family(db, lab)
    add_assessment(db, family, dt.date(2025, 1, 1), housing=0)
    response = client.get(
        "/api/v1/reports/portfolio.xlsx?as_of=2025-12-31", headers=auth(db, lab.leader)
    )
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"
    book = load_workbook(io.BytesIO(response.data))
    summary = {row[0]: row[1] for row in book["Nøkkeltall"].iter_rows(values_only=True) if row[0]}
    assert summary["Familier"] == "–" and summary["Samfunnsøkonomisk netto nåverdi"] == "–"
    assert {
        "Nivåer per kvartal",
        "Fra utgangspunkt til nå",
        "Hvem får gevinsten",
        "Hvem investerer",
        "Følsomhet",
        "Om tallene",
    } <= set(book.sheetnames)


def test_the_auditor_sees_spending_by_agency_and_year_and_levels_per_domain(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    add_assessment(db, family, dt.date(2025, 1, 1), housing=0, work=2)
    budget = db.query(Budget).filter_by(family_id=family.id).one()
    for spent_on, amount in ((dt.date(2025, 2, 1), "1000"), (dt.date(2025, 3, 1), "2500")):
        db.add(
            Expenditure(
                family_id=family.id,
                budget_id=budget.id,
                spent_on=spent_on,
                amount=Decimal(amount),
                description="x",
                paying_agency_id=lab.nav.id,
                status="approved",
                requested_by=lab.member.id,
                decided_by=lab.member.id,
            )
        )
    db.flush()
    body = client.get(
        "/api/v1/reports/portfolio?as_of=2025-12-31", headers=auth(db, lab.auditor)
    ).get_json()
    nav = next(row for row in body["who_invests"] if row["agency_id"] == lab.nav.id)
    spent_2025 = next(row for row in nav["by_year"] if row["year"] == 2025)["spent"]
    assert spent_2025 == {"value": 3500.0, "suppressed": False}
    housing = body["level_distribution_by_domain"]["housing"]["cells"]
    work = body["level_distribution_by_domain"]["work"]["cells"]
    assert housing[-1][0]["value"] == 1 and work[-1][2]["value"] == 1
