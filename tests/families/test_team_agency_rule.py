"""A team member belongs to the agency they serve for: a user without an agency joins no team
(the security test's bypass), and create-user can give a user their agency."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import auth, make_family, make_lab, make_user
from velferdslab.families.models import TeamMembership
from velferdslab.users.models import User
from velferdslab.vocabulary import Role


def test_a_user_without_an_agency_cannot_join_a_team_nor_read_the_members(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    drifter = make_user(db, Role.TEAM_MEMBER, municipality=lab.municipality)  # no agency
    response = client.post(
        f"/api/v1/families/{family.id}/team",
        json={"user_id": drifter.id, "agency_id": lab.nav.id, "team_role": "member",
              "mandate_nok": 1000, "joined_on": "2024-02-01"},
        headers=auth(db, lab.lead),
    )  # fmt: skip
    assert response.status_code == 422
    assert "no agency" in response.get_json()["errors"]["agency_id"][0]
    assert (
        db.scalars(select(TeamMembership).where(TeamMembership.user_id == drifter.id)).first()
        is None
    )
    members = client.get(f"/api/v1/families/{family.id}/members", headers=auth(db, drifter))
    assert members.status_code == 404


def test_create_user_sets_the_agency(app: Flask, db: scoped_session) -> None:
    lab = make_lab(db)
    result = app.test_cli_runner().invoke(
        args=["create-user", "--username", "nav.kari", "--password", "a-long-password",
              "--role", "team_member", "--municipality", lab.municipality.number,
              "--agency", lab.nav.name],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = db.scalars(select(User).where(User.username == "nav.kari")).one()
    assert user.agency_id == lab.nav.id
    unknown = app.test_cli_runner().invoke(
        args=["create-user", "--username", "nav.ola", "--password", "a-long-password",
              "--role", "team_member", "--municipality", lab.municipality.number,
              "--agency", "Nowhere"],
    )  # fmt: skip
    assert unknown.exit_code == 2 and "Nowhere" in unknown.output
