"""The policy of the privacy duties: who reaches a family's access packages, legal holds,
retention periods and the sweep.

An access package holds everything about a member (names, national ids, notes, spending, the
access log), so it is read by the current relation like every family record: the family's lead
reaches every package of the family; an admin only the packages they made themselves for a
request received by letter, while the family is still theirs to see by reference. Nobody else,
not even the issuer of a package once their relation ended.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, false, or_, select
from sqlalchemy.sql.elements import ColumnElement

from velferdslab.db import AnySession
from velferdslab.errors import NotFound
from velferdslab.families.models import Family
from velferdslab.policy.core import Relation, family_or_404, relation_conditions, relations
from velferdslab.privacy.models import AccessRequest
from velferdslab.users.models import User
from velferdslab.vocabulary import Role

LEAD_CHANNEL = "lead"  # the lead chose the member on the family's privacy page
LETTER_CHANNEL = "received"  # an admin registered a request received by letter


def access_channel(session: AnySession, user: User, family_id: int) -> tuple[Family, str]:
    """How the user may make an access package for the family: its lead starts one; an admin
    of its municipality registers one received by letter. Anyone else: 404."""
    family = family_or_404(session, user, family_id, "family.read")
    held = relations(session, user, family_id, dt.date.today())
    if Relation.LEAD in held:
        return family, LEAD_CHANNEL
    if Relation.ADMIN in held:
        return family, LETTER_CHANNEL
    raise NotFound()


def access_request_filter(user: User, today: dt.date) -> ColumnElement[bool]:
    """The access requests (and their packages) the user may see, by the current relation."""
    conditions = relation_conditions(user, today)
    parts: list[ColumnElement[bool]] = []
    if Relation.LEAD in conditions:
        families = select(Family.id).where(conditions[Relation.LEAD])
        parts.append(AccessRequest.family_id.in_(families))
    if Relation.ADMIN in conditions:
        families = select(Family.id).where(conditions[Relation.ADMIN])
        parts.append(
            and_(
                AccessRequest.channel == LETTER_CHANNEL,
                AccessRequest.requested_by == user.id,
                AccessRequest.family_id.in_(families),
            )
        )
    return or_(*parts) if parts else false()


def access_request_or_404(session: AnySession, user: User, request_id: int) -> AccessRequest:
    request = session.scalars(
        select(AccessRequest).where(
            AccessRequest.id == request_id, access_request_filter(user, dt.date.today())
        )
    ).one_or_none()
    if request is None:
        raise NotFound()
    return request


def hold_family_or_404(session: AnySession, user: User, family_id: int) -> Family:
    """A legal hold is placed or released by the family's lead, or an admin of its municipality
    (who sees it by reference)."""
    family = family_or_404(session, user, family_id, "family.read")
    if not relations(session, user, family_id, dt.date.today()) & {Relation.LEAD, Relation.ADMIN}:
        raise NotFound()
    return family


def may_run_sweep(user: User | None) -> bool:
    """The sweep is run by an admin (for their own municipality, or a regional one for all),
    or by the operator's command or timer (no user)."""
    return user is None or user.has_role(Role.ADMIN)


def may_set_retention(user: User | None, municipality_id: int) -> bool:
    """An admin of that municipality, or a regional one; None: the operator's command."""
    if user is None:
        return True
    return user.has_role(Role.ADMIN) and (
        user.municipality_id is None or user.municipality_id == municipality_id
    )
