"""API schema of a family's archive status (GET /families/{id}/archive)."""

from __future__ import annotations

import marshmallow as ma

from velferdslab.api.common import Date, Timestamp
from velferdslab.archive.models import ArchiveKind, ArchiveState


class ArchiveItemSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String(
        metadata={"enum": [k.value for k in ArchiveKind], "description": "What the record is."}
    )
    title = ma.fields.String(metadata={"description": "The archive's title: no names."})
    status = ma.fields.String(
        metadata={
            "enum": [s.value for s in ArchiveState],
            "description": "queued → sent → received → receipted, or failed (retried).",
        }
    )
    external_key = ma.fields.String(
        metadata={"description": "referanseEksternNoekkel/noekkel (fagsystem Velferdslab)."}
    )
    archive_id = ma.fields.String(
        allow_none=True, metadata={"description": "The archive's systemID, from its receipt."}
    )
    journal_number = ma.fields.String(
        allow_none=True, metadata={"description": "journalår/journalsekvensnummer."}
    )
    occurred_on = Date()
    created_at = Timestamp()
    sent_at = Timestamp(allow_none=True)
    received_at = Timestamp(allow_none=True)
    receipt_at = Timestamp(allow_none=True)
    attempts = ma.fields.Integer()
    failures = ma.fields.Integer()
    error = ma.fields.String(allow_none=True, metadata={"description": "The archive's last error."})
    document_sha256 = ma.fields.String(allow_none=True)


class ArchiveSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ArchiveItemSchema))
