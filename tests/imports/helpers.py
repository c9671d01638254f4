"""Uploading a file to /imports as a lead would, and counting what is stored."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.factories import auth
from velferdslab.assessments.models import Assessment
from velferdslab.audit.models import AuditEvent
from velferdslab.budgets.models import Budget, Contribution, Expenditure
from velferdslab.db import AnySession
from velferdslab.families.models import Family, Member, TeamMembership
from velferdslab.plans.models import Goal
from velferdslab.users.models import User

RECORDS = (
    Family, Member, TeamMembership, Assessment, Budget, Contribution, Expenditure, Goal,
    AuditEvent,
)  # fmt: skip


def upload(
    client: FlaskClient,
    session: AnySession,
    user: User,
    content: bytes,
    name: str = "lab.xlsx",
    *,
    dry_run: bool,
    language: str = "nb",
    headers: dict[str, str] | None = None,
) -> Any:
    # The body made here, in memory: the test client would spool a large one to a temporary
    # file that it leaves open (as tests/reports/test_verify_upload_limit.py notes).
    boundary = "import-boundary-2025"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        f"/api/v1/imports?dry_run={'true' if dry_run else 'false'}&language={language}",
        data=body,
        headers=headers or auth(session, user),
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def counts(session: AnySession) -> dict[str, int]:
    return {
        model.__name__: int(session.scalar(select(func.count()).select_from(model)) or 0)
        for model in RECORDS
    }


def family_of(session: AnySession, reference: str) -> Family:
    return session.scalars(select(Family).where(Family.external_reference == reference)).one()
