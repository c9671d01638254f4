"""Rules for local (password) accounts once a municipality signs in through its identity
provider: passwords only for break-glass admin accounts when LOCAL_LOGIN = "admins", and a TOTP
second factor (pyotp) for local admin accounts when ADMIN_TOTP is on."""

from __future__ import annotations

import datetime
import hmac
import time

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


def verify_totp(user: User, code: str, secret: str | None = None) -> bool:
    """The code of the user's secret (or of `secret`, being enrolled) for now, or one 30-second
    step either side (a phone's clock a little off); each step's code works once only, so a code
    seen over a shoulder or in a log cannot be replayed."""
    secret = secret or user.totp_secret
    if not secret:
        return False
    totp = pyotp.TOTP(secret)
    now = time.time()
    for offset in (0, -1, 1):
        step = totp.timecode(datetime.datetime.fromtimestamp(now + offset * totp.interval))
        if hmac.compare_digest(totp.generate_otp(step), code):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False
            user.totp_last_step = step
            return True
    return False
