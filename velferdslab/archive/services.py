"""What the pages and the API ask of the archive: a family's records, the outbox with its
failures, a municipality's settings (changed with an audit event), a record sent again, and
what retention and the access package need."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any

from flask import current_app
from sqlalchemy import select

from velferdslab import policy
from velferdslab.archive.models import (
    DEFAULT_KINDS,
    ArchiveKind,
    ArchiveRecord,
    ArchiveSettings,
    ArchiveState,
)
from velferdslab.archive.titles import STATE_LABELS, kind_label, title
from velferdslab.audit.log import record
from velferdslab.db import AnySession
from velferdslab.errors import Conflict, Text, ValidationFailed
from velferdslab.families.models import Family
from velferdslab.users.models import User

SETTINGS_FIELDS = (
    "administrative_unit",
    "classification_system",
    "class_id",
    "screening",
    "access_restriction",
    "screening_authority",
    "national_ids",
    "kinds",
)


def family_records(session: AnySession, family_id: int) -> list[ArchiveRecord]:
    statement = select(ArchiveRecord).where(ArchiveRecord.family_id == family_id)
    return list(session.scalars(statement.order_by(ArchiveRecord.id)))


def item(record: ArchiveRecord) -> dict[str, Any]:
    """One record as the API and the pages show it: no name, no document."""
    return {
        "id": record.id,
        "kind": record.kind.value,
        "kind_label": kind_label(record.kind),
        "title": title(record.snapshot.get("reference", ""), record.kind, record.occurred_on),
        "status": record.state.value,
        "external_key": record.key,
        "archive_id": record.archive_system_id,
        "journal_number": record.journal_number,
        "occurred_on": record.occurred_on,
        "created_at": record.created_at,
        "sent_at": record.sent_at,
        "received_at": record.received_at,
        "receipt_at": record.receipted_at,
        "attempts": record.attempts,
        "failures": record.failures,
        "error": record.error,
        "document_sha256": record.document_sha256,
    }


def page_items(session: AnySession, family_id: int) -> dict[str, Any]:
    """The family page's "what was archived when", with the states' names."""
    return {"rows": [item(r) for r in family_records(session, family_id)], "states": STATE_LABELS}


def outbox(session: AnySession, user: User, today: dt.date) -> dict[str, Any]:
    """The admin's outbox: counts by state, and the failures of the families the admin may see
    (those past the alert threshold first); a strictly confidential family's are only counted."""
    visible = policy.visible_families(user, "archive.read", today)
    rows = session.execute(
        select(ArchiveRecord, Family.reference, visible.label("visible"))
        .join(Family, Family.id == ArchiveRecord.family_id)
        .where(policy.scope_filter(user, ArchiveRecord.municipality_id))
        .order_by(ArchiveRecord.id.desc())
    ).all()
    counts = Counter(record.state.value for record, _reference, _visible in rows)
    alert_after = int(current_app.config.get("ARCHIVE_ALERT_AFTER_FAILURES", 3))
    failed = [
        (record, reference)
        for record, reference, shown in rows
        if shown and record.error and record.state is not ArchiveState.RECEIPTED
    ]
    hidden = sum(1 for record, _r, shown in rows if not shown and record.failures)
    failed.sort(key=lambda pair: (pair[0].failures < alert_after, -pair[0].id))
    return {
        "counts": dict(counts),
        "failures": [
            {**item(record), "reference": reference, "alert": record.failures >= alert_after}
            for record, reference in failed
        ],
        "hidden_failures": hidden,
        "alerts": sum(1 for record, _r in failed if record.failures >= alert_after),
        "transport": current_app.config.get("ARCHIVE_TRANSPORT", "off"),
    }


def settings_row(session: AnySession, municipality_id: int) -> ArchiveSettings:
    row = session.scalar(
        select(ArchiveSettings).where(ArchiveSettings.municipality_id == municipality_id)
    )
    if row is None:
        row = ArchiveSettings(municipality_id=municipality_id, kinds=list(DEFAULT_KINDS))
        for name, column in ArchiveSettings.__table__.columns.items():
            if (
                getattr(row, name) is None
                and column.default is not None
                and not callable(column.default.arg)
            ):
                setattr(row, name, column.default.arg)
    return row


def save_settings(
    session: AnySession, municipality_id: int, data: Mapping[str, Any]
) -> ArchiveSettings:
    """Change what is given (a partial change keeps the rest); screening on needs its code and
    its legal basis, as they will stand after the change."""
    unknown = sorted(set(data.get("kinds", ())) - {kind.value for kind in ArchiveKind})
    if unknown:
        raise ValidationFailed(Text("Unknown kind of record."), {"kinds": [", ".join(unknown)]})
    row = settings_row(session, municipality_id)
    after = {name: data.get(name, getattr(row, name)) for name in SETTINGS_FIELDS}
    if after["screening"] and not (after["access_restriction"] and after["screening_authority"]):
        raise ValidationFailed(
            Text("Screening needs an access restriction and its legal basis."),
            {"screening_authority": [Text("Required while screening is on.")]},
        )
    changed = sorted(name for name in SETTINGS_FIELDS if getattr(row, name) != after[name])
    for name in changed:
        setattr(row, name, after[name])
    session.add(row)
    session.flush()
    record(session, "update", "archive_settings", row.id, details={"fields": changed})
    return row


def send_again(session: AnySession, row: ArchiveRecord) -> None:
    """The admin's retry of a record that failed too often: once more, with the same key."""
    if row.state is not ArchiveState.FAILED:
        raise Conflict(Text("Only a failed record is sent again."), {"status": [row.state.value]})
    row.state = ArchiveState.QUEUED
    session.flush()
    record(
        session,
        "retry",
        "archive_record",
        row.id,
        family_id=row.family_id,
        details={"key": row.key, "failures": row.failures},
    )


def for_access_package(session: AnySession, family_id: int) -> list[dict[str, Any]]:
    """The family's records sent to the archive, for its access package (titled in bokmål,
    the archive's language, and readable outside a request)."""
    return [
        {
            "kind": record.kind.value,
            "title": title(record.snapshot.get("reference", ""), record.kind, record.occurred_on),
            "status": record.state.value,
            "occurred_on": record.occurred_on,
            "sent_at": record.sent_at,
            "receipt_at": record.receipted_at,
            "journal_number": record.journal_number,
            "external_key": record.key,
        }
        for record in family_records(session, family_id)
        if record.sent_at is not None
    ]


def forget_local_copies(session: AnySession, family_id: int) -> int:
    """On anonymisation: the archive keeps what it holds (nothing is recalled from it), and the
    lab drops its own copies of receipted records' names and documents; what is not yet
    receipted stays, so that it still reaches the archive as it was. The list remains."""
    count = 0
    for row in family_records(session, family_id):
        if row.state is ArchiveState.RECEIPTED:
            row.snapshot = {
                key: value
                for key, value in row.snapshot.items()
                if key in ("reference", "protection", "concluded_on")
            }
            row.document = None
            count += 1
    session.flush()
    return count
