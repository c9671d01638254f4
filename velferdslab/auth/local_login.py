"""Rules for local (password) accounts once a municipality signs in through its identity
provider: passwords only for break-glass admin accounts when LOCAL_LOGIN = "admins", and a TOTP
second factor (pyotp) for local admin accounts when ADMIN_TOTP is on."""

from __future__ import annotations

import pyotp
from flask import current_app

from velferdslab.users.models import User
from velferdslab.vocabulary import Role


def local_password_allowed(user: User) -> bool:
    if str(current_app.config.get("LOCAL_LOGIN", "all")) == "all":
        return True
    return user.sso_provider is None and user.has_role(Role.ADMIN.value)


def totp_required(user: User) -> bool:
    return bool(current_app.config.get("ADMIN_TOTP")) and user.has_role(Role.ADMIN.value)


def verify_totp(secret: str | None, code: str) -> bool:
    # one step either side: a phone's clock a little off still works
    return secret is not None and bool(pyotp.TOTP(secret).verify(code, valid_window=1))
