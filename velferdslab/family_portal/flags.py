"""The entries of their access log that families asked about, as the admin's privacy page
lists them: by family reference, when, and what the entry said (never who asked)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from velferdslab.audit.models import AuditEvent
from velferdslab.audit.presentation import action_label, entity_label
from velferdslab.db import AnySession
from velferdslab.families.models import Family
from velferdslab.family_portal.models import AccessFlag


@dataclass(frozen=True)
class Flag:
    reference: str
    flagged_at: dt.datetime
    entry_at: dt.datetime
    entry: str
    reason: str


def flags_for(session: AnySession, families: Any, limit: int = 50) -> list[Flag]:
    """`families`: a select of the family ids the admin may see by reference."""
    rows = session.execute(
        select(AccessFlag, Family.reference, AuditEvent)
        .join(Family, Family.id == AccessFlag.family_id)
        .join(AuditEvent, AuditEvent.id == AccessFlag.audit_event_id)
        .where(AccessFlag.family_id.in_(families))
        .order_by(AccessFlag.created_at.desc(), AccessFlag.id.desc())
        .limit(limit)
    ).all()
    return [
        Flag(reference, flag.created_at, event.at,
             f"{action_label(event.action)} {entity_label(event.entity)}", flag.reason)
        for flag, reference, event in rows
    ]  # fmt: skip
