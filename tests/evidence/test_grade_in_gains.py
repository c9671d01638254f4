"""The gains' evidence grade follows the comparison cohort (gains/evidence.py asks
velferdslab.evidence): grade 1 and its words before, grade 3 and its words once the estimate
exists, in the API and on the pages."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.evidence.cohort_files import cohort_csv, lab_with_moves
from tests.evidence.test_cohort_api import COHORT, LAB, upload
from tests.factories import auth, make_lab
from tests.web.test_login import login

AS_OF = "as_of=2025-12-31"
GRADE_1 = "Kunnskapsnivå 1 av 5: før og etter, uten sammenligningsgruppe"
GRADE_3 = "Kunnskapsnivå 3 av 5: sammenlignet med en sammenligningsgruppe"


def test_the_gains_grade_becomes_3_with_a_cohort_estimate(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    lab_with_moves(db, lab, LAB)
    family = lab.families[0]
    lead, leader = auth(db, lab.lead), auth(db, lab.leader)
    gains = f"/api/v1/families/{family.id}/gains?{AS_OF}"
    portfolio = f"/api/v1/reports/portfolio?{AS_OF}"
    assert client.get(gains, headers=lead).get_json()["evidence_grade"] == 1
    assert client.get(portfolio, headers=leader).get_json()["evidence_grade"] == 1
    assert upload(client, lead, cohort_csv(COHORT)).status_code == 201
    assert client.get(gains, headers=lead).get_json()["evidence_grade"] == 3
    assert client.get(portfolio, headers=leader).get_json()["evidence_grade"] == 3


def test_a_small_cohort_leaves_the_grade_at_1(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    lab_with_moves(db, lab, LAB)
    upload(client, auth(db, lab.lead), cohort_csv(COHORT[:4]))
    gains = f"/api/v1/families/{lab.families[0].id}/gains?{AS_OF}"
    assert client.get(gains, headers=auth(db, lab.lead)).get_json()["evidence_grade"] == 1


def test_the_dashboard_words_follow_the_grade(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    lab_with_moves(db, lab, LAB)
    login(client, lab.leader.username)
    before = client.get(f"/dashboard?{AS_OF}").get_data(as_text=True)
    assert GRADE_1 in before and GRADE_3 not in before
    upload(client, auth(db, lab.lead), cohort_csv(COHORT))
    after = client.get(f"/dashboard?{AS_OF}").get_data(as_text=True)
    assert GRADE_3 in after and GRADE_1 not in after
    assert "sammenligningsgruppe" in after


def test_the_family_page_says_grade_3_once_compared(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    lab_with_moves(db, lab, LAB)
    login(client, lab.lead.username)
    page = f"/families/{lab.families[0].id}"
    assert GRADE_1 in client.get(page).get_data(as_text=True)
    upload(client, auth(db, lab.lead), cohort_csv(COHORT))
    # The page values the gains today: the estimate reads the latest quarter ends.
    assert GRADE_3 in client.get(page).get_data(as_text=True)
