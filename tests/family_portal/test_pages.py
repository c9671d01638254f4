"""The family's pages, signed in through ID-porten: its own reading reaches the team and changes
neither the team's reading nor the gains; a comment on a measure is answered by the team; a
consent is withdrawn with a confirmation; who has looked, in words, kode 6 respected; the
family's data; and every read audited as the family's own."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session

from tests.api.test_access_matrix import signed_in
from tests.factories import add_assessment, auth
from tests.family_portal.helpers import PARENT_PID, TODAY, Demo, csrf, demo_family, person, sign_in
from tests.sso.helpers import Provider
from velferdslab.assessments.models import Assessment
from velferdslab.audit.models import AuditEvent
from velferdslab.families.models import Consent
from velferdslab.family_portal.models import FamilyComment, FamilyReading
from velferdslab.privacy.models import MemberProtection
from velferdslab.vocabulary import Protection


def text_of(answer: Any) -> str:
    return str(answer.get_data(as_text=True)).replace("\xa0", " ").replace("\u202f", " ")


def signed_in_family(client: FlaskClient, db: scoped_session, provider: Provider) -> Demo:
    demo = demo_family(db)
    add_assessment(db, demo.family, dt.date(2025, 1, 6), housing=0, work=1)
    add_assessment(db, demo.family, dt.date(2025, 6, 2), housing=1, work=1)
    person(provider, "kari", PARENT_PID)
    answer, _ = sign_in(client, provider, "kari")
    assert answer.status_code == 302
    return demo


def test_the_familys_own_reading_reaches_the_team_and_changes_no_gains(
    family_client: FlaskClient, portal_app: Flask, db: scoped_session, provider: Provider
) -> None:
    demo = signed_in_family(family_client, db, provider)
    lead = auth(db, demo.lab.lead)
    base = f"/api/v1/families/{demo.family.id}"
    gains = family_client.get(f"{base}/gains", headers=lead).get_json()
    journey = family_client.get(f"{base}/trajectory", headers=lead).get_json()
    page = text_of(family_client.get("/min-side/var-vurdering"))

    refused = family_client.post(
        "/min-side/var-vurdering",
        data={"csrf_token": csrf(page), "domain": "housing", "level": "7"},
    )
    saved = family_client.post(
        "/min-side/var-vurdering",
        data={
            "csrf_token": csrf(page),
            "domain": "housing",
            "level": "2",
            "sentence": "Vi har fått egen leilighet",
        },
    )

    assert refused.status_code == 422 and "Velg hvordan det går" in text_of(refused)
    assert saved.status_code == 302
    assert db.scalar(select(func.count()).select_from(FamilyReading)) == 1
    side = text_of(family_client.get("/min-side/reisen"))
    assert "Vi har fått egen leilighet" in side and "<svg" in side and "Teamets vurdering" in side
    # the team sees it, marked as the family's
    team_page = text_of(signed_in(portal_app, demo.lab.member).get(f"/families/{demo.family.id}"))
    assert "familien skrev det" in team_page and "«Vi har fått egen leilighet»" in team_page
    # and nothing of the team's reading or the gains moved
    assert family_client.get(f"{base}/gains", headers=lead).get_json() == gains
    assert family_client.get(f"{base}/trajectory", headers=lead).get_json() == journey
    assert (
        db.scalar(
            select(func.count())
            .select_from(Assessment)
            .where(Assessment.family_id == demo.family.id)
        )
        == 2
    )


def test_a_comment_on_a_measure_is_answered_by_the_team(
    family_client: FlaskClient, portal_app: Flask, db: scoped_session, provider: Provider
) -> None:
    demo = signed_in_family(family_client, db, provider)
    other = demo_family(db, parent_pid="05059912345")
    page = text_of(family_client.get("/min-side/plan"))
    sent = family_client.post(
        "/min-side/kommentar",
        data={
            "csrf_token": csrf(page),
            "kind": "measure",
            "record": demo.measure.id,
            "text": "Kan vi få hjelp til søknaden?",
        },
    )
    foreign = family_client.post(
        "/min-side/kommentar",
        data={
            "csrf_token": csrf(page),
            "kind": "measure",
            "record": other.measure.id,
            "text": "Hei",
        },
    )
    assert sent.status_code == 302 and foreign.status_code == 404

    team = signed_in(portal_app, demo.lab.member)
    staff_page = text_of(team.get(f"/families/{demo.family.id}"))
    assert "Kan vi få hjelp til søknaden?" in staff_page and "familien skrev det" in staff_page
    comment = db.scalars(select(FamilyComment)).one()
    url = f"/families/{demo.family.id}/family-comments/{comment.id}/answer"
    answered = team.post(
        url, data={"csrf_token": csrf(staff_page), "text": "Ja, vi tar det på torsdag"}
    )
    auditor = signed_in(portal_app, demo.lab.auditor)
    auditor_page = text_of(auditor.get("/"))
    assert answered.status_code == 302
    assert (
        auditor.post(url, data={"csrf_token": csrf(auditor_page), "text": "x"}).status_code == 404
    )

    plan = text_of(family_client.get("/min-side/plan"))
    assert "Ja, vi tar det på torsdag" in plan and demo.lab.member.full_name in plan


def test_a_withdrawn_consent_is_confirmed_first_and_the_lead_sees_it_at_once(
    family_client: FlaskClient, portal_app: Flask, db: scoped_session, provider: Provider
) -> None:
    demo = signed_in_family(family_client, db, provider)
    consent = db.scalars(select(Consent).where(Consent.family_id == demo.family.id)).one()
    listing = text_of(family_client.get("/min-side/samtykker"))
    assert "Gjelder" in listing and "Trekk tilbake dette samtykket" in listing

    ask = text_of(family_client.get(f"/min-side/samtykker/{consent.id}/trekk-tilbake"))
    assert "Hva skjer" in ask or "Hva som skjer" in ask or "Teamlederen ser med en gang" in ask
    assert consent.withdrawn_on is None  # asking changes nothing
    done = family_client.post(
        f"/min-side/samtykker/{consent.id}/trekk-tilbake", data={"csrf_token": csrf(ask)}
    )

    assert done.status_code == 200 and "Samtykket er trukket tilbake" in text_of(done)
    seen = family_client.get(
        f"/api/v1/families/{demo.family.id}/consents", headers=auth(db, demo.lab.lead)
    ).get_json()
    assert seen[0]["withdrawn_on"] == TODAY.isoformat()
    # the team member's consent is gone: the family is no longer theirs to see, and they are told
    lost = signed_in(portal_app, demo.lab.member).get(f"/families/{demo.family.id}")
    assert lost.status_code == 403 and "trukket tilbake" in text_of(lost)
    # no consent left: the family is signed out of its pages
    assert family_client.get("/min-side/plan").status_code == 302
    actions = db.execute(
        select(AuditEvent.action, AuditEvent.user_id).where(
            AuditEvent.entity == "consent", AuditEvent.family_id == demo.family.id
        )
    ).all()
    assert {("update", None), ("withdraw", None)} <= set(actions)


def test_who_has_looked_in_words_newest_first_and_an_entry_flagged(
    family_client: FlaskClient, portal_app: Flask, db: scoped_session, provider: Provider
) -> None:
    demo = signed_in_family(family_client, db, provider)
    demo.lab.member.full_name = "Tove Teammedlem"
    db.flush()
    assert (
        signed_in(portal_app, demo.lab.member).get(f"/families/{demo.family.id}").status_code == 200
    )
    family_client.get("/min-side/plan")

    page = text_of(family_client.get("/min-side/hvem-har-sett"))
    caseworker = f"Tove Teammedlem, {demo.lab.nav.name}, teammedlem leste familiesiden"
    assert caseworker in page
    assert page.index("leste planen vår") < page.index(caseworker)  # newest first
    read = db.scalars(
        select(AuditEvent).where(
            AuditEvent.user_id == demo.lab.member.id,
            AuditEvent.family_id == demo.family.id,
            AuditEvent.action == "read",
        )
    ).first()
    assert read is not None
    flagged = family_client.post(
        f"/min-side/hvem-har-sett/{read.id}/spor", data={"csrf_token": csrf(page)}
    )
    assert flagged.status_code == 302
    assert "spurt om" in text_of(family_client.get("/min-side/hvem-har-sett"))

    admin = signed_in(portal_app, demo.lab.admin)
    privacy = text_of(admin.get("/admin/privacy"))
    assert demo.family.reference in privacy.split('id="family-flags"')[1].split("</section>")[0]


def test_staff_of_an_agency_that_would_reveal_a_kode_6_address_are_not_named(
    family_client: FlaskClient, portal_app: Flask, db: scoped_session, provider: Provider
) -> None:
    demo = signed_in_family(family_client, db, provider)
    db.add(
        MemberProtection(
            member_id=demo.child.id,
            protection=Protection.STRICTLY_CONFIDENTIAL,
            location_agency_ids=[demo.lab.nav.id],
        )
    )
    db.flush()
    from velferdslab.audit.services import PendingEvent, write_events

    protective = PendingEvent(
        "create",
        "member_protection",
        demo.child.id,
        family_id=demo.family.id,
        user_id=demo.lab.lead.id,
    )
    write_events(db, [protective])
    signed_in(portal_app, demo.lab.member).get(f"/families/{demo.family.id}")

    looked = text_of(family_client.get("/min-side/hvem-har-sett"))
    plan = text_of(family_client.get("/min-side/plan"))
    consents = text_of(family_client.get("/min-side/samtykker"))
    assert "En ansatt leste familiesiden" in looked
    protected_at = db.scalars(
        select(AuditEvent.id).where(AuditEvent.entity == "member_protection")
    ).one()
    assert f'id="entry-{protected_at}"' not in looked  # nothing tells that a member is protected
    for page in (looked, plan, consents):
        assert demo.lab.member.full_name not in page and demo.lab.nav.name not in page
    assert demo.lab.housing.name in consents


def test_the_familys_data_is_its_access_package(
    family_client: FlaskClient, db: scoped_session, provider: Provider
) -> None:
    demo = signed_in_family(family_client, db, provider)
    assert "Last ned opplysningene våre" in text_of(family_client.get("/min-side/vare-data"))
    answer = family_client.get("/min-side/vare-data.json")
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    package = json.loads(answer.get_data(as_text=True))
    assert PARENT_PID in answer.get_data(as_text=True)
    assert package["family"]["reference"] == demo.family.reference
    exported = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "export", AuditEvent.family_id == demo.family.id
        )
    ).one()
    assert exported.user_id is None and exported.details["family_portal"] is True


def test_every_page_read_is_the_familys_own_read(
    family_client: FlaskClient, db: scoped_session, provider: Provider
) -> None:
    demo = signed_in_family(family_client, db, provider)
    for path in (
        "/min-side/plan",
        "/min-side/reisen",
        "/min-side/var-vurdering",
        "/min-side/samtykker",
        "/min-side/hvem-har-sett",
        "/min-side/vare-data",
    ):
        assert family_client.get(path).status_code == 200, path
    reads = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "read", AuditEvent.family_id == demo.family.id
        )
    ).all()
    assert [e.details["page"] for e in reads] == [
        "plan",
        "journey",
        "reading",
        "consents",
        "access_log",
        "data",
    ]
    assert {(e.user_id, e.details["member"]) for e in reads} == {(None, demo.parent.id)}


def test_anonymisation_clears_the_familys_words_and_sessions(
    family_client: FlaskClient, db: scoped_session, provider: Provider
) -> None:
    from velferdslab.family_portal.models import FamilySession
    from velferdslab.privacy.anonymise import anonymise_family

    demo = signed_in_family(family_client, db, provider)
    page = text_of(family_client.get("/min-side/var-vurdering"))
    form = {"csrf_token": csrf(page), "domain": "work", "level": "1", "sentence": "Vi sliter"}
    family_client.post("/min-side/var-vurdering", data=form)
    comment = {"csrf_token": csrf(page), "kind": "goal", "record": demo.goal.id, "text": "Hei"}
    family_client.post("/min-side/kommentar", data=comment)

    cleared = anonymise_family(db, demo.family.id)

    assert cleared["family_comments"] == 1 and cleared["family_sessions"] == 1
    assert db.scalars(select(FamilyReading.sentence)).all() == [""]
    assert db.scalars(select(FamilySession)).all() == []
    assert family_client.get("/min-side/plan").status_code == 302
