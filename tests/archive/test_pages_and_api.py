"""Who sees what was archived: the lead and the admin (API, family page, the admin's outbox
with its alerts), nobody else; the settings are audited; the access package lists the records
and anonymisation leaves the list (the archive keeps what it holds)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import g
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.archive.conftest import enrolled_family
from tests.factories import Lab, auth
from tests.web.test_login import csrf_from, login
from velferdslab.archive.models import ArchiveRecord, ArchiveSettings, ArchiveState
from velferdslab.audit.models import AuditEvent
from velferdslab.families import services as families
from velferdslab.families.models import Family
from velferdslab.privacy.anonymise import anonymise_family
from velferdslab.privacy.package import build_package
from velferdslab.vocabulary import Protection


def sign_in(client: FlaskClient, username: str) -> None:
    """Signed in; the requests share the test's app context (conftest), so the CSRF token
    cached on `g` before the session changed is dropped."""
    login(client, username)
    g.pop("csrf_token", None)


def archived(db: scoped_session, lab: Lab, protection: str = Protection.NONE) -> Family:
    """Folder stored by the archive (journal number 2026/41), the consent refused 3 times."""
    family = enrolled_family(db, lab, protection=protection)
    families.record_consent(db, family, given_on=dt.date(2024, 1, 16), agency_ids=[lab.nav.id])
    folder, consent = db.scalars(
        select(ArchiveRecord).where(ArchiveRecord.family_id == family.id).order_by(ArchiveRecord.id)
    ).all()
    folder.state, folder.journal_number = ArchiveState.RECEIPTED, "2026/41"
    folder.sent_at = folder.receipted_at = dt.datetime(2024, 1, 16, 12, tzinfo=dt.UTC)
    folder.archive_system_id = "a0202e27-2d95-4486-8360-398a9ccdf5f5"
    consent.state, consent.failures = ArchiveState.FAILED, 3
    consent.sent_at = dt.datetime(2024, 1, 17, 9, tzinfo=dt.UTC)
    consent.error = "E17: Ukjent klassifikasjon F99"
    db.flush()
    return family


def test_the_lead_and_the_admin_read_the_familys_archive_status_no_one_else(
    client: FlaskClient, db: scoped_session, lab: Lab, drop: Path
) -> None:
    family = archived(db, lab)
    answer = client.get(f"/api/v1/families/{family.id}/archive", headers=auth(db, lab.lead))
    assert answer.status_code == 200, answer.get_json()
    folder, consent = answer.get_json()["items"]
    assert folder["kind"] == "folder" and folder["status"] == "receipted"
    assert folder["archive_id"] == "a0202e27-2d95-4486-8360-398a9ccdf5f5"
    assert folder["journal_number"] == "2026/41" and folder["receipt_at"]
    assert consent["status"] == "failed" and consent["error"].startswith("E17")
    assert consent["title"].startswith(f"Velferdslab – familie {family.reference} – samtykke")
    assert len(consent["external_key"]) == 36 and "Kari" not in str(answer.get_json())
    admin = client.get(f"/api/v1/families/{family.id}/archive", headers=auth(db, lab.admin))
    assert admin.status_code == 200 and admin.get_json() == answer.get_json()
    for outsider in (lab.member, lab.auditor, lab.leader):
        response = client.get(f"/api/v1/families/{family.id}/archive", headers=auth(db, outsider))
        assert response.status_code == 404
    hidden = archived(db, lab, protection=Protection.STRICTLY_CONFIDENTIAL)
    response = client.get(f"/api/v1/families/{hidden.id}/archive", headers=auth(db, lab.admin))
    assert response.status_code == 404  # a kode 6 family has no admin relation


def test_the_family_page_shows_the_lead_what_was_archived_when(
    client: FlaskClient, db: scoped_session, lab: Lab, drop: Path
) -> None:
    family = archived(db, lab)
    sign_in(client, lab.lead.username)
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert 'id="archive"' in page and "lagret i arkivet" in page and "2026/41" in page
    assert "16.01.2024" in page and "E17: Ukjent klassifikasjon F99" in page


def test_the_admin_sees_the_failures_alerted_and_sends_one_again(
    client: FlaskClient, db: scoped_session, lab: Lab, drop: Path
) -> None:
    family = archived(db, lab)
    hidden = archived(db, lab, protection=Protection.STRICTLY_CONFIDENTIAL)
    sign_in(client, lab.admin.username)
    page = client.get("/admin/archive")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "1 post arkivet har avvist for mange ganger" in html
    assert family.reference in html and hidden.reference not in html
    assert "E17: Ukjent klassifikasjon F99" in html
    assert "1 feilet post for en strengt fortrolig familie vises ikke her." in html
    consent = db.scalars(
        select(ArchiveRecord).where(
            ArchiveRecord.family_id == family.id, ArchiveRecord.state == ArchiveState.FAILED
        )
    ).one()
    response = client.post(
        f"/admin/archive/{consent.id}/retry", data={"csrf_token": csrf_from(html)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.refresh(consent)
    assert consent.state is ArchiveState.QUEUED and consent.failures == 3
    events = db.scalars(
        select(AuditEvent.action).where(
            AuditEvent.entity == "archive_record", AuditEvent.entity_id == consent.id
        )
    ).all()
    assert "retry" in events
    hidden_consent = db.scalars(
        select(ArchiveRecord).where(
            ArchiveRecord.family_id == hidden.id, ArchiveRecord.state == ArchiveState.FAILED
        )
    ).one()
    refused = client.post(
        f"/admin/archive/{hidden_consent.id}/retry", data={"csrf_token": csrf_from(html)}
    )
    assert refused.status_code == 404
    sign_in(client, lab.lead.username)
    assert client.get("/admin/archive").status_code == 404


def test_the_admin_sets_classification_and_screening_audited(
    client: FlaskClient, db: scoped_session, lab: Lab, drop: Path
) -> None:
    sign_in(client, lab.admin.username)
    url = f"/admin/archive/settings/{lab.municipality.id}"
    html = client.get(url).get_data(as_text=True)
    assert '<input checked id="screening" name="screening"' in html  # on by default
    assert '<input id="kinds-7" name="kinds" type="checkbox" value="note">' in html  # notes off
    assert 'value="Offl. § 13 jf. fvl. § 13"' in html
    saved = client.post(
        url,
        data={
            "csrf_token": csrf_from(html),
            "administrative_unit": "Velferdslaben",
            "classification_system": "KLASSE",
            "class_id": "F47",
            "screening": "y",
            "access_restriction": "13",
            "screening_authority": "Offl. § 13 jf. fvl. § 13",
            "kinds": ["folder", "consent_given", "conclusion"],
        },
    )
    assert saved.status_code == 302 and saved.headers["Location"] == "/admin/archive"
    row = db.scalars(
        select(ArchiveSettings).where(ArchiveSettings.municipality_id == lab.municipality.id)
    ).one()
    assert (row.class_id, row.kinds) == ("F47", ["folder", "consent_given", "conclusion"])
    event = db.scalars(select(AuditEvent).where(AuditEvent.entity == "archive_settings")).one()
    assert event.user_id == lab.admin.id and "class_id" in event.details["fields"]
    refused = client.post(
        url,
        data={
            "csrf_token": csrf_from(html),
            "screening": "y",
            "access_restriction": "13",
            "screening_authority": "",
        },
    )
    assert refused.status_code == 422  # screening on needs its legal basis
    # What the municipality no longer archives is no longer queued.
    family = enrolled_family(db, lab)
    families.add_team_member(
        db,
        family,
        user_id=lab.member.id,
        agency_id=lab.nav.id,
        team_role="member",
        mandate_nok=0,
        joined_on=dt.date(2024, 1, 16),
    )
    kinds = db.scalars(select(ArchiveRecord.kind).where(ArchiveRecord.family_id == family.id)).all()
    assert [k.value for k in kinds] == ["folder"]


def test_the_access_package_lists_what_was_archived_and_anonymisation_keeps_the_list(
    db: scoped_session, lab: Lab, drop: Path, app: object
) -> None:
    family = archived(db, lab)
    member = family.members[0]
    package = build_package(db, family, member, dt.date(2025, 1, 1), {})
    assert [a["journal_number"] for a in package["archive"]] == ["2026/41", None]
    assert package["archive"][0]["title"].startswith(f"Velferdslab – familie {family.reference}")
    anonymise_family(db, family.id)
    records = db.scalars(
        select(ArchiveRecord).where(ArchiveRecord.family_id == family.id).order_by(ArchiveRecord.id)
    ).all()
    assert len(records) == 2 and records[0].journal_number == "2026/41"
    assert "Kari" not in str(records[0].snapshot)  # the lab's copy of the stored one
    assert records[1].snapshot["given_on"] == "2024-01-16"  # not yet stored: kept as it was
