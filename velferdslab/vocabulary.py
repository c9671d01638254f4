"""The fixed vocabulary of the domain spec: domains, levels and the enumerations stored by value."""

from __future__ import annotations

from enum import StrEnum

# Ordinal order matters: index = level number (0 worst … 3 best).
LEVELS: tuple[str, ...] = ("unsustainable", "exposed", "stable", "sustainable")
LEVEL_NUMBER: dict[str, int] = {name: number for number, name in enumerate(LEVELS)}

DOMAINS: tuple[str, ...] = (
    "housing",
    "work",
    "school",
    "network",
    "finance",
    "health",
    "childhood",
)


class FamilyStatus(StrEnum):
    REFERRED = "referred"
    ACTIVE = "active"
    CONCLUDED = "concluded"
    WITHDRAWN = "withdrawn"


class Protection(StrEnum):
    NONE = "none"
    CONFIDENTIAL = "confidential"
    STRICTLY_CONFIDENTIAL = "strictly_confidential"


class Relation(StrEnum):
    PARENT = "parent"
    CHILD = "child"
    YOUTH = "youth"
    OTHER_ADULT = "other_adult"


class Role(StrEnum):
    ADMIN = "admin"
    INVESTMENT_LEAD = "investment_lead"
    TEAM_MEMBER = "team_member"
    LEADER = "leader"
    AUDITOR = "auditor"


class TeamRole(StrEnum):
    LEAD = "lead"
    MEMBER = "member"


class AgencyKind(StrEnum):
    NAV = "nav"
    CHILD_WELFARE = "child_welfare"
    HOUSING = "housing"
    HEALTH = "health"
    SCHOOL = "school"
    KINDERGARTEN = "kindergarten"
    PPT = "ppt"
    POLICE = "police"
    REFUGEE = "refugee"
    ECONOMIC_ADVICE = "economic_advice"
    VOLUNTARY = "voluntary"
    OTHER = "other"


class GovernmentLevel(StrEnum):
    MUNICIPAL = "municipal"
    COUNTY = "county"
    STATE = "state"
    VOLUNTARY = "voluntary"
    PRIVATE = "private"


class ExpenditureStatus(StrEnum):
    APPROVED = "approved"
    PENDING = "pending"
    REJECTED = "rejected"


class MeasureStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class Payer(StrEnum):
    MUNICIPAL = "municipal"
    COUNTY = "county"
    STATE = "state"
    HOUSEHOLD = "household"
    SOCIETY = "society"


PUBLIC_PAYERS: frozenset[str] = frozenset({Payer.MUNICIPAL, Payer.COUNTY, Payer.STATE})


class Category(StrEnum):
    FISCAL = "fiscal"
    ECONOMIC = "economic"
    SOCIAL = "social"


class Confidence(StrEnum):
    A = "A"
    B = "B"
    C = "C"


class OverallRule(StrEnum):
    LOWEST = "lowest"
    MEDIAN = "median"


class ReportKind(StrEnum):
    FAMILY = "family"
    PORTFOLIO = "portfolio"
    AUDIT = "audit"
    ACCESS = "access"
    MISSION = "mission"


def values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)
