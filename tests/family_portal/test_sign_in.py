"""Signing in to the family pages with ID-porten (oidc-provider-mock on 127.0.0.1, `pid` and
`acr` set per test): who gets in, who gets the neutral page, which answers are refused."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from joserfc.jwk import RSAKey
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.family_portal.helpers import (
    PARENT_PID,
    TODAY,
    demo_family,
    person,
    sign_in,
)
from tests.sso.helpers import CLIENT_ID, Provider
from velferdslab.audit.models import AuditEvent
from velferdslab.family_portal import idporten

NEUTRAL = "Vi kan ikke vise deg noen sider her"


def test_a_parent_signs_in_and_sees_the_plan_in_plain_bokmal(
    family_client: FlaskClient, db: scoped_session, provider: Provider
) -> None:
    demo = demo_family(db)
    person(provider, "kari", PARENT_PID)

    answer, _ = sign_in(family_client, provider, "kari")
    assert answer.status_code == 302 and answer.location.endswith("/min-side/plan")
    page = family_client.get("/min-side/plan")

    text = page.get_data(as_text=True).replace("\xa0", " ").replace("\u202f", " ")
    assert page.status_code == 200
    assert "Vår plan" in text and "Et trygt hjem der barna kan ha venner på besøk" in text
    assert text.index("Et trygt hjem") < text.index("Fast leilighet med egen kontrakt")
    assert "Søke kommunal bolig" in text and "12 500 kr" in text
    assert "gevinst" not in text.lower() and "enhetskost" not in text.lower()
    reads = db.scalars(
        select(AuditEvent).where(
            AuditEvent.family_id == demo.family.id, AuditEvent.action == "read"
        )
    ).all()
    assert [(e.user_id, e.details["family_portal"], e.details["page"]) for e in reads] == [
        (None, True, "plan")
    ]


def test_an_eid_level_below_the_minimum_is_refused(
    family_client: FlaskClient,
    portal_app: Flask,
    db: scoped_session,
    provider: Provider,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    demo_family(db)
    person(provider, "low", PARENT_PID, acr="idporten-loa-low")
    answer, _ = sign_in(family_client, provider, "low")
    assert answer.status_code == 403 and "sterkere" in answer.get_data(as_text=True)
    assert family_client.get("/min-side/plan").status_code == 302

    # idporten-loa-high configured: substantial is no longer enough
    state = portal_app.extensions[idporten.EXTENSION]
    monkeypatch.setitem(
        state, "settings", dataclasses.replace(state["settings"], acr="idporten-loa-high")
    )
    person(provider, "mid", PARENT_PID)
    answer, _ = sign_in_high(family_client, provider, "mid")
    assert answer.status_code == 403


def sign_in_high(client: FlaskClient, provider: Provider, sub: str) -> tuple[Any, str]:
    from urllib.parse import urlsplit

    import requests

    authorize = client.get("/min-side/logg-inn").location
    assert "acr_values=idporten-loa-high" in authorize
    answer = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=10)
    parts = urlsplit(answer.headers["Location"])
    path = f"{parts.path}?{parts.query}"
    return client.get(path), path


def test_no_member_a_child_and_a_family_without_consent_get_one_neutral_page(
    family_client: FlaskClient, portal_app: Flask, db: scoped_session, provider: Provider
) -> None:
    demo = demo_family(db)
    withdrawn = demo_family(db, parent_pid="03037012345")
    from velferdslab.families.models import Consent

    for consent in db.scalars(select(Consent).where(Consent.family_id == withdrawn.family.id)):
        consent.withdrawn_on = TODAY
    db.flush()
    people = {"stranger": "24129012345", "child": demo.child.national_id, "gone": "03037012345"}
    pages = {}
    for sub, pid in people.items():
        person(provider, sub, pid)
        client = portal_app.test_client()
        answer, _ = sign_in(client, provider, sub)
        text = re.sub(r'name="csrf_token" value="[^"]+"', "", answer.get_data(as_text=True))
        pages[sub] = (answer.status_code, text)
        assert client.get("/min-side/plan").status_code == 302  # not signed in
    assert {status for status, _ in pages.values()} == {403}
    assert len({text for _, text in pages.values()}) == 1  # word for word the same
    assert NEUTRAL in pages["stranger"][1]
    refused = db.scalars(select(AuditEvent).where(AuditEvent.action == "login_refused")).all()
    assert [e.details for e in refused] == [{"reason": "not_eligible"}] * 3
    assert all(pid not in str(e.details) for e in refused for pid in people.values())


def test_the_age_limit_is_by_birth_date_and_configurable(
    family_client: FlaskClient,
    portal_app: Flask,
    db: scoped_session,
    provider: Provider,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    demo = demo_family(db)
    demo.child.birth_date = TODAY.replace(year=TODAY.year - 16)  # 16 today
    db.flush()
    person(provider, "youth", demo.child.national_id)
    assert sign_in(family_client, provider, "youth")[0].status_code == 302

    monkeypatch.setitem(portal_app.config, "FAMILY_PORTAL_MIN_AGE", 18)
    later = portal_app.test_client()
    assert sign_in(later, provider, "youth")[0].status_code == 403


def test_a_parent_in_two_families_chooses(
    family_client: FlaskClient, db: scoped_session, provider: Provider
) -> None:
    first = demo_family(db)
    second = demo_family(db)
    second.parent.national_id = PARENT_PID
    db.flush()
    person(provider, "two", PARENT_PID)
    answer, _ = sign_in(family_client, provider, "two")
    assert answer.location.endswith("/min-side/velg-familie")
    page = family_client.get("/min-side/velg-familie").get_data(as_text=True)
    assert f'value="{first.family.id}"' in page and f'value="{second.family.id}"' in page
    from tests.family_portal.helpers import csrf

    chosen = family_client.post(
        "/min-side/velg-familie", data={"csrf_token": csrf(page), "family": second.family.id}
    )
    assert chosen.status_code == 302
    assert family_client.get("/min-side/plan").status_code == 200
    other = family_client.post(
        "/min-side/velg-familie", data={"csrf_token": csrf(page), "family": 999999}
    )
    assert other.status_code == 422


def test_a_replayed_state_is_refused(
    family_client: FlaskClient, portal_app: Flask, db: scoped_session, provider: Provider
) -> None:
    demo_family(db)
    person(provider, "eva", PARENT_PID)
    answer, callback = sign_in(family_client, provider, "eva")
    assert answer.status_code == 302

    assert family_client.get(callback).status_code == 400  # the same state and code again
    assert portal_app.test_client().get(callback).status_code == 400  # another browser


def bad_id_tokens(provider: Provider) -> dict[str, Any]:
    """ID tokens the token endpoint might hand back, each with something wrong."""
    now = int(time.time())
    claims = {
        "iss": provider.issuer,
        "aud": CLIENT_ID,
        "sub": "forged",
        "pid": PARENT_PID,
        "acr": "idporten-loa-substantial",
        "iat": now,
        "exp": now + 600,
    }
    return {
        "wrong nonce": lambda nonce: provider.sign({**claims, "nonce": "not-" + nonce}),
        "expired": lambda nonce: provider.sign(
            {**claims, "nonce": nonce, "iat": now - 7200, "exp": now - 3600}
        ),
        "wrongly signed": lambda nonce: provider.sign(
            {**claims, "nonce": nonce}, key=RSAKey.generate_key(2048)
        ),
        "another audience": lambda nonce: provider.sign({**claims, "nonce": nonce, "aud": "x"}),
    }


@pytest.mark.parametrize("case", ["wrong nonce", "expired", "wrongly signed", "another audience"])
def test_a_bad_id_token_is_refused(
    case: str,
    family_client: FlaskClient,
    portal_app: Flask,
    db: scoped_session,
    provider: Provider,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    demo_family(db)
    person(provider, "forged", PARENT_PID)
    make = bad_id_tokens(provider)[case]
    with portal_app.test_request_context():
        client = idporten.client()

    def answer_with_bad_token(**params: Any) -> dict[str, Any]:
        with family_client.session_transaction("/min-side") as cookie:
            nonce = next(v["data"]["nonce"] for k, v in cookie.items() if k.startswith("_state_"))
        return {"access_token": "a", "token_type": "Bearer", "id_token": make(nonce)}

    monkeypatch.setattr(client, "fetch_access_token", answer_with_bad_token)
    answer, _ = sign_in(family_client, provider, "forged")

    assert answer.status_code == 400, case
    assert "kunne ikke bekreftes" in answer.get_data(as_text=True)
    assert family_client.get("/min-side/plan").status_code == 302


def logout_token(provider: Provider, sid: str | None, sub: str, **extra: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": provider.issuer,
        "aud": CLIENT_ID,
        "iat": now,
        "jti": f"j{now}",
        "sub": sub,
        "events": {idporten.BACKCHANNEL_EVENT: {}},
        **extra,
    }
    if sid:
        claims["sid"] = sid
    return provider.sign(claims)


def test_back_channel_logout_ends_the_session(
    family_client: FlaskClient, portal_app: Flask, db: scoped_session, provider: Provider
) -> None:
    demo_family(db)
    person(provider, "bente", PARENT_PID)
    sign_in(family_client, provider, "bente")
    assert family_client.get("/min-side/plan").status_code == 200
    server = portal_app.test_client()  # the provider: no cookie, no CSRF token

    forged = logout_token(provider, None, "bente")
    assert (
        server.post("/min-side/logout/backchannel", data={"logout_token": forged + "x"}).status_code
        == 400
    )
    with_nonce = logout_token(provider, None, "bente", nonce="n")
    assert (
        server.post("/min-side/logout/backchannel", data={"logout_token": with_nonce}).status_code
        == 400
    )
    assert family_client.get("/min-side/plan").status_code == 200

    answer = server.post("/min-side/logout/backchannel", data={"logout_token": forged})
    assert answer.status_code == 200
    ended = family_client.get("/min-side/plan")
    assert ended.status_code == 302 and ended.location.endswith("/min-side")


def test_sign_out_ends_the_session_here_and_at_id_porten(
    family_client: FlaskClient, db: scoped_session, provider: Provider
) -> None:
    from tests.family_portal.helpers import csrf

    demo_family(db)
    person(provider, "ivar", PARENT_PID)
    sign_in(family_client, provider, "ivar")
    page = family_client.get("/min-side/plan")
    policy = page.headers["Content-Security-Policy"]
    assert f"form-action 'self' {provider.issuer}" in policy

    out = family_client.post(
        "/min-side/logg-ut", data={"csrf_token": csrf(page.get_data(as_text=True))}
    )

    assert out.status_code == 302
    assert out.location.startswith(f"{provider.issuer}/oauth2/end_session?")
    assert "id_token_hint=" in out.location and "logget-ut" in out.location
    assert family_client.get("/min-side/plan").status_code == 302


def test_the_session_ends_when_idle_or_too_old(
    family_client: FlaskClient,
    portal_app: Flask,
    db: scoped_session,
    provider: Provider,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from velferdslab.family_portal.models import FamilySession

    demo_family(db)
    person(provider, "idle", PARENT_PID)
    sign_in(family_client, provider, "idle")
    assert family_client.get("/min-side/plan").status_code == 200
    row = db.scalars(select(FamilySession).where(FamilySession.subject == "idle")).one()
    row.seen_at = row.seen_at - dt.timedelta(seconds=901)  # 15 minutes and a second ago
    db.flush()
    assert family_client.get("/min-side/plan").status_code == 302

    sign_in(family_client, provider, "idle")
    row = db.scalars(
        select(FamilySession).where(
            FamilySession.subject == "idle", FamilySession.ended_at.is_(None)
        )
    ).one()
    row.started_at = row.started_at - dt.timedelta(hours=2, seconds=1)
    db.flush()
    assert family_client.get("/min-side/plan").status_code == 302


def test_without_configuration_the_pages_are_off_and_say_so(client: FlaskClient) -> None:
    for path in ("/min-side", "/min-side/logg-inn", "/min-side/plan"):
        answer = client.get(path)
        assert answer.status_code == 503
        assert "ikke slått på" in answer.get_data(as_text=True)


def test_front_channel_logout_ends_the_session_and_only_the_issuer_may_frame_it(
    family_client: FlaskClient, db: scoped_session, provider: Provider
) -> None:
    from velferdslab.family_portal.models import FamilySession

    demo_family(db)
    person(provider, "frida", PARENT_PID)
    sign_in(family_client, provider, "frida")
    row = db.scalars(select(FamilySession).where(FamilySession.subject == "frida")).one()
    assert (
        family_client.get("/min-side/logout/frontchannel?iss=https://evil.example").status_code
        == 400
    )
    assert family_client.get("/min-side/plan").status_code == 200

    answer = family_client.get(f"/min-side/logout/frontchannel?iss={provider.issuer}")

    assert answer.status_code == 200
    assert f"frame-ancestors {provider.issuer}" in answer.headers["Content-Security-Policy"]
    assert family_client.get("/min-side/plan").status_code == 302
    db.refresh(row)
    assert row.ended_at is not None and row.id_token is None
