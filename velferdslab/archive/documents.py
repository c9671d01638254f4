"""The document of an archived record: a PDF/A made by the one PDF helper (velferdslab.reports.pdf)
from the record's snapshot; the conclusion carries the family report as of the conclusion day.
Made once, before the first attempt, and resent unchanged (same bytes, same SHA-256)."""

from __future__ import annotations

import datetime as dt
import hashlib

from flask_babel import force_locale

from velferdslab.archive.models import ArchiveKind, ArchiveRecord
from velferdslab.archive.titles import title
from velferdslab.assumptions.services import get_set
from velferdslab.db import as_utc
from velferdslab.extensions import db
from velferdslab.families.models import Family
from velferdslab.reports.content import family_content
from velferdslab.reports.pdf import Stamp, render_pdf

LANGUAGE = "nb"  # the archive's language


def file_name(record: ArchiveRecord) -> str:
    return f"{record.kind.value.replace('_', '-')}-{record.key[:8]}.pdf"


def make_document(record: ArchiveRecord) -> None:
    """Render and keep the record's PDF/A and its SHA-256 (a folder has no document)."""
    if record.kind is ArchiveKind.FOLDER or record.document_sha256 is not None:
        return
    heading = title(record.snapshot["reference"], record.kind, record.occurred_on)
    stamp = Stamp(record.id, as_utc(record.created_at), heading)
    with force_locale(LANGUAGE):
        if record.kind is ArchiveKind.CONCLUSION:
            pdf = _family_report(record, stamp)
        else:
            data = {
                "title": heading,
                "key": record.key,
                "kind": record.kind.value,
                "s": record.snapshot,
                "on": record.occurred_on,
            }
            pdf = render_pdf("archive_record.html", data, stamp=stamp, language=LANGUAGE)
    record.document = pdf
    record.document_name = file_name(record)
    record.document_sha256 = hashlib.sha256(pdf).hexdigest()


def _family_report(record: ArchiveRecord, stamp: Stamp) -> bytes:
    family = db.session.get(Family, record.family_id)
    assert family is not None
    as_of = dt.date.fromisoformat(record.snapshot["concluded_on"])
    content = family_content(family, as_of, get_set(db.session, None), lambda _progress: None)
    content = {**content, "period_start": as_of, "period_end": as_of}
    return render_pdf("family.html", content, stamp=stamp, language=LANGUAGE)
