"""A provider identity never takes over a local account by its user name (issue 23, finding 1):
not another municipality's lead, not the break-glass admin, not a colleague's account. An
existing account signs in through a provider only after an admin linked it to the person's
`sub`; never an admin account, never into another municipality than the provider rule's; every
refusal is audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import PASSWORD, Lab, make_family, make_lab, make_user
from tests.sso.helpers import ASKER_LEAD, ASKER_NAV_MEMBER, Provider, sign_in
from tests.sso.test_sign_in import asker, csrf, events, person, user_of
from velferdslab.auth.oidc import load_providers
from velferdslab.settings import ConfigurationError
from velferdslab.users.models import User
from velferdslab.vocabulary import Role

TOKEN = "/api/v1/auth/token"


def baerum(db: scoped_session) -> Lab:
    lab = make_lab(db)
    lab.municipality.name, lab.municipality.number = "Bærum", "3024"
    db.flush()
    return lab


def named(db: scoped_session, user: User, username: str) -> User:
    user.username = username
    db.flush()
    return user


def assert_untouched(
    client: FlaskClient, db: scoped_session, user: User, roles: set[str], municipality: int | None
) -> None:
    db.refresh(user)
    assert (user.sso_provider, user.sso_subject) == (None, None)
    assert user.roles == roles and user.municipality_id == municipality
    password = client.post(TOKEN, json={"username": user.username, "password": PASSWORD})
    assert password.status_code == 200, "the account keeps its password"


def refusals(db: scoped_session, subject: str) -> list[str]:
    refused = events(db, "login_refused")
    return [e.details["reason"] for e in refused if e.details.get("subject") == subject]


def test_a_login_of_another_municipality_does_not_take_a_leads_account(
    sso_client: FlaskClient, db: scoped_session, provider: Provider
) -> None:
    asker(db)
    other = baerum(db)
    lead = named(db, other.lead, "lise@kommune.no")
    person(provider, "intruder-1", ASKER_LEAD, username="lise@kommune.no")

    answer, _ = sign_in(sso_client, "intruder-1")

    assert answer.status_code == 403
    assert sso_client.get("/families").status_code == 302  # not signed in
    assert user_of(db, "intruder-1") is None
    assert refusals(db, "intruder-1") == ["username_taken"]
    assert_untouched(sso_client, db, lead, {"investment_lead"}, other.municipality.id)


def test_a_login_does_not_turn_the_break_glass_admin_into_a_team_member(
    sso_client: FlaskClient, db: scoped_session, provider: Provider
) -> None:
    asker(db)
    admin = named(db, make_user(db, Role.ADMIN), "regionadmin")
    person(provider, "intruder-2", ASKER_NAV_MEMBER, username="regionadmin")

    answer, _ = sign_in(sso_client, "intruder-2")

    assert answer.status_code == 403
    assert refusals(db, "intruder-2") == ["username_taken"]
    assert_untouched(sso_client, db, admin, {"admin"}, None)


def test_a_colleague_of_the_same_municipality_does_not_inherit_a_leads_families(
    sso_client: FlaskClient, db: scoped_session, provider: Provider
) -> None:
    lab = asker(db)
    family = make_family(db, lab)
    lead = named(db, lab.lead, "anne.lead")
    person(provider, "intruder-3", ASKER_LEAD, username="anne.lead")

    answer, _ = sign_in(sso_client, "intruder-3")
    by_token = sso_client.post(
        TOKEN, json={"provider": "asker", "assertion": provider.id_token("intruder-3")}
    )

    assert answer.status_code == 403 and by_token.status_code == 401
    assert family.reference not in sso_client.get("/families").get_data(as_text=True)
    assert refusals(db, "intruder-3") == ["username_taken", "username_taken"]
    assert_untouched(sso_client, db, lead, {"investment_lead"}, lab.municipality.id)


def link_on_the_admin_page(client: FlaskClient, admin: User, user: User, subject: str) -> int:
    login = client.get("/login").get_data(as_text=True)
    signed_in = client.post(
        "/login",
        data={"csrf_token": csrf(login), "username": admin.username, "password": PASSWORD},
    )
    assert signed_in.status_code == 302
    page = client.get(f"/admin/users/{user.id}")
    assert page.status_code == 200
    answer = client.post(
        f"/admin/users/{user.id}/identity",
        data={
            "identity-csrf_token": csrf(page.get_data(as_text=True)),
            "identity-provider": "asker",
            "identity-subject": subject,
        },
    )
    client.post("/logout", data={"csrf_token": csrf(page.get_data(as_text=True))})
    return answer.status_code


def test_an_admin_links_an_account_to_the_persons_sub_and_then_it_signs_in_through_it(
    sso_client: FlaskClient, db: scoped_session, provider: Provider
) -> None:
    lab = asker(db)
    family = make_family(db, lab)
    lead = named(db, lab.lead, "ragnhild")
    # the user name at the provider differs: the link is by `sub`, never by a name
    person(provider, "ragnhild-oid", ASKER_LEAD, username="r.h@asker.kommune.no")

    assert link_on_the_admin_page(sso_client, lab.admin, lead, "ragnhild-oid") == 302
    answer, _ = sign_in(sso_client, "ragnhild-oid")

    assert answer.status_code == 302
    assert user_of(db, "ragnhild-oid") == lead
    assert family.reference in sso_client.get("/families").get_data(as_text=True)
    (linked,) = events(db, "sso_linked")
    assert linked.entity_id == lead.id and linked.user_id == lab.admin.id
    assert linked.details == {"provider": "asker", "subject": "ragnhild-oid", "by": lab.admin.id}
    password = sso_client.post(TOKEN, json={"username": "ragnhild", "password": PASSWORD})
    assert password.status_code == 401  # the provider proves who it is now


def test_an_admin_account_is_never_linked_and_the_refusal_is_audited(
    sso_client: FlaskClient, db: scoped_session
) -> None:
    lab = asker(db)
    other_admin = make_user(db, Role.ADMIN, municipality=lab.municipality)

    assert link_on_the_admin_page(sso_client, lab.admin, other_admin, "someone") == 422

    db.refresh(other_admin)
    assert other_admin.sso_provider is None
    (refused,) = events(db, "sso_link_refused")
    assert refused.entity_id == other_admin.id and refused.details["reason"] == "admin_account"


def test_a_linked_account_is_refused_when_the_rule_names_another_municipality(
    sso_client: FlaskClient, db: scoped_session, provider: Provider
) -> None:
    asker(db)
    other = baerum(db)
    lead = other.lead
    lead.sso_provider, lead.sso_subject = "asker", "moved-sub"  # as linked by Bærum's admin
    db.flush()
    person(provider, "moved-sub", ASKER_LEAD)

    answer, _ = sign_in(sso_client, "moved-sub")

    assert answer.status_code == 403
    db.refresh(lead)
    assert lead.municipality_id == other.municipality.id and lead.roles == {"investment_lead"}
    assert refusals(db, "moved-sub") == ["other_municipality"]


def test_the_user_name_option_is_refused_at_start(tmp_path: Path) -> None:
    path = tmp_path / "sso.toml"
    path.write_text(
        '[[provider]]\nname = "x"\nissuer = "https://idp.example"\nclient_id = "c"\n'
        "link_existing_by_username = true\n"
    )
    with pytest.raises(ConfigurationError, match="link_existing_by_username"):
        load_providers(path)
    example = Path(__file__).parents[2] / "config" / "sso.toml.example"
    assert "link_existing_by_username" not in example.read_text()
