"""The archive's side, for the tests: KS's vendored V2 schemas (schemas/, MIT, see LICENSE) and
a municipality archive that imports the folder drop the way docs/archive.md describes."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from velferdslab.archive.receipts import error_xml, receipt_xml

SCHEMAS = Path(__file__).parent / "schemas"
NS = {
    "a": "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v2",
    "m": "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v2",
}
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


@cache
def schema(name: str = "no.ks.fiks.arkiv.v2.arkivering.arkivmelding.opprett.xsd") -> Any:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def validate(
    xml: bytes, name: str = "no.ks.fiks.arkiv.v2.arkivering.arkivmelding.opprett.xsd"
) -> Any:
    """The parsed document; AssertionError with the schema's complaint when it is not valid."""
    document = etree.fromstring(xml)
    checker = schema(name)
    assert checker.validate(document), checker.error_log
    return document


def message_types() -> set[str]:
    listed = json.loads((SCHEMAS / "meldingstyper.json").read_text(encoding="utf-8-sig"))
    return {entry["id"] for entry in listed["meldingstyper"]}


def key_of(document: Any) -> str:
    found = document.xpath(
        "(a:mappe|a:registrering)/a:referanseEksternNoekkel/m:noekkel", namespaces=NS
    )
    return str(found[0].text)


def first(document: Any, path: str) -> str | None:
    found = document.xpath(path, namespaces=NS)
    return str(found[0].text) if found else None


def unzip(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        names = archive.namelist()
        assert names[0] == "mimetype"  # ASiC-E: the mime type first, stored
        assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        return {name: archive.read(name) for name in names}


def check_documents(files: dict[str, bytes], document: Any) -> list[bytes]:
    """Every document the arkivmelding lists is in the zip with its SHA-256 and size."""
    pdfs = []
    for item in document.xpath("//a:dokumentobjekt", namespaces=NS):
        name = item.findtext("a:referanseDokumentfil", namespaces=NS)
        content = files[name]
        assert hashlib.sha256(content).hexdigest() == item.findtext("a:sjekksum", namespaces=NS)
        assert item.findtext("a:sjekksumAlgoritme", namespaces=NS) == "SHA256"
        assert int(item.findtext("a:filstoerrelse", namespaces=NS)) == len(content)
        pdfs.append(content)
    assert int(document.findtext("a:antallFiler", namespaces=NS)) == len(pdfs)
    return pdfs


@dataclass
class Archive:
    """The municipality's archive: one stored record per external key, however often sent."""

    stored: dict[str, dict[str, Any]] = field(default_factory=dict)
    deliveries: list[str] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # keys answered with an error message
    journal: int = 0

    def receive(self, package: bytes) -> tuple[str, bytes]:
        files = unzip(package)
        document = validate(files["arkivmelding.xml"])
        key = key_of(document)
        self.deliveries.append(key)
        if key in self.refuse:
            return key, error_xml(str(uuid.uuid4()), "Ukjent klassifikasjon")
        is_folder = bool(document.xpath("a:mappe", namespaces=NS))
        existing = key in self.stored
        if not existing:
            self.journal += 1
            self.stored[key] = {"document": document, "files": files, "journal": self.journal}
        system_id = str(uuid.uuid5(uuid.NAMESPACE_URL, key))
        number = self.stored[key]["journal"]
        answer = receipt_xml(key, system_id, 2026, number, folder=is_folder, existing=existing)
        validate(answer, "no.ks.fiks.arkiv.v2.arkivering.arkivmelding.opprett.kvittering.xsd")
        return key, answer

    def import_folder(self, folder: Path) -> None:
        """Take every zip and answer beside it, as an archive importing the folder does."""
        for path in sorted(folder.glob("*.zip")):
            key, answer = self.receive(path.read_bytes())
            suffix = "feilmelding" if key in self.refuse else "kvittering"
            (folder / f"{key}.{suffix}.xml").write_bytes(answer)
            path.unlink()
