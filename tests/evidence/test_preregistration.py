"""The lab's pre-registration: dated versions that never change, and the estimate reading the
pre-registered quarters."""

from __future__ import annotations

import datetime as dt

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.evidence.cohort_files import cohort_csv, lab_with_moves
from tests.evidence.test_cohort_api import COHORT, LAB, upload
from tests.factories import auth, make_lab
from tests.reports.helpers import pdf_text
from tests.reports.test_family_report import download, issue

FIRST = {
    "indicator": "share_stable_or_better",
    "baseline_on": "2025-03-31",
    "horizon_on": "2025-12-31",
    "targets": [{"value": 0.1, "by": "2025-12-31"}],
    "note": "Fastsatt av styringsgruppen",
}


def test_versions_are_numbered_dated_and_never_changed(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    headers = auth(db, lab.leader)
    first = client.post("/api/v1/preregistrations", json=FIRST, headers=headers)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["version"] == 1 and body["immutable"] and body["created_at"]
    assert body["results_existed"] is False
    changed = client.patch(
        f"/api/v1/preregistrations/{body['id']}", json={"note": "x"}, headers=headers
    )
    assert changed.status_code == 405  # a version has no write: a change is a new version
    second = client.post(
        "/api/v1/preregistrations", json={**FIRST, "horizon_on": "2026-06-30"}, headers=headers
    )
    assert second.get_json()["version"] == 2
    listed = client.get("/api/v1/preregistrations", headers=auth(db, lab.auditor)).get_json()
    assert [(v["version"], v["horizon_on"]) for v in listed] == [
        (1, "2025-12-31"),
        (2, "2026-06-30"),
    ]
    assert listed[0]["note"] == "Fastsatt av styringsgruppen"


def test_a_registration_after_results_exist_says_so(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    lab_with_moves(db, lab, LAB[:2])  # readings in October 2025, after the baseline
    made = client.post("/api/v1/preregistrations", json=FIRST, headers=auth(db, lab.lead))
    assert made.get_json()["results_existed"] is True


def test_bad_registrations_and_other_municipalities_are_refused(
    client: FlaskClient, db: scoped_session
) -> None:
    lab, other = make_lab(db), make_lab(db)
    headers = auth(db, lab.leader)
    backwards = {**FIRST, "horizon_on": "2025-01-01"}
    assert (
        client.post("/api/v1/preregistrations", json=backwards, headers=headers).status_code == 422
    )
    made = client.post("/api/v1/preregistrations", json=FIRST, headers=headers).get_json()
    foreign = auth(db, other.leader)
    assert client.get(f"/api/v1/preregistrations/{made['id']}", headers=foreign).status_code == 404
    elsewhere = {**FIRST, "municipality_id": lab.municipality.id}
    assert (
        client.post("/api/v1/preregistrations", json=elsewhere, headers=foreign).status_code == 404
    )
    assert client.post("/api/v1/preregistrations", json=FIRST,
                       headers=auth(db, lab.admin)).status_code == 403  # fmt: skip


def test_the_estimate_reads_the_pre_registered_quarters(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    lab_with_moves(db, lab, LAB)
    upload(client, auth(db, lab.lead), cohort_csv(COHORT))
    # Registered with the later quarter at 30.09.2025: nothing had moved yet then.
    registered = {**FIRST, "horizon_on": "2025-09-30"}
    client.post("/api/v1/preregistrations", json=registered, headers=auth(db, lab.leader))
    shown = client.get("/api/v1/evidence?as_of=2026-01-15", headers=auth(db, lab.leader)).get_json()
    assert shown["later_quarter"] == "2025-09-30"
    assert shown["preregistration"]["version"] == 1
    assert shown["estimate"]["effect"] == 0.0


def test_the_audit_report_lists_every_version_with_its_date(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    leader = auth(db, lab.leader)
    client.post("/api/v1/preregistrations", json=FIRST, headers=leader)
    later = {**FIRST, "horizon_on": "2026-06-30", "note": "Horisonten flyttet"}
    client.post("/api/v1/preregistrations", json=later, headers=leader)
    auditor = auth(db, lab.auditor)
    text = pdf_text(download(client, auditor, issue(client, auditor, kind="audit")["id"]))
    section = text[text.index("Forhåndsregistrering") :]
    assert "Fastsatt av styringsgruppen" in section and "Horisonten flyttet" in section
    assert "30.06.2026" in section and "+10 prosentpoeng" in section
    assert section.count(f"{dt.date.today():%d.%m.%Y}") >= 2  # each version with its date
