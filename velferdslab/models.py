"""Imports every model so that the metadata (Alembic, create_all, tests) sees all tables."""

from velferdslab.assessments.models import Assessment, LevelDescription, ProgressNote
from velferdslab.assumptions.models import AssumptionSet, CostItem
from velferdslab.audit.checkpoints import AuditCheckpoint
from velferdslab.audit.models import AuditEvent
from velferdslab.auth.models import LoginFailure, UsedAssertion
from velferdslab.budgets.models import Budget, Contribution, Expenditure
from velferdslab.db import Base
from velferdslab.families.models import Consent, ConsentAgency, Family, Member, TeamMembership
from velferdslab.imports.models import ImportedFamily, ImportRun
from velferdslab.missions.models import Mission, MissionDecision, MissionMunicipality, MissionTarget
from velferdslab.municipalities.models import Agency, Municipality
from velferdslab.plans.models import Goal, Measure
from velferdslab.privacy.models import (
    AccessRequest,
    AnonymisedFamily,
    ConfidentialNote,
    LegalHold,
    MemberProtection,
    RetentionPolicy,
    RetentionSweep,
)
from velferdslab.reports.models import IssuedReport
from velferdslab.users.models import ApiToken, User, UserRole

metadata = Base.metadata

__all__ = [
    "AccessRequest",
    "Agency",
    "AnonymisedFamily",
    "ApiToken",
    "Assessment",
    "AssumptionSet",
    "AuditCheckpoint",
    "AuditEvent",
    "Base",
    "Budget",
    "ConfidentialNote",
    "Consent",
    "ConsentAgency",
    "Contribution",
    "CostItem",
    "Expenditure",
    "Family",
    "Goal",
    "ImportRun",
    "ImportedFamily",
    "IssuedReport",
    "LegalHold",
    "LevelDescription",
    "LoginFailure",
    "Measure",
    "Member",
    "MemberProtection",
    "Mission",
    "MissionDecision",
    "MissionMunicipality",
    "MissionTarget",
    "Municipality",
    "ProgressNote",
    "RetentionPolicy",
    "RetentionSweep",
    "TeamMembership",
    "UsedAssertion",
    "User",
    "UserRole",
    "metadata",
]
