"""The command line outside tools rely on: create-user, and its refusals."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import make_municipality
from velferdslab.users.models import User
from velferdslab.users.services import verify_password


def test_create_user_with_roles_and_a_municipality(app: Flask, db: scoped_session) -> None:
    municipality = make_municipality(db)
    result = app.test_cli_runner().invoke(
        args=["create-user", "--username", "kari", "--password", "a-long-password",
              "--role", "team_member", "--role", "investment_lead",
              "--municipality", municipality.number],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = db.scalars(select(User).where(User.username == "kari")).one()
    assert user.roles == {"team_member", "investment_lead"}
    assert user.municipality_id == municipality.id
    assert verify_password(user.password_hash, "a-long-password")
    assert user.password_hash.startswith("$argon2id$")


def test_create_user_refuses_bad_input_and_stores_nothing(app: Flask, db: scoped_session) -> None:
    result = app.test_cli_runner().invoke(
        args=["create-user", "--username", "ola", "--password", "short", "--role", "boss",
              "--municipality", "9998"],
    )  # fmt: skip
    assert result.exit_code == 2
    for expected in ("password: Must be at least 10", "Unknown role(s): boss", "9998"):
        assert expected in result.output
    assert db.scalars(select(User).where(User.username == "ola")).first() is None


def test_no_municipality_makes_a_regional_user(app: Flask, db: scoped_session) -> None:
    result = app.test_cli_runner().invoke(
        args=["create-user", "--username", "region", "--password", "a-long-password",
              "--role", "leader"],
    )  # fmt: skip
    assert result.exit_code == 0 and "regional" in result.output
