"""Sign-in decisions: who may use a password, who gives a second factor, which accounts an admin
may link to a provider identity, and when a provider identity may sign in to its account."""

from __future__ import annotations

from velferdslab.users.models import User
from velferdslab.vocabulary import Role


def may_use_password(user: User, local_login: str) -> bool:
    """LOCAL_LOGIN = "admins": only break-glass accounts (local, admin role) use a password."""
    return local_login == "all" or (user.sso_provider is None and user.has_role(Role.ADMIN))


def needs_second_factor(user: User, admin_totp: bool) -> bool:
    return admin_totp and user.has_role(Role.ADMIN)


def link_refusal(user: User) -> str | None:
    """Why an admin may not link this account to a provider identity (None: they may): never an
    admin account, which stays the break-glass account with its password."""
    return "admin_account" if user.has_role(Role.ADMIN) else None


def provider_sign_in_refusal(
    user: User, municipality_id: int | None, roles: tuple[str, ...]
) -> str | None:
    """Why a provider identity may not sign in to the account linked to it (None: it may): the
    provider's rule places it in another municipality (or regionally), or the account is an
    admin the rule does not make one (its role would be taken away)."""
    if user.has_role(Role.ADMIN) and Role.ADMIN.value not in roles:
        return "admin_account"
    if user.municipality_id != municipality_id:
        return "other_municipality"
    return None
