"""A signed ASiC-E container (ETSI EN 319 162-1, CAdES flavour) as KS's `fiks-asice` writes it:
`mimetype` first and stored, the files, `META-INF/asicmanifest.xml` listing each file with its
SHA-256, and `META-INF/signature-<uuid>.p7s`, a detached CMS signature of that manifest."""

from __future__ import annotations

import base64
import hashlib
import io
import uuid
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from velferdslab.archive import cms

MIMETYPE = "application/vnd.etsi.asic-e+zip"
MANIFEST = "META-INF/asicmanifest.xml"
SIGNATURE_TYPE = "application/x-pkcs7-signature"
ASIC = "http://uri.etsi.org/2918/v1.2.1#"
DSIG = "http://www.w3.org/2000/09/xmldsig#"
SHA256 = f"{DSIG}sha256"
TYPES = {".xml": "application/xml", ".pdf": "application/pdf"}


class InvalidContainer(ValueError):
    """Not an ASiC-E, or one whose signature or file digests do not hold."""


@dataclass(frozen=True)
class Opened:
    files: dict[str, bytes]  # the signed files, by name (no mimetype, no META-INF)
    signer: x509.Certificate | None  # None: the container carried no signature


def files_of(package: bytes) -> dict[str, bytes]:
    """The data files of a zip (the unsigned package the outbox makes), in its order."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {
            name: archive.read(name)
            for name in archive.namelist()
            if name != "mimetype" and not name.startswith("META-INF/")
        }


def manifest(files: dict[str, bytes], signature_name: str) -> bytes:
    ET.register_namespace("cades", ASIC)
    ET.register_namespace("sig", DSIG)
    root = ET.Element(f"{{{ASIC}}}ASiCManifest")
    ET.SubElement(root, f"{{{ASIC}}}SigReference", URI=signature_name, MimeType=SIGNATURE_TYPE)
    for name, content in files.items():
        kind = TYPES.get(name[name.rfind(".") :].lower(), "application/octet-stream")
        entry = ET.SubElement(root, f"{{{ASIC}}}DataObjectReference", URI=name, MimeType=kind)
        ET.SubElement(entry, f"{{{DSIG}}}DigestMethod", Algorithm=SHA256)
        digest = base64.b64encode(hashlib.sha256(content).digest()).decode()
        ET.SubElement(entry, f"{{{DSIG}}}DigestValue").text = digest
    xml: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return xml


def sign(
    package: bytes,
    private_key: rsa.RSAPrivateKey,
    certificate: x509.Certificate,
    container_id: str,
) -> bytes:
    """The package's files in a container signed with the sender's key; `container_id` names
    the signature file (a stable uuid per record: a resend names it the same)."""
    files = files_of(package)
    signature_name = f"META-INF/signature-{uuid.uuid5(uuid.NAMESPACE_URL, container_id)}.p7s"
    listed = manifest(files, signature_name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_entry("mimetype", zipfile.ZIP_STORED), MIMETYPE)
        for name, content in files.items():
            archive.writestr(_entry(name, zipfile.ZIP_DEFLATED), content)
        archive.writestr(_entry(MANIFEST, zipfile.ZIP_DEFLATED), listed)
        signature = cms.sign_detached(listed, private_key, certificate)
        archive.writestr(_entry(signature_name, zipfile.ZIP_DEFLATED), signature)
    return buffer.getvalue()


def _entry(name: str, compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = compression
    info.external_attr = 0o644 << 16
    return info


def open_container(container: bytes, *, signed: bool = True) -> Opened:
    """The files of a container whose manifest's signature and every file's digest hold (and
    that holds no file its manifest does not list). `signed=False` also takes a plain zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(container)) as archive:
            entries = {name: archive.read(name) for name in archive.namelist()}
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise InvalidContainer(f"not a zip: {error}") from error
    files = {n: c for n, c in entries.items() if n != "mimetype" and not n.startswith("META-INF/")}
    if MANIFEST not in entries:
        if signed:
            raise InvalidContainer("no META-INF/asicmanifest.xml: the container is not signed")
        return Opened(files, None)
    if entries.get("mimetype") != MIMETYPE.encode():
        raise InvalidContainer("the mimetype is not ASiC-E")
    try:
        root = ET.fromstring(entries[MANIFEST])  # noqa: S314  (no DTDs are read)
    except ET.ParseError as error:
        raise InvalidContainer(f"unreadable manifest: {error}") from error
    reference = root.find(f"{{{ASIC}}}SigReference")
    signature = entries.get(reference.get("URI", "")) if reference is not None else None
    if signature is None:
        raise InvalidContainer("the manifest names no signature in the container")
    try:
        signer = cms.verify_detached(signature, entries[MANIFEST])
    except cms.CmsError as error:
        raise InvalidContainer(f"the signature does not hold: {error}") from error
    listed = set()
    for entry in root.findall(f"{{{ASIC}}}DataObjectReference"):
        name = entry.get("URI", "")
        method = entry.find(f"{{{DSIG}}}DigestMethod")
        value = entry.findtext(f"{{{DSIG}}}DigestValue") or ""
        if name not in files:
            raise InvalidContainer(f"{name} is listed but missing")
        if method is None or method.get("Algorithm") not in (
            SHA256,
            "http://www.w3.org/2001/04/xmlenc#sha256",
        ):
            raise InvalidContainer(f"{name}: not a SHA-256 digest")
        if base64.b64decode(value) != hashlib.sha256(files[name]).digest():
            raise InvalidContainer(f"{name} was changed after it was signed")
        listed.add(name)
    if set(files) - listed:
        raise InvalidContainer(f"not signed: {', '.join(sorted(set(files) - listed))}")
    return Opened(files, signer)
