"""The TOTP second factor (pyotp) of local admin accounts. Who needs it, and who may use a
password at all, is decided by velferdslab.policy (needs_second_factor, may_use_password)."""

from __future__ import annotations

import datetime
import hmac
import time

import pyotp

from velferdslab.users.models import User


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
