"""Authentication changes, each audited here (velferdslab.audit.log.record): password sign-in,
the second factor and its enrolment, sign-out, a provider's assertion used once, and an admin's
link of a local account to a provider identity. The views and the API only speak HTTP.

Who may use which way in is decided by velferdslab.policy; the login limit is
velferdslab.auth.limits; a provider sign-in's user is velferdslab.auth.provisioning."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

import pyotp
from flask import current_app
from sqlalchemy import delete, select

from velferdslab import policy
from velferdslab.audit.log import record
from velferdslab.auth import limits
from velferdslab.auth.local_login import verify_totp
from velferdslab.auth.models import SECOND_FACTOR, UsedAssertion
from velferdslab.auth.provisioning import NO_PASSWORD
from velferdslab.db import AnySession, as_utc, utcnow
from velferdslab.errors import Conflict, Text
from velferdslab.users.models import User
from velferdslab.users.services import end_sessions, hash_password, needs_rehash, verify_password

# Checked when the user name is unknown, so that the answer takes as long as for a known one
# (argon2 is the slow part): the time does not tell which user names exist.
_DUMMY_HASH = hash_password("no-one-has-this-password")


def _failed(session: AnySession, user: User | None, username: str, **details: Any) -> None:
    record(
        session,
        "login_failed",
        "user",
        user.id if user else None,
        details={"username": username[:80], **details},
        always=True,  # written although the request fails
        user_id=user.id if user else None,
    )


def authenticate(session: AnySession, username: str, password: str) -> User | None:
    """The active user with these credentials, for the API and the pages alike; every attempt is
    audited, and failures count towards the one login limit (velferdslab.auth.limits), which
    refuses with TooManyAttempts (429) before any password is checked when the account is
    locked, and after it when the address is busy and the password is wrong."""
    limits.check(session, username)
    busy_address = limits.slow_down_busy_address(session)
    user = session.scalars(select(User).where(User.username == username)).one_or_none()
    valid = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not valid or not user.active:
        limits.record_failure(username)
        _failed(session, user, username, inactive=bool(user and user.active is False))
        if busy_address:
            raise limits.refuse()
        return None
    if not policy.may_use_password(user, str(current_app.config.get("LOCAL_LOGIN", "all"))):
        # LOCAL_LOGIN = "admins": only break-glass admin accounts sign in with a password
        _failed(session, user, username, reason="local_passwords_off")
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    limits.forget_old(session)
    if not needs_second_factor(user):
        record(session, "login", "user", user.id, user_id=user.id)
    return user


def needs_second_factor(user: User) -> bool:
    return policy.needs_second_factor(user, bool(current_app.config.get("ADMIN_TOTP")))


def enrolment_secret(session: AnySession, user: User) -> str:
    """The secret an admin without a second factor enrols: kept on the user (never in a cookie)
    until a first code proves the app holds it."""
    if not user.totp_enrol_secret:
        user.totp_enrol_secret = pyotp.random_base32()
        session.flush()
    return user.totp_enrol_secret


def second_factor(
    session: AnySession, user: User, code: str, *, method: str, enrol: bool = False
) -> bool:
    """Check the code of the user's second factor (or, `enrol`, of the secret being enrolled on
    the page). A wrong code counts towards the login limit and the lower limit of wrong codes;
    TooManyAttempts (429) while either is reached, before the code is checked. No code at all is
    no guess: audited, not counted."""
    limits.check(session, user.username)
    if not code:
        _failed(session, user, user.username, reason="totp_missing", method=method)
        return False
    enrolling = enrol and not user.totp_secret
    secret = user.totp_enrol_secret if enrolling else user.totp_secret
    if not secret or not verify_totp(user, code, secret):
        limits.record_failure(user.username, SECOND_FACTOR)
        _failed(session, user, user.username, reason="totp", method=method)
        return False
    if enrolling:
        user.totp_secret, user.totp_enrol_secret = secret, None
        record(session, "totp_enrolled", "user", user.id, user_id=user.id)
    record(session, "login", "user", user.id, user_id=user.id, details={"method": method})
    return True


def sign_out(session: AnySession, user: User, assertion_digest: str | None = None) -> None:
    """End every session of the user; for a provider's user also every API token (they were all
    exchanged for its assertions), and no assertion issued until now is exchanged any more."""
    user.signed_out_at = utcnow()
    end_sessions(session, user, tokens=user.sso_provider is not None)
    if assertion_digest:
        # the sign-out's id_token_hint is read before this: the token need not be kept longer
        for used in session.scalars(
            select(UsedAssertion).where(UsedAssertion.digest == assertion_digest)
        ):
            used.id_token = None
    record(session, "logout", "user", user.id, user_id=user.id)
    session.flush()


# --- a provider's assertion: used once, never after the user signed out ------------------------


class AssertionRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def assertion_digest(provider: str, claims: Mapping[str, Any], token: str) -> str:
    """What names an assertion: the provider's `jti` when it sends one, else the token itself."""
    jti = claims.get("jti")
    name = str(jti) if jti else "sha256:" + hashlib.sha256(token.encode()).hexdigest()
    return hashlib.sha256(f"{provider}\0{name}".encode()).hexdigest()


def use_assertion(
    session: AnySession,
    provider: str,
    claims: Mapping[str, Any],
    token: str,
    *,
    web_session: bool = False,
) -> str:
    """Mark the assertion used (its digest, returned); AssertionRefused when it was used before,
    or issued before the last sign-out of the account it names. `web_session`: the ID token of
    a web sign-in (bound to that browser's flow by its nonce), kept server-side for the
    sign-out's id_token_hint."""
    user = session.scalars(
        select(User).where(User.sso_provider == provider, User.sso_subject == str(claims["sub"]))
    ).one_or_none()
    issued = claims.get("iat")
    if user is not None and user.signed_out_at is not None and not web_session:
        # whole seconds: an assertion of the sign-out's own second is refused too
        signed_out = int(as_utc(user.signed_out_at).timestamp())
        if not isinstance(issued, int | float) or issued <= signed_out:
            _refused(session, provider, user, "issued_before_sign_out")
    digest = assertion_digest(provider, claims, token)
    if session.scalar(select(UsedAssertion.id).where(UsedAssertion.digest == digest)):
        _refused(session, provider, user, "assertion_reused")
    session.execute(delete(UsedAssertion).where(UsedAssertion.expires_at < utcnow()))
    expires = dt.datetime.fromtimestamp(float(claims.get("exp") or 0), dt.UTC)
    session.add(
        UsedAssertion(
            digest=digest,
            provider=provider,
            user_id=user.id if user else None,
            expires_at=max(expires, utcnow() + dt.timedelta(minutes=5)),
            id_token=token if web_session else None,
        )
    )
    session.flush()
    return digest


def _refused(session: AnySession, provider: str, user: User | None, reason: str) -> None:
    record(
        session,
        "login_refused",
        "user",
        user.id if user else None,
        user_id=user.id if user else None,
        always=True,
        details={"method": "sso_token", "provider": provider, "reason": reason},
    )
    raise AssertionRefused(reason)


def refuse_provider_answer(
    session: AnySession, provider: str, reason: str, *, method: str = "sso", **details: Any
) -> None:
    """A provider's answer (or an assertion) that proves nobody: audited, written although the
    request fails."""
    record(
        session,
        "login_refused",
        "user",
        always=True,
        details={"method": method, "provider": provider, "reason": reason, **details},
    )


def id_token_of(session: AnySession, digest: str) -> str | None:
    return session.scalar(select(UsedAssertion.id_token).where(UsedAssertion.digest == digest))


# --- an admin links a local account to a provider identity -------------------------------------


class LinkRefused(Conflict):
    pass


def link_identity(
    session: AnySession, admin: User, user: User, provider: str, subject: str
) -> None:
    """The account signs in through `provider` as the identity `subject` (its `sub`/`oid`, which
    the provider never reassigns): its password stops working and its sessions end. Never an
    admin account; the provider's rule must later place it in the account's own municipality
    (checked at every sign-in, velferdslab.auth.provisioning)."""
    reason = policy.link_refusal(user)
    if reason is None:
        taken = session.scalar(
            select(User.id).where(
                User.sso_provider == provider, User.sso_subject == subject, User.id != user.id
            )
        )
        reason = "identity_taken" if taken else None
    if reason is not None:
        record(
            session,
            "sso_link_refused",
            "user",
            user.id,
            always=True,
            details={"provider": provider, "subject": subject[:255], "reason": reason},
        )
        raise LinkRefused(
            Text("This account cannot be linked."),
            {"subject": [_LINK_MESSAGES[reason]]},
        )
    user.sso_provider, user.sso_subject = provider, subject
    user.password_hash = NO_PASSWORD  # from now on the provider proves who it is
    user.totp_secret = user.totp_enrol_secret = None
    end_sessions(session, user, tokens=True)
    record(
        session,
        "sso_linked",
        "user",
        user.id,
        details={"provider": provider, "subject": subject[:255], "by": admin.id},
    )


_LINK_MESSAGES = {
    "admin_account": Text(
        "An administrator account is never linked: it stays the break-glass account."
    ),
    "identity_taken": Text("Another account is already linked to this identity."),
}


def unlink_identity(session: AnySession, user: User) -> None:
    """The account no longer signs in through its provider; an admin sets a one-time password."""
    if user.sso_provider is None:
        return
    provider = user.sso_provider
    user.sso_provider = user.sso_subject = None
    end_sessions(session, user, tokens=True)
    record(session, "sso_unlinked", "user", user.id, details={"provider": provider})
