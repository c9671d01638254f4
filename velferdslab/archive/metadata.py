"""The arkivmelding.xml of one record, from plain data: a saksmappe for the family's folder, a
journalpost (in that folder, found by its external key) for every other record.

Written for KS's Fiks Arkiv V2 schema `no.ks.fiks.arkiv.v2.arkivering.arkivmelding.opprett.xsd`
(the tests validate every message against it). Saksår, sekvensnummer and journal numbers are
left to the archive. Screening: V2 has no `skjermingMetadata` in an arkivmelding; a screened
record carries `skjerming` (tilgangsrestriksjon and skjermingshjemmel) on the folder, the entry
and its document, and `erSkjermet` on every party and class. Titles never hold a name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

NS = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v2"
# The metadata catalogue: the children of its types (kode, eksternNoekkel, identifikatorer …).
MDK = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SYSTEM = "Velferdslab"
MESSAGE_TYPE = "no.ks.fiks.arkiv.v2.arkivering.arkivmelding.opprett"


@dataclass(frozen=True)
class Party:
    name: str
    role: str  # partRolle for a folder's party; korrespondanseparttype for an entry's
    national_id: str | None = None


@dataclass(frozen=True)
class Screening:
    restriction: str  # tilgangsrestriksjon, e.g. "13"
    authority: str  # skjermingshjemmel, e.g. "Offl. § 13 jf. fvl. § 13"


@dataclass(frozen=True)
class Document:
    title: str
    file_name: str  # referanseDokumentfil: the name inside the zip
    sha256: str
    size: int


@dataclass(frozen=True)
class Message:
    key: str  # referanseEksternNoekkel/noekkel of this record
    folder_key: str  # the family's saksmappe (the same as `key` for the folder itself)
    title: str
    public_title: str
    created_at: dt.datetime
    on: dt.date
    entry_type: str | None = None  # journalposttype; None: the message is the folder
    administrative_unit: str = ""
    case_officer: str = ""  # saksansvarlig: the family's lead
    classification_system: str = ""
    class_id: str = ""
    screening: Screening | None = None
    parties: tuple[Party, ...] = ()
    documents: tuple[Document, ...] = field(default_factory=tuple)
    closed: bool = False


def _add(
    parent: ET.Element, name: str, text: object | None = None, namespace: str = NS
) -> ET.Element:
    element = ET.SubElement(parent, f"{{{namespace}}}{name}")
    if text is not None:
        element.text = str(text)
    return element


def _code(parent: ET.Element, name: str, code: str, description: str | None = None) -> None:
    element = _add(parent, name)
    _add(element, "kode", code, MDK)
    if description:
        _add(element, "beskrivelse", description, MDK)


def _external_key(parent: ET.Element, name: str, key: str, namespace: str = NS) -> None:
    element = _add(parent, name, namespace=namespace)
    _add(element, "fagsystem", SYSTEM, MDK)
    _add(element, "noekkel", key, MDK)


def _screening(parent: ET.Element, screening: Screening | None) -> None:
    if screening is not None:
        element = _add(parent, "skjerming")
        _code(element, "tilgangsrestriksjon", screening.restriction)
        _add(element, "skjermingshjemmel", screening.authority)


def _classification(parent: ET.Element, message: Message) -> None:
    if message.class_id:
        element = _add(parent, "klassifikasjon")
        if message.classification_system:
            _add(element, "klassifikasjonssystemID", message.classification_system)
        _add(element, "klasseID", message.class_id)
        _add(element, "erSkjermet", "true" if message.screening else "false")


def _screened(message: Message) -> str:
    return "true" if message.screening else "false"


def build(message: Message) -> bytes:
    """The arkivmelding.xml bytes (UTF-8, with declaration)."""
    ET.register_namespace("", NS)
    ET.register_namespace("n5mdk", MDK)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(f"{{{NS}}}arkivmelding")
    _add(root, "system", SYSTEM)
    _add(root, "antallFiler", len(message.documents))
    if message.entry_type is None:
        _folder(root, message)
    else:
        _entry(root, message)
    ET.indent(root)
    xml: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return xml


def _folder(root: ET.Element, message: Message) -> None:
    folder = _add(root, "mappe")
    folder.set(f"{{{XSI}}}type", "saksmappe")
    _add(folder, "tittel", message.title)
    _add(folder, "offentligTittel", message.public_title)
    _add(folder, "opprettetDato", message.created_at.isoformat(timespec="seconds"))
    for party in message.parties:
        part = _add(folder, "part")
        _add(part, "partNavn", party.name)
        _code(part, "partRolle", party.role)
        if party.national_id:
            person = _add(part, "personID")
            _add(person, "landkode", "NO")
            _add(person, "identifikator", party.national_id)
        _add(part, "erSkjermet", _screened(message))
        _add(part, "erPersonnavn", "true")
    _screening(folder, message.screening)
    _classification(folder, message)
    _external_key(folder, "referanseEksternNoekkel", message.key)
    _add(folder, "saksdato", message.on.isoformat())
    if message.administrative_unit:
        _add(_add(folder, "administrativEnhet"), "navn", message.administrative_unit, MDK)
    if message.case_officer:
        _add(_add(folder, "saksansvarlig"), "navn", message.case_officer, MDK)
    _code(folder, "saksstatus", "A" if message.closed else "B")


def _entry(root: ET.Element, message: Message) -> None:
    entry = _add(root, "registrering")
    entry.set(f"{{{XSI}}}type", "journalpost")
    _add(entry, "opprettetDato", message.created_at.isoformat(timespec="seconds"))
    parent = _add(entry, "referanseForelderMappe")
    _external_key(parent, "referanseEksternNoekkel", message.folder_key, MDK)
    _screening(entry, message.screening)
    for number, document in enumerate(message.documents, start=1):
        _document(entry, message, document, number)
    _add(entry, "tittel", message.title)
    _add(entry, "offentligTittel", message.public_title)
    for party in message.parties:
        correspondent = _add(entry, "korrespondansepart")
        _code(correspondent, "korrespondanseparttype", party.role)
        _add(correspondent, "korrespondansepartNavn", party.name)
        if party.national_id:
            _add(correspondent, "personid", party.national_id)
        _add(correspondent, "erSkjermet", _screened(message))
    _classification(entry, message)
    _external_key(entry, "referanseEksternNoekkel", message.key)
    assert message.entry_type is not None
    _code(entry, "journalposttype", message.entry_type)
    _code(entry, "journalstatus", "F")
    _add(entry, "dokumentetsDato", message.on.isoformat())


def _document(entry: ET.Element, message: Message, document: Document, number: int) -> None:
    description = _add(entry, "dokumentbeskrivelse")
    _code(description, "dokumenttype", "SAK")
    _code(description, "dokumentstatus", "F")
    _add(description, "tittel", document.title)
    _code(description, "tilknyttetRegistreringSom", "H" if number == 1 else "V")
    _add(description, "dokumentnummer", number)
    _screening(description, message.screening)
    file = _add(description, "dokumentobjekt")
    _add(file, "versjonsnummer", 1)
    _code(file, "variantformat", "A", "Arkivformat")
    _code(file, "format", "RA-PDF", "PDF/A")
    _add(file, "mimeType", "application/pdf")
    _add(file, "filnavn", document.file_name)
    _add(file, "referanseDokumentfil", document.file_name)
    _add(file, "sjekksum", document.sha256)
    _add(file, "sjekksumAlgoritme", "SHA256")
    _add(file, "filstoerrelse", document.size)
