"""Imports every model so that the metadata (Alembic, create_all, tests) sees all tables."""

from velferdslab.assessments.models import Assessment, LevelDescription, ProgressNote
from velferdslab.assumptions.models import AssumptionSet, CostItem
from velferdslab.audit.models import AuditEvent
from velferdslab.auth.models import LoginFailure
from velferdslab.budgets.models import Budget, Contribution, Expenditure
from velferdslab.db import Base
from velferdslab.families.models import Consent, ConsentAgency, Family, Member, TeamMembership
from velferdslab.municipalities.models import Agency, Municipality
from velferdslab.plans.models import Goal, Measure
from velferdslab.reports.models import IssuedReport
from velferdslab.users.models import ApiToken, User, UserRole

metadata = Base.metadata

__all__ = [
    "Agency",
    "ApiToken",
    "Assessment",
    "AssumptionSet",
    "AuditEvent",
    "Base",
    "Budget",
    "Consent",
    "ConsentAgency",
    "Contribution",
    "CostItem",
    "Expenditure",
    "Family",
    "Goal",
    "IssuedReport",
    "LevelDescription",
    "LoginFailure",
    "Measure",
    "Member",
    "Municipality",
    "ProgressNote",
    "TeamMembership",
    "User",
    "UserRole",
    "metadata",
]
