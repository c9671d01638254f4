"""The archive's answers in Fiks Arkiv V2's shapes: `arkivmeldingKvittering` (stored, with the
archive's system id and journal number) and the error messages `ugyldigforespoersel` /
`serverfeil` (feilId, feilmelding). Read here; written too, for the folder drop's documentation
and for a test archive."""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree import ElementTree as ET

from velferdslab.archive.metadata import MDK, SYSTEM, XSI

RECEIPT_NS = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/kvittering/v2"
ERROR_BASE_NS = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/feil/feilmelding/v2"
ERROR_NS = {
    "ugyldigforespoersel": "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/feil/ugyldigforespoersel/v2",
    "serverfeil": "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/feil/serverfeil/v2",
}
RECEIVED, RECEIPT, ERROR = "mottatt", "kvittering", "feilmelding"


class UnreadableReply(ValueError):
    """An answer that is neither a receipt nor an error message of Fiks Arkiv V2."""


@dataclass(frozen=True)
class Reply:
    kind: str  # RECEIVED, RECEIPT or ERROR
    key: str | None = None  # referanseEksternNoekkel/noekkel, when the answer names it
    system_id: str | None = None
    journal_number: str | None = None
    error: str | None = None


def _text(element: ET.Element | None, path: str, namespaces: dict[str, str]) -> str | None:
    found = element.find(path, namespaces) if element is not None else None
    return found.text.strip() if found is not None and found.text else None


def read(xml: bytes) -> Reply:
    try:
        root = ET.fromstring(xml)  # noqa: S314  (our own archive's answer; no DTDs are read)
    except ET.ParseError as error:
        raise UnreadableReply(str(error)) from error
    ns = {"k": RECEIPT_NS, "m": MDK, "f": ERROR_BASE_NS}
    if root.tag == f"{{{RECEIPT_NS}}}arkivmeldingKvittering":
        entry = root.find("k:registreringKvittering", ns)
        folder = root.find("k:mappeKvittering", ns)
        for failed in (root.find("k:registreringFeilet", ns), root.find("k:mappeFeilet", ns)):
            if failed is not None:
                return Reply(ERROR, error=_error_text(failed, ns))
        answered = entry if entry is not None else folder
        # An entry's journal number; a folder's case number (saksår/sakssekvensnummer).
        year, number = _text(entry, "k:journalaar", ns), _text(entry, "k:journalsekvensnummer", ns)
        if entry is None:
            year, number = _text(folder, "k:saksaar", ns), _text(folder, "k:sakssekvensnummer", ns)
        return Reply(
            RECEIPT,
            key=_text(answered, "k:referanseEksternNoekkel/m:noekkel", ns),
            system_id=_text(answered, "k:systemID", ns),
            journal_number=f"{year}/{number}" if year and number else None,
        )
    for name, namespace in ERROR_NS.items():
        if root.tag == f"{{{namespace}}}{name}":
            return Reply(ERROR, error=_error_text(root, ns))
    raise UnreadableReply(f"not a Fiks Arkiv answer: {root.tag[:120]}")


def _error_text(element: ET.Element, ns: dict[str, str]) -> str:
    code = _text(element, "f:feilId", ns) or "?"
    return f"{code}: {_text(element, 'f:feilmelding', ns) or ''}"[:2000]


def receipt_xml(
    key: str, system_id: str, year: int, number: int, *, folder: bool, existing: bool = False
) -> bytes:
    """An archive's kvittering for a folder (saksmappeKvittering) or an entry; `existing`: the
    archive had it already (a resend)."""
    ET.register_namespace("", RECEIPT_NS)
    ET.register_namespace("n5mdk", MDK)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(f"{{{RECEIPT_NS}}}arkivmeldingKvittering")
    part = ET.SubElement(
        root, f"{{{RECEIPT_NS}}}{'mappeKvittering' if folder else 'registreringKvittering'}"
    )
    part.set(f"{{{XSI}}}type", "saksmappeKvittering" if folder else "journalpostKvittering")
    ET.SubElement(part, f"{{{RECEIPT_NS}}}systemID").text = system_id
    external = ET.SubElement(part, f"{{{RECEIPT_NS}}}referanseEksternNoekkel")
    ET.SubElement(external, f"{{{MDK}}}fagsystem").text = SYSTEM
    ET.SubElement(external, f"{{{MDK}}}noekkel").text = key
    ET.SubElement(part, f"{{{RECEIPT_NS}}}opprettetEllerEksisterende").text = (
        "Eksisterende" if existing else "Opprettet"
    )
    if folder:
        ET.SubElement(part, f"{{{RECEIPT_NS}}}saksaar").text = str(year)
        ET.SubElement(part, f"{{{RECEIPT_NS}}}sakssekvensnummer").text = str(number)
    else:
        ET.SubElement(part, f"{{{RECEIPT_NS}}}journalaar").text = str(year)
        ET.SubElement(part, f"{{{RECEIPT_NS}}}journalsekvensnummer").text = str(number)
    xml: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return xml


def error_xml(error_id: str, text: str, kind: str = "ugyldigforespoersel") -> bytes:
    namespace = ERROR_NS[kind]
    ET.register_namespace("", namespace)
    ET.register_namespace("f", ERROR_BASE_NS)
    root = ET.Element(f"{{{namespace}}}{kind}")
    ET.SubElement(root, f"{{{ERROR_BASE_NS}}}feilId").text = error_id
    ET.SubElement(root, f"{{{ERROR_BASE_NS}}}feilmelding").text = text
    xml: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return xml
