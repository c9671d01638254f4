"""The plan's forecast through the API: one family's figures against a hand computation, its
access and audit, and the portfolio's forecast block, suppressed for leaders."""

from __future__ import annotations

import datetime as dt

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import Lab, add_assessment, auth, make_family, make_lab
from velferdslab.audit.models import AuditEvent
from velferdslab.families.models import Family
from velferdslab.plans.models import Goal

URL = "/api/v1/families/{}/gains/forecast?as_of=2025-12-31"


def planned_family(db: scoped_session, lab: Lab) -> Family:
    """Finance exposed on 01.01.2025, stable on 02.07.2025; the plan: stable by 01.04.2025,
    sustainable by 30.06.2026."""
    family = make_family(db, lab)
    add_assessment(db, family, dt.date(2025, 1, 1), finance=1)
    add_assessment(db, family, dt.date(2025, 7, 2), finance=2)
    db.add(
        Goal(family_id=family.id, domain="finance", target_level=2, target_date=dt.date(2025, 4, 1))
    )
    db.add(
        Goal(
            family_id=family.id, domain="finance", target_level=3, target_date=dt.date(2026, 6, 30)
        )
    )
    db.add(Goal(family_id=family.id, domain="housing", target_level=3))  # no date: left out
    db.flush()
    return family


def test_the_forecast_of_a_family_against_a_hand_computation(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = planned_family(db, lab)
    response = client.get(URL.format(family.id), headers=auth(db, lab.lead))
    assert response.status_code == 200
    body = response.get_json()
    # Social assistance (municipal, fiscal, A), k = 0.72, exposed 63 607 → stable 15 000:
    # the plan is stable from 01.04.2025, 274 days to T: 0.72 · 48 607 · 274/365 = 26 271.75;
    # actually stable from 02.07.2025, 182 days: 17 450.58; variance −8 821.17.
    assert body["forecast"]["by_payer"]["municipal"]["realised"] == pytest.approx(
        26_271.75, abs=0.01
    )
    assert body["variance"]["by_payer"]["municipal"]["realised"] == pytest.approx(
        -8_821.17, abs=0.01
    )
    assert body["promise"]["promise_date"] == "2026-06-30"
    assert body["domains"]["finance"] == {
        "level": "stable",
        "forecast_level": "stable",
        "status": "on_track",
    }
    assert body["domains"]["housing"]["status"] is None
    quarters = [row["quarter_end"] for row in body["series"]]
    assert quarters == ["2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31"]
    # By 30.06.2025 the plan had 90 days at stable: 0.72 · 48 607 · 90/365 = 8 629.41 municipal.
    june = body["series"][1]
    assert june["actual_realised"]["fiscal"] == 0
    assert june["forecast_realised"]["fiscal"] == pytest.approx(8_629.41, abs=0.01)
    assert (
        body["series"][-1]["forecast_realised"]["fiscal"] == body["forecast"]["realised"]["fiscal"]
    )
    # The same figures /gains answers, on the actual side.
    gains = client.get(
        f"/api/v1/families/{family.id}/gains?as_of=2025-12-31", headers=auth(db, lab.lead)
    ).get_json()
    actual = body["series"][-1]["actual_realised"]
    assert actual["total"] == gains["realised"]["total"]
    events = db.scalars(select(AuditEvent).where(AuditEvent.entity == "gains_forecast")).all()
    assert [(e.action, e.entity_id) for e in events] == [("read", family.id)]


def test_the_forecast_is_for_the_lead_and_the_auditor_only(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = planned_family(db, lab)
    for user in (lab.member, lab.leader, lab.admin):
        assert client.get(URL.format(family.id), headers=auth(db, user)).status_code == 404
    assert client.get(URL.format(family.id), headers=auth(db, lab.auditor)).status_code == 200
    bad = client.get(
        f"/api/v1/families/{family.id}/gains/forecast?as_of=31.12.2025", headers=auth(db, lab.lead)
    )
    assert bad.status_code == 422


def test_the_portfolio_forecast_is_the_families_summed_and_hidden_from_leaders(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    families = [planned_family(db, lab) for _ in range(2)]
    portfolio = "/api/v1/reports/portfolio?as_of=2025-12-31"
    leader = client.get(portfolio, headers=auth(db, lab.leader)).get_json()["forecast"]
    assert leader["promised"]["socioeconomic_npv"] == {"value": None, "suppressed": True}
    assert leader["goals"]["share_on_track_or_ahead"] == {"value": None, "suppressed": True}
    assert all(row["forecast_realised"]["total"]["suppressed"] for row in leader["series"])
    auditor = client.get(portfolio, headers=auth(db, lab.auditor)).get_json()["forecast"]
    each = [
        client.get(URL.format(f.id), headers=auth(db, lab.auditor)).get_json() for f in families
    ]
    assert auditor["promised"]["socioeconomic_npv"]["value"] == pytest.approx(
        sum(f["promise"]["socioeconomic_npv"] for f in each), abs=0.02
    )
    assert auditor["forecast"]["realised_total"]["value"] == pytest.approx(
        sum(f["forecast"]["realised"]["total"] for f in each), abs=0.02
    )
    # Two dated finance goals per family, each on track (stable against stable at T).
    assert auditor["goals"]["goals"]["value"] == 4
    assert auditor["goals"]["share_on_track_or_ahead"]["value"] == 1.0


def test_a_family_without_assessments_has_a_forecast_of_nothing(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    db.add(
        Goal(family_id=family.id, domain="work", target_level=3, target_date=dt.date(2026, 6, 1))
    )
    db.flush()
    body = client.get(URL.format(family.id), headers=auth(db, lab.lead)).get_json()
    assert body["series"] == []
    assert body["forecast"]["realised"]["total"] == 0
    assert body["promise"]["projected_pv"]["total"] == 0
    assert body["promise"]["promise_date"] == "2026-06-01"  # T* is the latest target date
    assert body["domains"]["work"] == {"level": None, "forecast_level": None, "status": None}


def test_a_leader_cannot_work_out_a_small_domain_of_the_plan(
    client: FlaskClient, db: scoped_session
) -> None:
    from tests.gains.test_forecast_pages import behind_family

    lab = make_lab(db)
    for _ in range(5):
        behind_family(db, lab)  # housing and work goals
    planned_family(db, lab)  # two finance goals: one family only
    leader = client.get("/api/v1/reports/portfolio", headers=auth(db, lab.leader)).get_json()
    plan = {row["domain"]: row for row in leader["forecast"]["plan"]}
    assert plan["finance"]["goals"] == {"value": None, "suppressed": True}
    # The goals of the domains add up to the count beside the share on track (12), so a
    # second domain is hidden too.
    assert leader["forecast"]["goals"]["goals"] == {"value": 12, "suppressed": False}
    hidden = [d for d in ("housing", "work") if plan[d]["goals"]["suppressed"]]
    assert len(hidden) == 1
    shown = "work" if hidden == ["housing"] else "housing"
    assert plan[shown]["goals"] == {"value": 5, "suppressed": False}
    auditor = client.get("/api/v1/reports/portfolio", headers=auth(db, lab.auditor)).get_json()
    assert {r["domain"]: r["goals"]["value"] for r in auditor["forecast"]["plan"]}["finance"] == 2


def test_goals_met_and_goals_on_track_count_the_same_goals(
    client: FlaskClient, db: scoped_session
) -> None:
    """The dashboard's two goal counts agree (issue 22.8): both are out of the goals that enter
    the forecast; the undated housing goal of each family is in neither."""
    lab = make_lab(db)
    for _ in range(2):
        planned_family(db, lab)
    report = client.get(
        "/api/v1/reports/portfolio?as_of=2025-12-31", headers=auth(db, lab.auditor)
    ).get_json()
    # Each family: finance stable at T; the goal "stable by 01.04.2025" is met, "sustainable by
    # 30.06.2026" is not (yet): 2 of the 4 dated goals are met, all 4 on track.
    assert report["goals"]["goals"]["value"] == 4
    assert report["goals"]["met"]["value"] == 2
    assert report["forecast"]["goals"]["goals"]["value"] == 4
