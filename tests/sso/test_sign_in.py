"""Signing in through a real OpenID provider (oidc-provider-mock on 127.0.0.1): the claim
mapping, just-in-time users, refusals, refreshed roles, sign-out there, the session's lifetime,
replayed state, and bearer tokens for single sign-on users."""

from __future__ import annotations

import dataclasses
import re
import time
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import PASSWORD, Lab, make_family, make_lab
from tests.sso.conftest import DOWN, SHORT_SECONDS
from tests.sso.helpers import (
    ASKER_LEAD,
    ASKER_NAV_MEMBER,
    CLIENT_ID,
    Provider,
    sign_in,
    wait_until,
)
from velferdslab.audit.models import AuditEvent
from velferdslab.families.models import TeamMembership
from velferdslab.users.models import User
from velferdslab.vocabulary import TeamRole


def asker(db: scoped_session) -> Lab:
    """A lab in Asker (3203) whose NAV office is called what the mapping file says."""
    lab = make_lab(db)
    lab.municipality.name, lab.municipality.number = "Asker", "3203"
    lab.nav.name = "NAV Asker"
    db.flush()
    return lab


def person(provider: Provider, sub: str, *roles: str, username: str | None = None) -> None:
    provider.set_user(
        sub,
        {
            "preferred_username": username or f"{sub}@asker.kommune.no",
            "name": f"{sub.title()} Nordmann",
            "email": f"{sub}@asker.kommune.no",
            "roles": list(roles),
        },
    )


def user_of(db: scoped_session, sub: str, provider: str = "asker") -> User | None:
    return db.scalars(
        select(User).where(User.sso_provider == provider, User.sso_subject == sub)
    ).one_or_none()


def events(db: scoped_session, action: str) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def csrf(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def test_the_login_page_offers_each_provider(sso_client: FlaskClient) -> None:
    page = sso_client.get("/login").get_data(as_text=True)
    assert "Logg inn med Asker kommune (asker)" in page
    assert "Logg inn med Asker kommune (short)" in page
    assert 'href="/sso/asker/login' in page


def test_a_new_person_is_created_from_the_mapping_and_sees_their_families(
    sso_client: FlaskClient, db: scoped_session, provider: Provider
) -> None:
    lab = asker(db)
    family = make_family(db, lab)
    person(provider, "kari", ASKER_NAV_MEMBER)

    answer, _ = sign_in(sso_client, "kari")

    assert answer.status_code == 302 and answer.location == "/"
    kari = user_of(db, "kari")
    assert kari is not None
    assert kari.roles == {"team_member"} and kari.username == "kari@asker.kommune.no"
    assert (kari.municipality_id, kari.agency_id) == (lab.municipality.id, lab.nav.id)
    assert kari.full_name == "Kari Nordmann" and kari.email == "kari@asker.kommune.no"
    login = [e for e in events(db, "login") if e.user_id == kari.id]
    assert login and login[-1].details["method"] == "sso"
    assert any(e.details["provider"] == "asker" for e in events(db, "sso_mapping"))
    # on no team yet: no families; on the family's team: that family
    assert family.reference not in sso_client.get("/families").get_data(as_text=True)
    db.add(
        TeamMembership(
            family_id=family.id,
            user_id=kari.id,
            agency_id=lab.nav.id,
            team_role=TeamRole.MEMBER,
            mandate_nok=0,
            joined_on=family.referred_on,
        )
    )
    db.flush()
    assert family.reference in sso_client.get("/families").get_data(as_text=True)


def test_roles_are_refreshed_at_every_sign_in_and_the_change_is_audited(
    sso_client: FlaskClient, db: scoped_session, provider: Provider
) -> None:
    lab = asker(db)
    person(provider, "per", ASKER_NAV_MEMBER)
    sign_in(sso_client, "per")
    per = user_of(db, "per")
    assert per is not None and per.roles == {"team_member"}
    token = sso_client.post(
        "/api/v1/auth/token",
        json={"provider": "asker", "assertion": provider.id_token("per")},
    ).get_json()["access_token"]

    person(provider, "per", ASKER_LEAD)  # the IT department moved Per
    sign_in(sso_client, "per")

    db.refresh(per)
    assert per.roles == {"investment_lead"} and per.agency_id is None
    assert per.municipality_id == lab.municipality.id
    (change,) = [e for e in events(db, "sso_roles_changed") if e.user_id == per.id]
    assert change.details["before"]["roles"] == ["team_member"]
    assert change.details["after"]["roles"] == ["investment_lead"]
    # what the old roles opened is closed
    old = sso_client.get("/api/v1/families", headers={"Authorization": f"Bearer {token}"})
    assert old.status_code == 401


def test_no_role_in_the_mapping_is_refused_with_a_clear_page(
    sso_client: FlaskClient, db: scoped_session, provider: Provider
) -> None:
    asker(db)
    person(provider, "ola", "Some.Other.App.Role")

    answer, _ = sign_in(sso_client, "ola")

    assert answer.status_code == 403
    page = answer.get_data(as_text=True)
    assert "Innlogging avvist" in page
    assert "Kontoen din hos Asker kommune (asker) gir deg ingen rolle i Velferdslab" in page
    assert user_of(db, "ola") is None
    refused = [e for e in events(db, "login_refused") if e.details.get("subject") == "ola"]
    assert refused and refused[-1].details["reason"] == "no_role"
    assert sso_client.get("/families").status_code == 302  # not signed in


def test_a_deactivated_user_stays_refused(
    sso_client: FlaskClient, db: scoped_session, provider: Provider
) -> None:
    asker(db)
    person(provider, "siri", ASKER_NAV_MEMBER)
    sign_in(sso_client, "siri")
    siri = user_of(db, "siri")
    assert siri is not None
    siri.active = False
    db.flush()
    assert sso_client.get("/families").status_code == 302  # deactivating ended the session

    answer, _ = sign_in(sso_client, "siri")

    assert answer.status_code == 403
    assert "Velferdslab-kontoen din er deaktivert" in answer.get_data(as_text=True)
    assert sso_client.get("/families").status_code == 302
    db.refresh(siri)
    assert siri.active is False


def test_a_replayed_or_foreign_state_is_refused(
    sso_client: FlaskClient, db: scoped_session, provider: Provider
) -> None:
    asker(db)
    person(provider, "eva", ASKER_NAV_MEMBER)
    answer, callback = sign_in(sso_client, "eva")
    assert answer.status_code == 302

    replayed = sso_client.get(callback)  # the same state and code once more
    assert replayed.status_code == 400
    assert "kunne ikke bekreftes" in replayed.get_data(as_text=True)
    elsewhere = sso_app_client_without_state(sso_client)
    assert elsewhere.get(callback).status_code == 400  # a browser that never started it
    reasons = [e.details["reason"] for e in events(db, "login_refused")]
    assert reasons.count("invalid_response") >= 2


def sso_app_client_without_state(client: FlaskClient) -> FlaskClient:
    return client.application.test_client()


def test_sign_out_ends_the_session_here_and_continues_at_the_provider(
    sso_client: FlaskClient, db: scoped_session, provider: Provider, short_provider: Provider
) -> None:
    other = short_provider.issuer
    asker(db)
    person(provider, "ivar", ASKER_NAV_MEMBER)
    sign_in(sso_client, "ivar")
    home = sso_client.get("/families")
    # the browser may follow sign-out's redirect to the provider: the CSP allows that origin
    policy = dict(
        part.strip().split(" ", 1) for part in home.headers["Content-Security-Policy"].split(";")
    )
    assert policy["form-action"].split() == ["'self'", *sorted([provider.issuer, other, DOWN])]

    out = sso_client.post("/logout", data={"csrf_token": csrf(home.get_data(as_text=True))})

    assert out.status_code == 302
    assert out.location.startswith(f"{provider.issuer}/oauth2/end_session?")
    assert "id_token_hint=" in out.location
    assert "post_logout_redirect_uri=http%3A%2F%2Flocalhost%2Flogin" in out.location
    assert sso_client.get("/families").status_code == 302


def test_the_session_lives_no_longer_than_the_id_token(
    sso_client: FlaskClient, db: scoped_session, short_provider: Provider
) -> None:
    asker(db)
    person(short_provider, "tor", ASKER_NAV_MEMBER)
    started = time.time()
    answer, _ = sign_in(sso_client, "tor", provider="short")
    assert answer.status_code == 302
    assert sso_client.get("/families").status_code == 200

    wait_until(started + SHORT_SECONDS + 1)

    ended = sso_client.get("/families")
    assert ended.status_code == 302 and ended.location.startswith("/login")


def test_a_provider_token_is_exchanged_for_a_bearer_token(
    sso_client: FlaskClient, db: scoped_session, provider: Provider
) -> None:
    lab = asker(db)
    family = make_family(db, lab)
    person(provider, "anne", ASKER_LEAD)

    answer = sso_client.post(
        "/api/v1/auth/token", json={"provider": "asker", "assertion": provider.id_token("anne")}
    )

    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert 0 < body["expires_in"] <= 3600
    anne = user_of(db, "anne")
    assert anne is not None and anne.roles == {"investment_lead"}
    family.investment_lead_id = anne.id
    db.flush()
    listed = sso_client.get(
        "/api/v1/families", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert [f["reference"] for f in listed.get_json()] == [family.reference]


def bad_tokens(provider: Provider) -> dict[str, str]:
    good = provider.id_token("bjorn")
    claims: dict[str, Any] = dict(jwt.decode(good, provider.key).claims)
    now = int(time.time())
    stranger = RSAKey.generate_key(2048)
    return {
        # the provider's claims, signed by someone else under the provider's key id
        "forged signature": provider.sign(claims, key=stranger),
        # a genuine token the provider issued to another application
        "wrong audience": provider.id_token("bjorn", client_id="another-app"),
        # the provider's key, but long expired
        "expired": provider.sign({**claims, "iat": now - 7200, "exp": now - 3600}),
        "another issuer": provider.sign({**claims, "iss": "https://evil.example"}),
    }


def test_forged_foreign_and_expired_tokens_are_refused(
    sso_client: FlaskClient, db: scoped_session, provider: Provider
) -> None:
    asker(db)
    person(provider, "bjorn", ASKER_LEAD)
    for case, assertion in bad_tokens(provider).items():
        answer = sso_client.post(
            "/api/v1/auth/token", json={"provider": "asker", "assertion": assertion}
        )
        assert answer.status_code == 401, case
        assert "access_token" not in answer.get_json()
    assert user_of(db, "bjorn") is None
    refused = [e for e in events(db, "login_refused") if e.details["method"] == "sso_token"]
    assert len(refused) == 4
    assert {e.details["reason"] for e in refused} == {"invalid_assertion"}


def test_a_change_of_the_mapping_is_audited_at_the_next_sign_in(
    sso_client: FlaskClient,
    sso_app: Flask,
    db: scoped_session,
    provider: Provider,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asker(db)
    person(provider, "mona", ASKER_NAV_MEMBER)
    sign_in(sso_client, "mona")
    before = len(events(db, "sso_mapping"))
    registry = sso_app.extensions["velferdslab_sso"]["providers"]
    changed = dataclasses.replace(registry["asker"], rules=registry["asker"].rules[:1])
    monkeypatch.setitem(registry, "asker", changed)

    sign_in(sso_client, "mona")
    sign_in(sso_client, "mona")  # unchanged since: no new event

    new = events(db, "sso_mapping")[before:]
    assert len(new) == 1 and new[0].details["sha256"] == changed.digest()
    assert [rule["value"] for rule in new[0].details["rules"]] == [ASKER_NAV_MEMBER]


def test_passwords_switched_off_for_everyone_but_break_glass_admins(
    sso_client: FlaskClient, sso_app: Flask, db: scoped_session, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab = asker(db)
    monkeypatch.setitem(sso_app.config, "LOCAL_LOGIN", "admins")
    page = sso_client.get("/login").get_data(as_text=True)
    assert "Passord brukes bare for administratorers nødkontoer" in page
    for user, expected in ((lab.member, 401), (lab.lead, 401), (lab.admin, 200)):
        answer = sso_client.post(
            "/api/v1/auth/token", json={"username": user.username, "password": PASSWORD}
        )
        assert answer.status_code == expected, user.roles
    web = sso_client.post(
        "/login",
        data={"csrf_token": csrf(page), "username": lab.member.username, "password": PASSWORD},
    )
    assert web.status_code == 401
    refused = [e for e in events(db, "login_failed") if e.user_id == lab.member.id]
    assert {e.details.get("reason") for e in refused} == {"local_passwords_off"}


def test_a_local_admin_enrols_and_then_needs_a_totp_code(
    sso_client: FlaskClient, sso_app: Flask, db: scoped_session, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab = asker(db)
    monkeypatch.setitem(sso_app.config, "ADMIN_TOTP", True)
    page = sso_client.get("/login").get_data(as_text=True)
    form = {"csrf_token": csrf(page), "username": lab.admin.username, "password": PASSWORD}

    first = sso_client.post("/login", data=form)
    assert first.status_code == 302 and first.location == "/login/second-factor"
    assert sso_client.get("/admin").status_code == 302  # the password alone opens nothing
    enrol = sso_client.get("/login/second-factor").get_data(as_text=True)
    assert "Sett opp autentiseringsappen din" in enrol
    match = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', enrol)
    assert match
    secret = match.group(1)
    wrong = sso_client.post(
        "/login/second-factor", data={"csrf_token": csrf(enrol), "code": "000000"}
    )
    assert wrong.status_code == 401 and "Koden er feil" in wrong.get_data(as_text=True)
    code = pyotp.TOTP(secret).now()
    right = sso_client.post("/login/second-factor", data={"csrf_token": csrf(enrol), "code": code})
    assert right.status_code == 302
    assert sso_client.get("/admin").status_code == 200
    db.refresh(lab.admin)
    assert lab.admin.totp_secret == secret

    # the API asks for a code too, and a code works once
    bare = {"username": lab.admin.username, "password": PASSWORD}
    assert sso_client.post("/api/v1/auth/token", json=bare).status_code == 401
    replayed = sso_client.post("/api/v1/auth/token", json={**bare, "otp": code})
    assert replayed.status_code == 401
    following = pyotp.TOTP(secret).at(time.time() + 30)
    assert sso_client.post("/api/v1/auth/token", json={**bare, "otp": following}).status_code == 200
    # other roles are not asked
    member = {"username": lab.member.username, "password": PASSWORD}
    assert sso_client.post("/api/v1/auth/token", json=member).status_code == 200


def test_the_token_request_says_what_is_missing(sso_client: FlaskClient) -> None:
    for body, field in (
        ({"provider": "asker"}, "assertion"),
        ({"username": "x"}, "password"),
        ({"username": "x", "password": "y", "provider": "asker", "assertion": "z"}, None),
    ):
        answer = sso_client.post("/api/v1/auth/token", json=body)
        assert answer.status_code == 422, body
        if field:
            assert field in answer.get_json()["errors"]
    unknown = sso_client.post("/api/v1/auth/token", json={"provider": "x", "assertion": "y.z"})
    assert unknown.status_code == 401


__all__ = ["CLIENT_ID"]


def test_an_admin_reads_the_mapping_on_a_page(sso_client: FlaskClient, db: scoped_session) -> None:
    lab = asker(db)
    page = sso_client.get("/login").get_data(as_text=True)
    for user, expected in ((lab.member, 404), (lab.admin, 200)):
        sso_client.post("/login", data={"csrf_token": csrf(page), "username": user.username,
                                        "password": PASSWORD})  # fmt: skip
        answer = sso_client.get("/admin/sign-in")
        assert answer.status_code == expected
        page = sso_client.get("/login").get_data(as_text=True)
    text = answer.get_data(as_text=True)
    assert "Asker kommune (asker)" in text and "Asker kommune (short)" in text
    assert "<code>Velferdslab.Teammedlem.NAV</code>" in text
    row = re.search(r"<code>Velferdslab\.Teammedlem\.NAV</code></td>(.*?)</tr>", text, re.S)
    assert row and re.findall(r"<td>(.*?)</td>", row.group(1).strip().replace("\n", "")) == [
        "teammedlem",
        "Asker",
        "NAV Asker",
    ]


def test_a_provider_that_does_not_answer_gets_a_clear_page_and_a_503(
    sso_client: FlaskClient, db: scoped_session
) -> None:
    page = sso_client.get("/sso/down/login")
    assert page.status_code == 502
    assert "Asker kommune (down) svarer ikke akkurat nå" in page.get_data(as_text=True)
    api = sso_client.post("/api/v1/auth/token", json={"provider": "down", "assertion": "a.b.c"})
    assert api.status_code == 503 and "cannot be reached" in api.get_json()["message"]
