"""Creating users and checking their passwords (argon2id through argon2-cffi)."""

from __future__ import annotations

from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from velferdslab.db import AnySession
from velferdslab.municipalities.models import Municipality
from velferdslab.users.models import User, UserRole
from velferdslab.vocabulary import Role

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 10


class UserError(ValueError):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


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
        return [f"Must be at least {MIN_PASSWORD_LENGTH} characters."]
    return []


def parse_roles(roles: Iterable[str]) -> list[Role]:
    known = {role.value for role in Role}
    unknown = sorted(set(roles) - known)
    if unknown:
        raise UserError({"roles": [f"Unknown role(s): {', '.join(unknown)}."]})
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
    password_hash: str | None = None,
) -> User:
    errors: dict[str, list[str]] = {}
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        errors["username"] = [f"The user name {username!r} is taken."]
    if password_hash is None and (problems := check_password_rules(password)):
        errors["password"] = problems
    municipality_id = None
    if municipality_number is not None:
        municipality_id = session.scalar(
            select(Municipality.id).where(Municipality.number == municipality_number)
        )
        if municipality_id is None:
            errors["municipality"] = [f"No municipality has the number {municipality_number}."]
    try:
        role_values = parse_roles(roles)
    except UserError as error:
        errors.update(error.errors)
        role_values = []
    if not role_values and "roles" not in errors:
        errors["roles"] = ["Give at least one role."]
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
