"""The evidence page: the estimate in plain bokmål words with its interval, the chart, the
upload of a cohort, and the pre-registration's versions."""

from __future__ import annotations

import io

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.evidence.cohort_files import cohort_csv, lab_with_moves
from tests.evidence.test_cohort_api import COHORT, LAB
from tests.factories import make_lab, make_user
from tests.web.test_login import csrf_from, login
from velferdslab.vocabulary import Role


def test_a_lead_uploads_a_cohort_and_a_leader_reads_the_effect_in_words(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    lab_with_moves(db, lab, LAB)
    login(client, lab.lead.username)
    page = client.get("/evidence").get_data(as_text=True)
    assert "Ingen sammenligningskohort: tallene er endringer før og etter." in page
    posted = client.post(
        "/evidence/cohorts",
        data={"csrf_token": csrf_from(page), "name": "Nabokommunen",
              "file": (io.BytesIO(cohort_csv(COHORT)), "kohort.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert posted.status_code == 302
    client.get("/logout")
    login(client, lab.leader.username)
    shown = client.get("/evidence").get_data(as_text=True)
    assert "anslått effekt: +40 prosentpoeng (90 % intervall " in shown
    assert "evidensgrad 3" in shown
    assert "<svg" in shown and "Sammenligningskohort" in shown
    assert "Last opp kohorten" not in shown  # a leader does not upload


def test_a_refused_cohort_file_is_named_on_the_page(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    login(client, lab.lead.username)
    page = client.get("/evidence").get_data(as_text=True)
    bad = cohort_csv(COHORT).replace(b"K-001", b"01017012345")
    posted = client.post(
        "/evidence/cohorts",
        data={"csrf_token": csrf_from(page), "name": "Nabo", "file": (io.BytesIO(bad), "k.csv")},
        content_type="multipart/form-data",
    )
    assert posted.status_code == 422
    assert "Referansen ser ut som et fødselsnummer" in posted.get_data(as_text=True)


def test_a_leader_registers_versions_shown_with_their_dates(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    login(client, lab.leader.username)
    page = client.get("/evidence").get_data(as_text=True)
    form = {"csrf_token": csrf_from(page), "indicator": "share_stable_or_better",
            "baseline_on": "2025-03-31", "horizon_on": "2026-03-31", "target": "10",
            "target_by": "2026-03-31", "note": "Første versjon"}  # fmt: skip
    assert client.post("/evidence/preregistrations", data=form).status_code == 302
    assert (
        client.post("/evidence/preregistrations", data={**form, "note": "Andre"}).status_code == 302
    )
    shown = client.get("/evidence").get_data(as_text=True)
    assert "Første versjon" in shown and "Andre" in shown
    assert "10 prosentpoeng" in shown and "31.03.2026" in shown
    assert "Registrer en ny versjon" in shown


def test_a_team_member_is_not_shown_the_page(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    login(client, lab.member.username)
    assert client.get("/evidence").status_code == 403


def test_a_regional_leader_chooses_the_municipality_first(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    regional = make_user(db, Role.LEADER)
    login(client, regional.username)
    chooser = client.get("/evidence").get_data(as_text=True)
    assert f"/evidence?municipality_id={lab.municipality.id}" in chooser
    shown = client.get(f"/evidence?municipality_id={lab.municipality.id}")
    assert shown.status_code == 200 and "Forhåndsregistrering" in shown.get_data(as_text=True)
