"""A demo family's journey reaches the archive through the folder drop: a case folder with its
consent, plan, team change, spending decision, withdrawal and closing report, each valid against
KS's Fiks Arkiv V2 schema, screened, titled without names, with PDF/A documents that match
their SHA-256, and each stored once with the archive's journal number."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.archive.conftest import enrolled_family, whole_journey
from tests.archive.helpers import NS, Archive, check_documents, first, unzip, validate
from tests.factories import Lab
from tests.reports.helpers import pdf_metadata
from velferdslab.archive.models import ArchiveKind, ArchiveRecord, ArchiveState
from velferdslab.archive.outbox import run_once

SCREENING = "Offl. § 13 jf. fvl. § 13"


def test_a_demo_familys_case_reaches_the_archive_screened_valid_and_once(
    db: scoped_session, lab: Lab, drop: Path
) -> None:
    family = enrolled_family(db, lab)
    whole_journey(db, lab, family)
    records = db.scalars(
        select(ArchiveRecord).where(ArchiveRecord.family_id == family.id).order_by(ArchiveRecord.id)
    ).all()
    assert [r.kind for r in records] == [
        ArchiveKind.FOLDER,
        ArchiveKind.CONSENT_GIVEN,
        ArchiveKind.PLAN,
        ArchiveKind.TEAM_CHANGE,
        ArchiveKind.SPENDING_DECISION,
        ArchiveKind.CONSENT_WITHDRAWN,
        ArchiveKind.CONCLUSION,
    ]
    assert {r.state for r in records} == {ArchiveState.QUEUED}
    assert len({r.key for r in records}) == len(records)

    archive = Archive()
    # The folder first: the entries are filed into it, so they wait for its receipt.
    assert run_once().sent == 1
    folder_zip = (drop / f"{records[0].key}.zip").read_bytes()
    archive.import_folder(drop)
    assert run_once().sent == len(records) - 1
    (drop / f"{records[0].key}.zip").write_bytes(folder_zip)  # to look at it with the rest
    packages = {
        path.name.removesuffix(".zip"): unzip(path.read_bytes()) for path in drop.glob("*.zip")
    }
    assert set(packages) == {r.key for r in records}
    for record in records:
        files = packages[record.key]
        document = validate(files["arkivmelding.xml"])
        xml = files["arkivmelding.xml"].decode()
        # screened by default, on the folder, the entry and its document
        assert document.xpath("count(//a:skjerming)", namespaces=NS) >= 1
        assert all(
            h.text == SCREENING for h in document.xpath("//a:skjermingshjemmel", namespaces=NS)
        )
        assert all(s.text == "true" for s in document.xpath("//a:erSkjermet", namespaces=NS))
        # no national id unless the municipality configures it
        assert "15076500565" not in xml
        public = first(document, "//a:offentligTittel")
        assert public is not None and "Kari" not in public and "Nordmann" not in public
        assert "Kari" not in (first(document, "//a:tittel") or "")
        pdfs = check_documents(files, document)
        assert len(pdfs) == (0 if record.kind is ArchiveKind.FOLDER else 1)
        for pdf in pdfs:
            metadata = pdf_metadata(pdf)
            assert 'pdfaid:part="3"' in metadata and 'pdfaid:conformance="B"' in metadata
            assert pdf.startswith(b"%PDF")
    consent = validate(packages[records[1].key]["arkivmelding.xml"])
    assert first(consent, "//a:offentligTittel") == (
        f"Velferdslab – familie {family.reference} – samtykke"
    )
    assert first(consent, "a:registrering/a:journalposttype/m:kode") == "I"
    assert first(consent, "//a:referanseForelderMappe/m:referanseEksternNoekkel/m:noekkel") == (
        records[0].key
    )
    folder = validate(packages[records[0].key]["arkivmelding.xml"])
    assert first(folder, "a:mappe/a:saksansvarlig/m:navn") == (
        lab.lead.full_name or lab.lead.username
    )
    assert first(folder, "a:mappe/a:part/a:partNavn") == "Kari Nordmann"  # screened, no id

    (drop / f"{records[0].key}.zip").unlink()
    archive.import_folder(drop)
    assert run_once().answers == len(records) - 1
    for record in records:
        db.refresh(record)
        assert record.state is ArchiveState.RECEIPTED
        assert record.archive_system_id
    assert sorted(r.journal_number or "" for r in records[1:]) == [f"2026/{n}" for n in range(2, 8)]
    assert records[0].journal_number == "2026/1"  # the folder's case number (saksnummer)
    assert sorted(archive.stored) == sorted(r.key for r in records)
    # nothing left to send, nothing sent twice
    assert run_once().sent == 0 and len(archive.deliveries) == len(records)
