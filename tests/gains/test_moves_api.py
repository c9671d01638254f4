"""The `moves`, `waterfall` and `evidence_grade` blocks of /families/{id}/gains and
/reports/portfolio, on the hand-counted portfolio of tests/portfolio_fixture.py.

Moves at 30.09.2025 with sustain_months 6: F3 reached stable 15.08.2025 and F7–F11 15.05.2025,
all less than six months before: not yet lasting (6); F1, F2, F4, F5, F6 and F12 never reached
(6); the denominator is the 12 families enrolled (16.01.2024). With three months, F7–F11 are
lasting since 15.08.2025 (5) and F3 alone is not yet lasting (1: small for a leader)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import add_assessment, auth, make_family, make_lab
from tests.portfolio_fixture import make_portfolio
from velferdslab.families.models import Family
from velferdslab.vocabulary import FamilyStatus

HIDDEN = {"value": None, "suppressed": True}


def shown(value: int) -> dict[str, Any]:
    return {"value": value, "suppressed": False}


def test_a_familys_move_waterfall_and_grade(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    add_assessment(db, family, dt.date(2025, 1, 1), housing=0)
    add_assessment(db, family, dt.date(2025, 3, 15), housing=2)
    body = client.get(
        f"/api/v1/families/{family.id}/gains?as_of=2025-12-31", headers=auth(db, lab.lead)
    ).get_json()
    assert body["moves"] == {
        "status": "lasting",
        "reached_on": "2025-03-15",
        "lasting_since": "2025-09-15",
        "fell_back_on": None,
        "sustain_months": 6,
    }
    assert body["evidence_grade"] == 1
    steps = [bar["step"] for bar in body["waterfall"]]
    assert steps == [
        "gross", "deadweight", "attribution", "success_rate", "drop_off", "optimism_bias",
        "discounting",
    ]  # fmt: skip
    assert body["waterfall"][-1]["socioeconomic_npv"] == body["socioeconomic_npv"]
    assert body["waterfall"][-1]["fiscal_npv"] == body["fiscal_npv"]
    assert body["waterfall"][1]["parameter"] == "deadweight"
    assert body["waterfall"][1]["value"] == 0.1 and body["waterfall"][1]["source"]
    # a gross value before the adjustments is larger than the figure shown
    assert body["waterfall"][0]["socioeconomic_npv"] > body["socioeconomic_npv"] > 0
    earlier = client.get(
        f"/api/v1/families/{family.id}/gains?as_of=2025-09-14", headers=auth(db, lab.lead)
    ).get_json()
    assert earlier["moves"]["status"] == "not_yet_lasting"


def test_the_portfolio_counts_moves_with_the_denominator(
    client: FlaskClient, db: scoped_session
) -> None:
    portfolio = make_portfolio(db)
    lab = portfolio.lab
    # Concluded and withdrawn families stay in the denominator with their last reading; a
    # family only referred (never enrolled) is not in it.
    portfolio.families[6].status = FamilyStatus.CONCLUDED
    portfolio.families[6].concluded_on = dt.date(2025, 6, 1)
    portfolio.families[0].status = FamilyStatus.WITHDRAWN
    portfolio.families[0].concluded_on = dt.date(2025, 6, 1)
    referred = make_family(db, lab)
    referred.status, referred.enrolled_on = FamilyStatus.REFERRED, None
    add_assessment(db, referred, dt.date(2025, 1, 15), housing=0)
    add_assessment(db, referred, dt.date(2025, 2, 15), housing=3)
    db.flush()
    for user in (lab.leader, lab.auditor):
        body = client.get(
            "/api/v1/reports/portfolio?as_of=2025-09-30", headers=auth(db, user)
        ).get_json()
        moves = body["moves"]
        assert moves["counts"] == {
            "lasting": shown(0),
            "not_yet_lasting": shown(6),
            "fell_back": shown(0),
            "never_reached": shown(6),
            "started_stable": shown(0),
            "not_assessed": shown(0),
            "denominator": shown(12),
        }
        assert moves["held"] == {
            "lasting": shown(0),
            "at_stable_after_a_move": shown(6),
            "share": 0.0,
        }
        quarters = {q["quarter_end"]: q for q in moves["quarters"]}
        assert quarters["2024-03-31"]["not_assessed"] == shown(12)
        assert quarters["2025-06-30"]["not_yet_lasting"] == shown(5)
        assert body["evidence_grade"] == 1
        last = body["waterfall"][-1]
        assert last["socioeconomic_npv"] == body["gains"]["socioeconomic_npv"]["value"]


def test_small_counts_of_moves_are_hidden_from_leaders(
    client: FlaskClient, db: scoped_session
) -> None:
    portfolio = make_portfolio(db)
    lab = portfolio.lab
    standard = client.get("/api/v1/assumption-sets", headers=auth(db, lab.admin)).get_json()[0]
    body = {k: v for k, v in standard.items() if k not in ("id", "version", "immutable")}
    made = client.post(
        "/api/v1/assumption-sets", json={**body, "sustain_months": 3}, headers=auth(db, lab.admin)
    ).get_json()
    url = f"/api/v1/reports/portfolio?as_of=2025-09-30&assumption_set_id={made['id']}"
    auditor = client.get(url, headers=auth(db, lab.auditor)).get_json()["moves"]
    assert (auditor["counts"]["lasting"], auditor["counts"]["not_yet_lasting"]) == (
        shown(5),
        shown(1),
    )
    assert auditor["held"]["share"] == round(5 / 6, 4)
    leader = client.get(url, headers=auth(db, lab.leader)).get_json()["moves"]
    assert leader["counts"]["not_yet_lasting"] == HIDDEN
    # the one beside it in the group would give the hidden one back: hidden too
    assert leader["counts"]["lasting"] == HIDDEN
    assert leader["held"]["share"] is None
    assert leader["counts"]["denominator"] == shown(12)


def test_a_family_never_assessed_has_no_move(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    body = client.get(f"/api/v1/families/{family.id}/gains", headers=auth(db, lab.lead))
    assert body.get_json()["moves"]["status"] is None
    assert db.get(Family, family.id) is not None
