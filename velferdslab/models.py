"""Imports every model so that the metadata (Alembic, create_all, tests) sees all tables."""

from velferdslab.archive.models import ArchiveRecord, ArchiveSettings
from velferdslab.assessments.models import Assessment, LevelDescription, ProgressNote
from velferdslab.assumptions.models import AssumptionSet, CostItem
from velferdslab.audit.checkpoints import AuditCheckpoint
from velferdslab.audit.models import AuditEvent
from velferdslab.auth.models import LoginFailure, UsedAssertion
from velferdslab.budgets.models import Budget, Contribution, Expenditure
from velferdslab.db import Base
from velferdslab.evidence.models import CohortReading, ComparisonCohort, Preregistration
from velferdslab.families.models import Consent, ConsentAgency, Family, Member, TeamMembership
from velferdslab.family_portal.models import AccessFlag, FamilyComment, FamilyReading, FamilySession
from velferdslab.gains.models import EngineStamp
from velferdslab.imports.models import ImportRun
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
    "AccessFlag",
    "AccessRequest",
    "Agency",
    "AnonymisedFamily",
    "ApiToken",
    "ArchiveRecord",
    "ArchiveSettings",
    "Assessment",
    "AssumptionSet",
    "AuditCheckpoint",
    "AuditEvent",
    "Base",
    "Budget",
    "CohortReading",
    "ComparisonCohort",
    "ConfidentialNote",
    "Consent",
    "ConsentAgency",
    "Contribution",
    "CostItem",
    "EngineStamp",
    "Expenditure",
    "Family",
    "FamilyComment",
    "FamilyReading",
    "FamilySession",
    "Goal",
    "ImportRun",
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
    "Preregistration",
    "ProgressNote",
    "RetentionPolicy",
    "RetentionSweep",
    "TeamMembership",
    "UsedAssertion",
    "User",
    "UserRole",
    "metadata",
]
