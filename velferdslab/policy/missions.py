"""The policy of missions (docs/access.md, "Missions"): who makes and steers a mission, who reads
it, and whose municipality lines each reader sees.

- An admin or a regional leader creates a mission (a municipal admin, over their own
  municipality only); the owner is a leader.
- It is changed by a regional leader, its owner, or an admin whose scope holds all of its
  municipalities; its steering decisions are recorded by its owner or a regional leader.
- Leaders, auditors and admins read the missions of their scope: every mission for a regional
  user, else those that count their municipality or that they own. Progress is read by leaders
  (suppressed) and auditors (unsuppressed when their scope holds every municipality of the
  mission); an admin reads the definition and log, never the figures.
- The mission's own figures are shown to every reader of its progress; of the lines per
  municipality a municipal reader sees only their own, unless the mission is theirs."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import exists, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from velferdslab.missions.models import Mission, MissionMunicipality
from velferdslab.users.models import User
from velferdslab.vocabulary import Role

MISSION_READERS = frozenset({Role.LEADER, Role.AUDITOR, Role.ADMIN})
PROGRESS_READERS = frozenset({Role.LEADER, Role.AUDITOR})


def may_read_missions(user: User) -> bool:
    return bool(user.roles & MISSION_READERS)


def may_read_progress(user: User) -> bool:
    return bool(user.roles & PROGRESS_READERS)


def _regional_leader(user: User) -> bool:
    return user.has_role(Role.LEADER) and user.municipality_id is None


def may_create_mission(user: User, municipality_ids: Iterable[int]) -> bool:
    if _regional_leader(user):
        return True
    if not user.has_role(Role.ADMIN):
        return False
    return user.municipality_id is None or set(municipality_ids) <= {user.municipality_id}


def may_change_mission(user: User, mission: Mission) -> bool:
    if _regional_leader(user) or (user.has_role(Role.LEADER) and mission.owner_id == user.id):
        return True
    return user.has_role(Role.ADMIN) and (
        user.municipality_id is None or set(mission.municipality_ids) <= {user.municipality_id}
    )


def may_steer_mission(user: User, mission: Mission) -> bool:
    return _regional_leader(user) or (user.has_role(Role.LEADER) and mission.owner_id == user.id)


def may_own_mission(owner: User) -> bool:
    return owner.active and owner.has_role(Role.LEADER)


def mission_filter(user: User) -> ColumnElement[bool]:
    """The missions the user may see (a WHERE on Mission)."""
    if not may_read_missions(user):
        return Mission.id.is_(None)
    if user.municipality_id is None:
        return true()
    counts_own = exists(
        select(MissionMunicipality.id).where(
            MissionMunicipality.mission_id == Mission.id,
            MissionMunicipality.municipality_id == user.municipality_id,
        )
    )
    return or_(counts_own, Mission.owner_id == user.id)


def suppressed_mission(user: User, mission: Mission) -> bool:
    """Whether the user reads the mission's figures suppressed: everyone but an auditor whose
    scope holds all of its municipalities (a municipal auditor of a wider mission would get the
    other municipalities' sum, their own line taken off it, unsuppressed)."""
    if not user.has_role(Role.AUDITOR):
        return True
    return user.municipality_id is not None and not (
        set(mission.municipality_ids) <= {user.municipality_id}
    )


def visible_lines(user: User, mission: Mission) -> set[int]:
    """The municipalities whose lines of the mission the user sees."""
    if user.municipality_id is None or mission.owner_id == user.id:
        return set(mission.municipality_ids)
    return {user.municipality_id} & set(mission.municipality_ids)
