"""Titles of archived records: the family's reference and what the record is, never a name
("Velferdslab – familie ASK-2024-0007 – samtykke"). Always in bokmål: the archive's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from velferdslab.archive.models import ArchiveKind
from velferdslab.formatting import format_date

KIND_LABELS: dict[ArchiveKind, Any] = {
    ArchiveKind.FOLDER: _l("case"),
    ArchiveKind.CONSENT_GIVEN: _l("consent"),
    ArchiveKind.CONSENT_WITHDRAWN: _l("consent withdrawn"),
    ArchiveKind.PLAN: _l("plan"),
    ArchiveKind.SPENDING_DECISION: _l("spending decision"),
    ArchiveKind.TEAM_CHANGE: _l("team change"),
    ArchiveKind.CONCLUSION: _l("conclusion with family report"),
    ArchiveKind.NOTE: _l("working note"),
}

# The outbox states as the pages name them.
STATE_LABELS: dict[str, Any] = {
    "queued": _l("queued"),
    "sent": _l("sent"),
    "received": _l("received by the archive"),
    "receipted": _l("stored by the archive"),
    "failed": _l("failed"),
}


def public_title(reference: str, kind: ArchiveKind) -> str:
    """offentligTittel: made of the reference and the kind alone, whatever the family holds."""
    with force_locale("nb"):
        return str(
            _l(
                "Velferdslab – family %(reference)s – %(what)s",
                reference=reference,
                what=KIND_LABELS[kind],
            )
        )


def title(reference: str, kind: ArchiveKind, on: dt.date) -> str:
    return f"{public_title(reference, kind)} {format_date(on)}"


def kind_label(kind: ArchiveKind | str) -> str:
    return str(KIND_LABELS[ArchiveKind(kind)])
