"""A user signed in through an OpenID provider: found by (provider, sub), created just in time
from the claim mapping, or refused; roles, municipality and agency refreshed at every sign-in.

An identity never takes over an account by a claim (a user name can be changed, and is not
unique across providers): an existing account signs in through a provider only after an admin
linked it to the identity's (provider, sub) (velferdslab.auth.services.link_identity). A linked
account is refused when the mapping places it in another municipality, or when it holds the
admin role.

Every sign-in, refusal and role change is audited here; a change of the mapping file is audited
with the first sign-in after it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from velferdslab.audit.models import AuditEvent
from velferdslab.auth.current import audit
from velferdslab.auth.oidc import MappingConflict, Provider, map_claims
from velferdslab.db import AnySession, utcnow
from velferdslab.errors import Text
from velferdslab.municipalities.models import Agency, Municipality
from velferdslab.policy import provider_sign_in_refusal
from velferdslab.users.models import User, UserRole
from velferdslab.users.services import revoke_tokens
from velferdslab.vocabulary import Role

# argon2 never produces this, so no password matches an account made by single sign-on
NO_PASSWORD = "!sso"  # noqa: S105  (a marker, not a password)


@dataclass(frozen=True)
class Refusal(Exception):
    """Why a person who proved who they are may still not sign in here (shown on the page)."""

    reason: str  # machine name, audited
    message: Text

    def __str__(self) -> str:
        return str(self.message)


def sign_in(session: AnySession, provider: Provider, claims: Mapping[str, Any]) -> User:
    """The active, refreshed user for these (already validated) claims, or Refusal."""
    audit_mapping_change(session, provider)
    subject = str(claims["sub"])
    username = str(claims.get(provider.username_claim) or f"{provider.name}:{subject}")[:80]
    user = session.scalars(
        select(User).where(User.sso_provider == provider.name, User.sso_subject == subject)
    ).one_or_none()
    try:
        mapped = map_claims(provider, claims)
        if not mapped.roles:
            raise Refusal(
                "no_role",
                Text(
                    "Your account at %(provider)s gives you no role in Velferdslab. Ask your IT "
                    "department for access to Velferdslab.",
                    provider=provider.title,
                ),
            )
        municipality_id, agency_id = _placement(session, mapped.municipality, mapped.agency)
        reason = user and provider_sign_in_refusal(user, municipality_id, mapped.roles)
        if user is not None and reason:
            # an identity linked by an admin, or made here: never across municipalities, never
            # onto an admin account (the break-glass one would lose its password and role)
            raise Refusal(
                reason,
                Text(
                    "Your account at %(provider)s is linked to a Velferdslab account that it may "
                    "not use. Ask an administrator.",
                    provider=provider.title,
                ),
            )
        if user is not None and not user.active:
            raise Refusal(
                "inactive",
                Text("Your Velferdslab account is deactivated. Ask an administrator."),
            )
        if user is None:
            user = _create(session, provider, subject, username, claims)
        _refresh(session, provider, user, claims, mapped.roles, municipality_id, agency_id)
    except MappingConflict as error:
        _refuse(provider, subject, user, "conflict", {"detail": str(error)})
        raise Refusal(
            "conflict",
            Text(
                "Your roles at %(provider)s point to different municipalities or agencies. "
                "Ask your IT department to correct them.",
                provider=provider.title,
            ),
        ) from error
    except Refusal as refusal:
        _refuse(
            provider, subject, user, refusal.reason, {"claims": _claim_summary(provider, claims)}
        )
        if user is not None and refusal.reason == "no_role":
            revoke_tokens(session, user)  # the provider took the roles away: so do we
        raise
    user.last_login_at = utcnow()
    audit(
        "login",
        "user",
        user.id,
        user_id=user.id,
        details={"method": "sso", "provider": provider.name, "matched": list(mapped.matched)},
    )
    return user


def _claim_summary(provider: Provider, claims: Mapping[str, Any]) -> dict[str, Any]:
    # What the refusal was decided on, without the rest of the token's personal data.
    return {provider.claim: claims.get(provider.claim)}


def _refuse(
    provider: Provider, subject: str, user: User | None, reason: str, details: dict[str, Any]
) -> None:
    audit(
        "login_refused",
        "user",
        user.id if user else None,
        user_id=user.id if user else None,
        always=True,  # written although the sign-in's own transaction is rolled back
        details={
            "method": "sso",
            "provider": provider.name,
            "subject": subject[:255],
            "reason": reason,
            **details,
        },
    )


def _placement(
    session: AnySession, number: str | None, agency_name: str | None
) -> tuple[int | None, int | None]:
    if number is None:
        if agency_name:
            raise Refusal("mapping", Text("The mapping names an agency without a municipality."))
        return None, None
    municipality_id = session.scalar(select(Municipality.id).where(Municipality.number == number))
    if municipality_id is None:
        raise Refusal(
            "mapping",
            Text(
                "The mapping names municipality %(number)s, which Velferdslab does not have.",
                number=number,
            ),
        )
    agency_id = None
    if agency_name:
        agency_id = session.scalar(
            select(Agency.id).where(
                Agency.municipality_id == municipality_id, Agency.name == agency_name
            )
        )
        if agency_id is None:
            raise Refusal(
                "mapping",
                Text(
                    "The mapping names the agency %(agency)s, which municipality %(number)s "
                    "does not have.",
                    agency=agency_name,
                    number=number,
                ),
            )
    return municipality_id, agency_id


def _create(
    session: AnySession, provider: Provider, subject: str, username: str, claims: Mapping[str, Any]
) -> User:
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Refusal(
            "username_taken",
            Text(
                "Another Velferdslab account already has the user name %(name)s. Ask an "
                "administrator to link the accounts.",
                name=username,
            ),
        )
    user = User(
        username=username,
        full_name=str(claims.get(provider.name_claim) or username)[:150],
        password_hash=NO_PASSWORD,
        sso_provider=provider.name,
        sso_subject=subject,
    )
    session.add(user)
    session.flush()
    audit(
        "create",
        "user",
        user.id,
        user_id=user.id,
        details={"method": "sso", "provider": provider.name},
    )
    return user


def _refresh(
    session: AnySession,
    provider: Provider,
    user: User,
    claims: Mapping[str, Any],
    roles: tuple[str, ...],
    municipality_id: int | None,
    agency_id: int | None,
) -> None:
    before = {
        "roles": sorted(user.roles),
        "municipality_id": user.municipality_id,
        "agency_id": user.agency_id,
    }
    after = {"roles": sorted(roles), "municipality_id": municipality_id, "agency_id": agency_id}
    if before != after:
        wanted = {Role(role) for role in roles}
        user.role_rows = [row for row in user.role_rows if row.role in wanted] + [
            UserRole(role=role) for role in sorted(wanted - {row.role for row in user.role_rows})
        ]
        user.municipality_id, user.agency_id = municipality_id, agency_id
        if before["roles"]:  # not a new user: what it could do has changed
            revoke_tokens(session, user)
            audit(
                "sso_roles_changed",
                "user",
                user.id,
                user_id=user.id,
                details={"provider": provider.name, "before": before, "after": after},
            )
    full_name = claims.get(provider.name_claim)
    if isinstance(full_name, str) and full_name.strip():
        user.full_name = full_name.strip()[:150]
    email = claims.get(provider.email_claim)
    if isinstance(email, str) and "@" in email:
        user.email = email[:254]
    session.flush()


def audit_mapping_change(session: AnySession, provider: Provider) -> None:
    """The mapping file is edited outside the service: the first sign-in after a change records
    the new mapping in the audit log (what it maps, and its fingerprint)."""
    digest = provider.digest()
    last = session.scalars(
        select(AuditEvent.details)
        .where(AuditEvent.action == "sso_mapping", AuditEvent.entity == "sso_provider")
        .order_by(AuditEvent.id.desc())
    )
    for details in last:
        if details.get("provider") == provider.name:
            if details.get("sha256") == digest:
                return
            break
    audit(
        "sso_mapping",
        "sso_provider",
        always=True,
        details={
            "provider": provider.name,
            "issuer": provider.issuer,
            "claim": provider.claim,
            "sha256": digest,
            "rules": provider.describe_rules(),
        },
    )
