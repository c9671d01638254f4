"""Creating and changing users, and checking their passwords (argon2id through argon2-cffi)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Select, select, update

from velferdslab import policy
from velferdslab.audit.log import record
from velferdslab.db import AnySession, utcnow
from velferdslab.errors import Conflict, FieldErrors, NotFound, Text, ValidationFailed
from velferdslab.municipalities.models import Agency, Municipality
from velferdslab.users.models import ApiToken, User, UserRole
from velferdslab.vocabulary import Role

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 10


class UserError(FieldErrors):
    pass


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def check_password_rules(password: str) -> list[str]:
    if len(password) < MIN_PASSWORD_LENGTH:
        return [Text("Must be at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)]
    return []


def parse_roles(roles: Iterable[str]) -> list[Role]:
    known = {role.value for role in Role}
    unknown = sorted(set(roles) - known)
    if unknown:
        raise UserError({"roles": [Text("Unknown role(s): %(roles)s.", roles=", ".join(unknown))]})
    return sorted({Role(role) for role in roles})


def create_user(
    session: AnySession,
    *,
    username: str,
    password: str,
    roles: Iterable[str],
    full_name: str | None = None,
    email: str | None = None,
    municipality_number: str | None = None,
    agency_id: int | None = None,
    agency: str | None = None,
    password_hash: str | None = None,
) -> User:
    """`agency`: the name (or id) of an agency of the user's municipality, for the command line;
    a team member joins a family's team only for their own agency."""
    errors: dict[str, list[str]] = {}
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        errors["username"] = [Text("The user name %(name)r is taken.", name=username)]
    if password_hash is None and (problems := check_password_rules(password)):
        errors["password"] = problems
    municipality_id = None
    if municipality_number is not None:
        municipality_id = session.scalar(
            select(Municipality.id).where(Municipality.number == municipality_number)
        )
        if municipality_id is None:
            errors["municipality"] = [
                Text("No municipality has the number %(number)s.", number=municipality_number)
            ]
    if agency is not None:
        agency_id = _agency_named(session, agency, municipality_id, errors)
    try:
        role_values = parse_roles(roles)
    except UserError as error:
        errors.update(error.errors)
        role_values = []
    if not role_values and "roles" not in errors:
        errors["roles"] = [Text("Give at least one role.")]
    if errors:
        raise UserError(errors)
    user = User(
        username=username,
        full_name=full_name or username,
        email=email,
        password_hash=password_hash or hash_password(password),
        municipality_id=municipality_id,
        agency_id=agency_id,
        role_rows=[UserRole(role=role) for role in role_values],
    )
    session.add(user)
    session.flush()
    return user


def _agency_named(
    session: AnySession, agency: str, municipality_id: int | None, errors: dict[str, list[str]]
) -> int | None:
    if municipality_id is None:
        errors.setdefault("agency", []).append(
            Text("An agency belongs to a municipality: give --municipality too.")
        )
        return None
    match = Agency.id == int(agency) if agency.isdigit() else Agency.name == agency
    found = session.scalar(
        select(Agency.id).where(Agency.municipality_id == municipality_id, match)
    )
    if found is None:
        errors.setdefault("agency", []).append(
            Text("The municipality has no agency %(agency)r.", agency=agency)
        )
    return found


# The admin's API: who may be created where, and what an admin may not do to themselves.


def visible_users(viewer: User, filters: Mapping[str, Any]) -> Select[User]:
    """Users of the viewer's municipality (every user for a regional viewer)."""
    query = select(User).where(policy.scope_filter(viewer, User.municipality_id))
    if "municipality_id" in filters:
        query = query.where(User.municipality_id == filters["municipality_id"])
    if "role" in filters:
        query = query.where(User.role_rows.any(UserRole.role == filters["role"]))
    if "active" in filters:
        query = query.where(User.active.is_(filters["active"]))
    return query.order_by(User.username, User.id)


def user_or_404(session: AnySession, viewer: User, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not policy.in_scope(viewer, user.municipality_id):
        raise NotFound()
    return user


def add_user(session: AnySession, admin: User, data: Mapping[str, Any]) -> User:
    """A user made by an admin through the API; create_user does the hashing and role rows."""
    if "municipality_id" not in data and admin.municipality_id is None:
        raise ValidationFailed(
            Text("Say which municipality the user belongs to."),
            {"municipality_id": [Text("Required from a regional admin (null: a regional user).")]},
        )
    municipality_id = data.get("municipality_id", admin.municipality_id)
    _check_placement(session, admin, municipality_id, data.get("agency_id"))
    _check_username(session, data["username"], None)
    number = (
        None
        if municipality_id is None
        else session.scalar(select(Municipality.number).where(Municipality.id == municipality_id))
    )
    try:
        user = create_user(
            session,
            username=data["username"],
            password=data["password"],
            roles=data["roles"],
            full_name=data["full_name"],
            email=data.get("email"),
            municipality_number=number,
            agency_id=data.get("agency_id"),
        )
    except UserError as error:
        raise ValidationFailed(Text("Some fields have invalid values."), error.errors) from error
    user.active = data["active"]
    # The first password is the admin's: one-time, the user chooses their own at first sign-in.
    user.must_change_password = True
    session.flush()
    audit_grants(session, user, set(), set(user.roles))
    record(session, "create", "user", user.id, details={"roles": sorted(user.roles)})
    return user


def update_user(session: AnySession, admin: User, user: User, data: Mapping[str, Any]) -> User:
    """Change the fields in `data` (audited as one `update` naming them)."""
    _check_self(admin, user, data)
    old_roles, was_active = set(user.roles), user.active
    if "municipality_id" in data or "agency_id" in data:
        _check_placement(
            session,
            admin,
            data.get("municipality_id", user.municipality_id),
            data.get("agency_id", user.agency_id),
        )
    if "username" in data:
        _check_username(session, data["username"], user.id)
    for field in ("username", "full_name", "email", "agency_id", "municipality_id", "active"):
        if field in data:
            setattr(user, field, data[field])
    if "roles" in data:
        _set_roles(user, data["roles"])
    if "password" in data:
        # Set by an admin: one-time. The user must choose their own at the next sign-in.
        user.password_hash = hash_password(data["password"])
        user.must_change_password = True
        record(session, "set_one_time_password", "user", user.id)
    audit_grants(session, user, old_roles, set(user.roles))
    if "password" in data or (was_active and not user.active):
        end_sessions(session, user, tokens=True)
    elif set(user.roles) != old_roles:
        end_sessions(session, user)
    session.flush()
    if data:
        record(session, "update", "user", user.id, details={"fields": sorted(data)})
    return user


def audit_grants(session: AnySession, user: User, before: set[str], after: set[str]) -> None:
    """Granting a role that opens family data is an event of its own on the audit log."""
    granted = sorted(role for role in after - before if policy.reads_family_data(role))
    if granted:
        record(session, "grant_family_access", "user", user.id, details={"roles": granted})


def change_own_password(session: AnySession, user: User, old: str, new: str) -> None:
    """The user's own new password: the old one proves it is them; every other session and
    every token of the user ends."""
    errors: dict[str, list[str]] = {}
    if not verify_password(user.password_hash, old):
        errors["old_password"] = [Text("This is not your current password.")]
    if problems := check_password_rules(new):
        errors["new_password"] = problems
    elif old == new:
        errors["new_password"] = [Text("Choose a password other than the current one.")]
    if errors:
        raise ValidationFailed(Text("The password was not changed."), errors)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    end_sessions(session, user, tokens=True)
    record(session, "change_password", "user", user.id)


def end_sessions(session: AnySession, user: User, *, tokens: bool = False) -> None:
    """End every web session of the user, in every worker, at the next request: each session
    carries the epoch it was opened in (velferdslab.web.auth). `tokens`: the API tokens too."""
    user.session_epoch = (user.session_epoch or 0) + 1
    if tokens:
        revoke_tokens(session, user)
    session.flush()


def _set_roles(user: User, roles: Iterable[str]) -> None:
    wanted = set(parse_roles(roles))
    user.role_rows = [row for row in user.role_rows if row.role in wanted] + [
        UserRole(role=role) for role in sorted(wanted - {row.role for row in user.role_rows})
    ]


def revoke_tokens(session: AnySession, user: User) -> None:
    """A new password ends the sessions the old one opened."""
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def _check_self(admin: User, user: User, data: Mapping[str, Any]) -> None:
    # Guards against locking oneself out, and so against a programme with no admin left.
    # and against an admin granting themselves a role that reads family data, or signing in
    # with a password they set without knowing the old one.
    if user.id != admin.id:
        return
    errors = {}
    if data.get("active") is False:
        errors["active"] = [Text("You cannot deactivate yourself; ask another admin.")]
    if "roles" in data and set(data["roles"]) != user.roles:
        errors["roles"] = [Text("You cannot change your own roles; ask another admin.")]
    if "password" in data:
        errors["password"] = [
            Text("Change your own password on your account page; it asks for the current one.")
        ]
    if "active" in errors:
        raise Conflict(Text("An admin cannot lock themselves out."), errors)
    if errors:
        raise Conflict(Text("An admin cannot change their own roles or password here."), errors)


def _check_username(session: AnySession, username: str, current_id: int | None) -> None:
    clash = select(User.id).where(User.username == username)
    if current_id is not None:
        clash = clash.where(User.id != current_id)
    if session.scalar(clash.limit(1)) is not None:
        raise Conflict(
            Text("The user name is taken."), {"username": [Text("Another user has this name.")]}
        )


def _check_placement(
    session: AnySession, admin: User, municipality_id: int | None, agency_id: int | None
) -> None:
    if admin.municipality_id is not None and municipality_id != admin.municipality_id:
        raise ValidationFailed(
            Text("Only a regional admin places users in another municipality or regionally."),
            {
                "municipality_id": [
                    Text("Must be your own municipality (%(id)s).", id=admin.municipality_id)
                ]
            },
        )
    if municipality_id is not None and session.get(Municipality, municipality_id) is None:
        raise ValidationFailed(
            Text("No such municipality."), {"municipality_id": [Text("No such municipality.")]}
        )
    if agency_id is not None:
        _check_agency(session, admin, municipality_id, agency_id)


def _check_agency(
    session: AnySession, admin: User, municipality_id: int | None, agency_id: int
) -> None:
    agency = session.get(Agency, agency_id)
    if agency is None or not policy.in_scope(admin, agency.municipality_id):
        raise ValidationFailed(
            Text("No such agency."), {"agency_id": [Text("No such agency in your scope.")]}
        )
    if municipality_id is not None and agency.municipality_id != municipality_id:
        raise ValidationFailed(
            Text("The agency belongs to another municipality."),
            {"agency_id": [Text("Must be an agency of the user's municipality.")]},
        )
