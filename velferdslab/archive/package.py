"""One record as the archive receives it: the arkivmelding's metadata from the record, the
municipality's settings and the family's folder, and the zip of arkivmelding.xml and the
document (shaped as an ASiC-E container: `mimetype` first, then the files, then
META-INF/manifest.xml). The same record always makes the same bytes."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

from sqlalchemy import select

from velferdslab.archive import metadata
from velferdslab.archive.models import (
    DEFAULT_KINDS,
    ArchiveKind,
    ArchiveRecord,
    ArchiveSettings,
)
from velferdslab.archive.titles import public_title, title
from velferdslab.db import AnySession, as_utc
from velferdslab.vocabulary import Protection

ASIC_MIMETYPE = "application/vnd.etsi.asic-e+zip"
PAYLOAD = "arkivmelding.xml"
SCREENED_PERSON = "Skjermet person"
# journalposttype: what comes in from the family (I) or stays inside the lab (N: to be
# followed up, X: not).
ENTRY_TYPES = {
    ArchiveKind.CONSENT_GIVEN: "I",
    ArchiveKind.CONSENT_WITHDRAWN: "I",
    ArchiveKind.PLAN: "N",
    ArchiveKind.SPENDING_DECISION: "X",
    ArchiveKind.TEAM_CHANGE: "X",
    ArchiveKind.CONCLUSION: "X",
    ArchiveKind.NOTE: "X",
}
FOLDER_ROLES = {"parent": "K", "child": "K", "youth": "K", "other_adult": "P"}


@dataclass(frozen=True)
class Settings:
    """A municipality's archive settings, or the defaults when it has none."""

    administrative_unit: str = ""
    classification_system: str = ""
    class_id: str = ""
    screening: bool = True
    access_restriction: str = "13"
    screening_authority: str = "Offl. § 13 jf. fvl. § 13"
    national_ids: bool = False
    kinds: tuple[str, ...] = field(default=DEFAULT_KINDS)


def settings_for(session: AnySession, municipality_id: int) -> Settings:
    row = session.scalar(
        select(ArchiveSettings).where(ArchiveSettings.municipality_id == municipality_id)
    )
    if row is None:
        return Settings()
    return Settings(
        row.administrative_unit,
        row.classification_system,
        row.class_id,
        row.screening,
        row.access_restriction,
        row.screening_authority,
        row.national_ids,
        tuple(row.kinds),
    )


def folder_of(session: AnySession, record: ArchiveRecord) -> ArchiveRecord:
    if record.kind is ArchiveKind.FOLDER:
        return record
    folder = session.scalar(
        select(ArchiveRecord).where(
            ArchiveRecord.family_id == record.family_id, ArchiveRecord.kind == ArchiveKind.FOLDER
        )
    )
    assert folder is not None, "every archived record's family has its folder"
    return folder


def message_of(
    record: ArchiveRecord, folder: ArchiveRecord, settings: Settings
) -> metadata.Message:
    strict = record.snapshot.get("protection") == Protection.STRICTLY_CONFIDENTIAL
    # A strictly confidential (kode 6) family: always screened, no name and no id of a member
    # leaves the lab, and nothing that could lead to an address.
    screening = metadata.Screening(settings.access_restriction, settings.screening_authority)
    reference = record.snapshot["reference"]
    documents: tuple[metadata.Document, ...] = ()
    if record.document_sha256 is not None and record.document_name is not None:
        size = len(record.document or b"")
        documents = (
            metadata.Document(
                title(reference, record.kind, record.occurred_on),
                record.document_name,
                record.document_sha256,
                size,
            ),
        )
    return metadata.Message(
        key=record.key,
        folder_key=folder.key,
        title=title(reference, record.kind, record.occurred_on),
        public_title=public_title(reference, record.kind),
        created_at=as_utc(record.created_at),
        on=record.occurred_on,
        entry_type=ENTRY_TYPES.get(record.kind),
        administrative_unit=settings.administrative_unit,
        case_officer=record.snapshot.get("lead", ""),
        classification_system=settings.classification_system,
        class_id=settings.class_id,
        screening=screening if settings.screening or strict else None,
        parties=_parties(record, folder, settings, strict),
        documents=documents,
    )


def _parties(
    record: ArchiveRecord, folder: ArchiveRecord, settings: Settings, strict: bool
) -> tuple[metadata.Party, ...]:
    members = folder.snapshot.get("members", [])

    def person(member: dict[str, str], role: str) -> metadata.Party:
        if strict:
            return metadata.Party(SCREENED_PERSON, role)
        national_id = member.get("national_id") if settings.national_ids else None
        return metadata.Party(member["name"], role, national_id)

    if record.kind is ArchiveKind.FOLDER:
        return tuple(person(m, FOLDER_ROLES.get(m["relation"], "K")) for m in members)
    if record.kind in (ArchiveKind.CONSENT_GIVEN, ArchiveKind.CONSENT_WITHDRAWN):
        return tuple(person(m, "EA") for m in members if m["relation"] == "parent")
    lead = record.snapshot.get("lead")
    return (metadata.Party(lead, "IA"),) if lead else ()


def arkivmelding(session: AnySession, record: ArchiveRecord) -> bytes:
    settings = settings_for(session, record.municipality_id)
    return metadata.build(message_of(record, folder_of(session, record), settings))


def container(xml: bytes, documents: dict[str, bytes]) -> bytes:
    """The zip: `mimetype` stored first, arkivmelding.xml, the documents, the manifest. Fixed
    timestamps, so that a resend is byte for byte the first send."""
    files = {
        PAYLOAD: (xml, "application/xml"),
        **{name: (content, "application/pdf") for name, content in documents.items()},
    }
    manifest = "".join(
        f'<file-entry full-path={quoteattr(name)} media-type="{kind}"/>'
        for name, (_content, kind) in files.items()
    )
    manifest_xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest xmlns="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        f'<file-entry full-path="/" media-type="{ASIC_MIMETYPE}"/>{manifest}</manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_entry("mimetype", zipfile.ZIP_STORED), ASIC_MIMETYPE)
        for name, (content, _kind) in files.items():
            archive.writestr(_entry(name, zipfile.ZIP_DEFLATED), content)
        archive.writestr(_entry("META-INF/manifest.xml", zipfile.ZIP_DEFLATED), manifest_xml)
    return buffer.getvalue()


def _entry(name: str, compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = compression
    info.external_attr = 0o644 << 16  # readable by the archive's import, once unpacked
    return info


def package(session: AnySession, record: ArchiveRecord) -> bytes:
    documents = {}
    if record.document_name is not None and record.document is not None:
        documents[record.document_name] = record.document
    return container(arkivmelding(session, record), documents)
