"""The arkivmelding of every kind of family validates against KS's V2 schema: a plain family, a
strictly confidential (kode 6) one and one with 40 records; screening is on unless the
municipality turns it off (never for kode 6), and no title ever holds a member's name."""

from __future__ import annotations

import datetime as dt
import hashlib
import string
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.archive.conftest import enrolled_family
from tests.archive.helpers import NS, first, validate
from tests.factories import Lab
from velferdslab.archive import metadata
from velferdslab.archive.models import ArchiveKind, ArchiveRecord, ArchiveSettings
from velferdslab.archive.package import Settings, message_of, package
from velferdslab.archive.titles import public_title
from velferdslab.families import services as families
from velferdslab.families.models import Family
from velferdslab.vocabulary import Protection

FAKE_PDF = b"%PDF-1.7 not rendered here: tests/archive/test_folder_drop.py renders them\n"


def records_of(db: scoped_session, family: Family) -> list[ArchiveRecord]:
    statement = select(ArchiveRecord).where(ArchiveRecord.family_id == family.id)
    rows = list(db.scalars(statement.order_by(ArchiveRecord.id)))
    for row in rows:
        if row.kind is not ArchiveKind.FOLDER:
            row.document, row.document_name = FAKE_PDF, f"{row.key[:8]}.pdf"
            row.document_sha256 = hashlib.sha256(FAKE_PDF).hexdigest()
    return rows


def arkivmeldinger(db: scoped_session, family: Family) -> list[bytes]:
    from tests.archive.helpers import unzip

    return [unzip(package(db, row))["arkivmelding.xml"] for row in records_of(db, family)]


def consent(db: scoped_session, lab: Lab, family: Family, day: int = 16) -> None:
    families.record_consent(db, family, given_on=dt.date(2024, 1, day), agency_ids=[lab.nav.id])


def test_a_plain_family_validates_and_is_screened_by_default(
    db: scoped_session, lab: Lab, drop: Path
) -> None:
    family = enrolled_family(db, lab)
    consent(db, lab, family)
    folder, entry = (validate(xml) for xml in arkivmeldinger(db, family))
    for document in (folder, entry):
        assert first(document, "//a:skjerming/a:tilgangsrestriksjon/m:kode") == "13"
        assert first(document, "//a:skjermingshjemmel") == "Offl. § 13 jf. fvl. § 13"
    assert first(folder, "a:mappe/a:part/a:erSkjermet") == "true"
    assert not folder.xpath("//a:personID", namespaces=NS)  # no national id by default


def test_the_municipality_configures_screening_classification_and_ids(
    db: scoped_session, lab: Lab, drop: Path
) -> None:
    db.add(
        ArchiveSettings(
            municipality_id=lab.municipality.id,
            screening=False,
            national_ids=True,
            classification_system="KLASSE",
            class_id="F47",
            administrative_unit="Velferdslaben",
        )
    )
    family = enrolled_family(db, lab)
    consent(db, lab, family)
    folder, entry = (validate(xml) for xml in arkivmeldinger(db, family))
    assert not folder.xpath("//a:skjerming", namespaces=NS)
    assert first(folder, "a:mappe/a:part/a:personID/a:identifikator") == "15076500565"
    assert first(entry, "//a:korrespondansepart/a:personid") == "15076500565"
    assert first(entry, "a:registrering/a:klassifikasjon/a:klasseID") == "F47"
    assert first(folder, "a:mappe/a:administrativEnhet/m:navn") == "Velferdslaben"


def test_a_kode_6_family_is_screened_strictly_and_names_no_one(
    db: scoped_session, lab: Lab, drop: Path
) -> None:
    # Even where the municipality turned screening off and asked for national ids.
    db.add(ArchiveSettings(municipality_id=lab.municipality.id, screening=False, national_ids=True))
    family = enrolled_family(db, lab, protection=Protection.STRICTLY_CONFIDENTIAL)
    consent(db, lab, family)
    for xml in arkivmeldinger(db, family):
        document = validate(xml)
        text = xml.decode()
        assert "Kari" not in text and "Nordmann" not in text and "15076500565" not in text
        assert first(document, "//a:skjermingshjemmel") == "Offl. § 13 jf. fvl. § 13"
        assert not document.xpath(
            "//a:adresse|//a:postadresse|//a:postnummer|//a:poststed", namespaces=NS
        )
        names = document.xpath("//a:partNavn|//a:korrespondansepartNavn", namespaces=NS)
        assert names and {n.text for n in names} == {"Skjermet person"}


def test_a_family_with_40_records_validates_every_one(
    db: scoped_session, lab: Lab, drop: Path
) -> None:
    family = enrolled_family(db, lab)
    for day in range(1, 40):
        consent(db, lab, family, day=1 + day % 28)
    xmls = arkivmeldinger(db, family)
    assert len(xmls) == 40
    keys = set()
    for xml in xmls:
        document = validate(xml)
        keys.add(first(document, "(a:mappe|a:registrering)/a:referanseEksternNoekkel/m:noekkel"))
    assert len(keys) == 40


NAMES = st.text(alphabet=string.ascii_letters + "æøåÆØÅé -'", min_size=2, max_size=40).filter(
    lambda name: name.strip() != ""
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES, kind=st.sampled_from(list(ArchiveKind)), number=st.integers(1, 9999))
def test_no_title_holds_a_members_name(
    drop: Path, name: str, kind: ArchiveKind, number: int
) -> None:
    reference = f"ASK-2024-{number:04d}"
    members = [{"name": name, "relation": "parent", "national_id": "15076500565"}]
    folder = ArchiveRecord(
        key="f",
        kind=ArchiveKind.FOLDER,
        occurred_on=dt.date(2024, 1, 2),
        snapshot={"reference": reference, "lead": "", "members": members},
    )
    record = ArchiveRecord(
        key="r",
        kind=kind,
        occurred_on=dt.date(2024, 3, 1),
        created_at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
        snapshot={"reference": reference, "lead": "", "members": members},
    )
    folder.created_at = record.created_at
    message = message_of(record if kind is not ArchiveKind.FOLDER else folder, folder, Settings())
    document = validate(metadata.build(message))
    public = first(document, "//a:offentligTittel") or ""
    # The title is the reference and the kind alone: the same whatever the member is called.
    assert public == public_title(reference, kind)
    if name.strip() not in public_title(reference, kind):
        assert name.strip() not in public
        assert name.strip() not in (first(document, "(a:mappe|a:registrering)/a:tittel") or "")
