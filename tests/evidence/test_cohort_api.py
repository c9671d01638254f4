"""A comparison cohort through the API: the upload, the estimate with its interval and words,
the cohort kept apart from the lab's families, suppression of a small cohort, and access."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.evidence.cohort_files import cohort_csv, cohort_xlsx, lab_with_moves
from tests.factories import auth, make_lab, make_user
from velferdslab.vocabulary import Role

# Lab: 10 families, 2 at stable or better at the baseline, 8 later (+60 points).
LAB = [(1, 2)] * 6 + [(2, 2)] * 2 + [(1, 1)] * 2
# Cohort: 10 families, 2 at the baseline, 4 later (+20 points). Effect: +40 points.
COHORT = [(1, 2)] * 2 + [(2, 2)] * 2 + [(1, 1)] * 6


def upload(client: FlaskClient, headers: dict[str, str], data: bytes, name: str = "k.csv",
           cohort: str = "Nabokommunen 2025", query: str = "") -> Any:  # fmt: skip
    return client.post(
        f"/api/v1/cohorts{query}",
        data={"file": (__import__("io").BytesIO(data), name), "name": cohort},
        headers=headers,
        content_type="multipart/form-data",
    )


def test_a_cohort_estimate_gives_the_effect_with_its_interval_in_words(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    lab_with_moves(db, lab, LAB)
    created = upload(client, auth(db, lab.lead), cohort_csv(COHORT))
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["families"] == 10
    shown = client.get("/api/v1/evidence?as_of=2026-01-15", headers=auth(db, lab.leader)).get_json()
    assert shown["evidence_grade"] == 3
    assert shown["baseline_quarter"] == "2025-03-31" and shown["later_quarter"] == "2025-12-31"
    estimate = shown["estimate"]
    assert estimate["effect"] == 0.4
    # 2 of 10 at stable or better: the leader is not told the groups' shares (as any count
    # under 5 of the portfolio); the auditor is.
    assert estimate["lab"] == {"families": 10, "baseline_share": None, "later_share": None,
                               "suppressed": True}  # fmt: skip
    full = client.get("/api/v1/evidence?as_of=2026-01-15", headers=auth(db, lab.auditor))
    assert full.get_json()["estimate"]["lab"] == {
        "families": 10, "baseline_share": 0.2, "later_share": 0.8, "suppressed": False}  # fmt: skip
    assert full.get_json()["estimate"]["cohort"] == {
        "families": 10, "baseline_share": 0.2, "later_share": 0.4, "suppressed": False}  # fmt: skip
    assert full.get_json()["estimate"]["interval"] == estimate["interval"]
    hidden = [row["lab"] for row in shown["series"] if row["lab"]["share_suppressed"]]
    assert hidden and all(cell["share"] is None for cell in hidden)
    low, high = estimate["interval"]
    assert low < 0.4 < high and estimate["level"] == 0.9 and estimate["draws"] == 1000
    assert shown["words"].startswith("estimated effect: +40 percentage points (90 % interval ")
    again = client.get("/api/v1/evidence?as_of=2026-01-15", headers=auth(db, lab.leader))
    assert again.get_json()["estimate"]["interval"] == [low, high]  # seeded: reproducible


def test_an_xlsx_cohort_is_read_by_the_import_pipelines_reader(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    created = upload(client, auth(db, lab.admin), cohort_xlsx(COHORT), "kohort.xlsx")
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["families"] == 10


def test_the_cohort_never_shows_among_the_labs_families_or_in_the_portfolio(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    lab_with_moves(db, lab, LAB[:6])
    before_list = client.get("/api/v1/families?page_size=500", headers=auth(db, lab.lead))
    before = client.get("/api/v1/reports/portfolio?as_of=2026-01-15", headers=auth(db, lab.auditor))
    assert upload(client, auth(db, lab.lead), cohort_csv(COHORT * 3)).status_code == 201
    after_list = client.get("/api/v1/families?page_size=500", headers=auth(db, lab.lead))
    after = client.get("/api/v1/reports/portfolio?as_of=2026-01-15", headers=auth(db, lab.auditor))
    assert len(after_list.get_json()) == len(before_list.get_json()) == 6
    assert "K-001" not in after_list.get_data(as_text=True)
    assert after.get_json()["family_count"] == before.get_json()["family_count"]
    assert after.get_json()["level_distribution"] == before.get_json()["level_distribution"]


def test_a_small_cohort_is_suppressed_and_gives_no_estimate(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    lab_with_moves(db, lab, LAB)
    created = upload(client, auth(db, lab.lead), cohort_csv(COHORT[:3]))
    assert created.status_code == 201
    assert created.get_json()["families"] is None  # 3 families: hidden from the lead
    shown = client.get("/api/v1/evidence?as_of=2026-01-15", headers=auth(db, lab.leader))
    body = shown.get_json()
    assert body["evidence_grade"] == 1 and body["estimate"] is None
    assert body["reason"] in ("too_few_families", "no_quarters")
    cohort_cells = [row["cohort"] for row in body["series"]]
    assert cohort_cells and all(c["families"]["suppressed"] and c["share"] is None
                                for c in cohort_cells)  # fmt: skip
    assert "3" not in {str(c["families"]["value"]) for c in cohort_cells}


def test_a_lead_of_another_municipality_finds_no_cohort_and_no_estimate(
    client: FlaskClient, db: scoped_session
) -> None:
    lab, other = make_lab(db), make_lab(db)
    cohort = upload(client, auth(db, lab.lead), cohort_csv(COHORT)).get_json()
    foreign = auth(db, other.lead)
    assert client.get(f"/api/v1/cohorts/{cohort['id']}", headers=foreign).status_code == 404
    asked = f"/api/v1/evidence?municipality_id={lab.municipality.id}"
    assert client.get(asked, headers=foreign).status_code == 404
    assert client.get("/api/v1/cohorts", headers=foreign).get_json() == []
    query = f"?municipality_id={lab.municipality.id}"
    assert upload(client, foreign, cohort_csv(COHORT), query=query).status_code == 404
    assert upload(client, auth(db, lab.leader), cohort_csv(COHORT)).status_code == 403
    assert client.get("/api/v1/evidence", headers=auth(db, lab.member)).status_code == 403


def test_names_and_national_ids_are_refused_and_nothing_is_stored(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    headers = auth(db, lab.lead)
    with_names = upload(client, headers, cohort_xlsx(COHORT, members=True), "k.xlsx")
    assert with_names.status_code == 422
    assert "Medlemmer" in with_names.get_json()["message"]
    ids = cohort_csv(COHORT).replace(b"K-001", b"01017012345")
    refused = upload(client, headers, ids)
    assert refused.status_code == 422
    assert any("national id" in m for m in refused.get_json()["errors"]["file"])
    bad_level = upload(client, headers, cohort_csv(COHORT).replace(b";stabil;fri", b";hmm;fri"))
    assert bad_level.status_code == 422
    assert client.get("/api/v1/cohorts", headers=headers).get_json() == []


def test_a_regional_leader_names_the_municipality(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    lab_with_moves(db, lab, LAB)
    upload(client, auth(db, lab.lead), cohort_csv(COHORT))
    regional = auth(db, make_user(db, Role.LEADER))
    unnamed = client.get("/api/v1/evidence", headers=regional)
    assert unnamed.status_code == 422 and "municipality_id" in unnamed.get_json()["errors"]
    named = f"/api/v1/evidence?municipality_id={lab.municipality.id}&as_of=2026-01-15"
    assert client.get(named, headers=regional).get_json()["evidence_grade"] == 3
