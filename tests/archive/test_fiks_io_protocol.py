"""Fiks IO's protocol, piece by piece: the payload encrypted as KS's clients encrypt it (only the
archive account's key opens it), the ASiC-E signed (a changed container is refused), the
Maskinporten token fetched by a signed grant, kept, and renewed before it expires, and the
transport refusing to start without its settings."""

from __future__ import annotations

import io
import json
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from asn1crypto import cms as asn1_cms

from tests.archive.fake_fiks_io import ACCOUNT, RECIPIENT, FakeFiksIo
from tests.archive.helpers import Archive
from tests.archive.keys import party
from velferdslab.archive import asice, cms
from velferdslab.archive.maskinporten import Maskinporten
from velferdslab.archive.package import container
from velferdslab.archive.transports import TransportError, transport_from

XML = b'<?xml version="1.0"?><arkivmelding>Skjermet</arkivmelding>'


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeFiksIo]:
    """Only the HTTP side (token endpoint, catalogue): no broker needed."""
    fake = FakeFiksIo(Archive(), tmp_path / "fiks-io")
    yield fake
    fake.close()


def signed_package() -> bytes:
    sender = party("virksomhet")
    package = container(XML, {"dokument.pdf": b"%PDF-1.7 samtykke"})
    return asice.sign(package, sender.key, sender.certificate, "noekkel-1")


def rezip(signed: bytes, change: dict[str, bytes]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(signed)) as source:
        files = {name: source.read(name) for name in source.namelist()}
    files.update(change)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, content in files.items():
            target.writestr(name, content)
    return buffer.getvalue()


def test_the_payload_opens_only_with_the_archive_accounts_key() -> None:
    archive, stranger = party("arkivkonto"), party("konto")
    payload = signed_package()
    encrypted = cms.encrypt(payload, archive.certificate)
    assert b"arkivmelding" not in encrypted and b"samtykke" not in encrypted
    assert cms.decrypt(encrypted, archive.key) == payload
    with pytest.raises(cms.CmsError, match="someone else"):
        cms.decrypt(encrypted, stranger.key)
    # As KS's kryptering: AES-256-CBC content, RSAES-OAEP with SHA-256 for the key.
    enveloped = asn1_cms.ContentInfo.load(encrypted)["content"]
    content = enveloped["encrypted_content_info"]["content_encryption_algorithm"]
    recipient = enveloped["recipient_infos"][0].chosen["key_encryption_algorithm"]
    assert content["algorithm"].native == "aes256_cbc"
    assert recipient["algorithm"].native == "rsaes_oaep"
    assert recipient["parameters"]["hash_algorithm"]["algorithm"].native == "sha256"
    assert len(cms.encrypt(payload, archive.certificate)) == len(encrypted)  # fresh key, IV
    assert cms.encrypt(payload, archive.certificate) != encrypted


def test_the_container_is_signed_by_the_sender_and_a_changed_one_is_refused() -> None:
    signed = signed_package()
    names = zipfile.ZipFile(io.BytesIO(signed)).namelist()
    assert names[0] == "mimetype" and "META-INF/asicmanifest.xml" in names
    assert any(n.startswith("META-INF/signature-") and n.endswith(".p7s") for n in names)
    opened = asice.open_container(signed)
    assert opened.signer == party("virksomhet").certificate
    assert opened.files == {"arkivmelding.xml": XML, "dokument.pdf": b"%PDF-1.7 samtykke"}

    changed_document = rezip(signed, {"dokument.pdf": b"%PDF-1.7 endret"})
    with pytest.raises(asice.InvalidContainer, match="changed after it was signed"):
        asice.open_container(changed_document)
    manifest = zipfile.ZipFile(io.BytesIO(signed)).read("META-INF/asicmanifest.xml")
    changed_manifest = rezip(signed, {"META-INF/asicmanifest.xml": manifest + b" "})
    with pytest.raises(asice.InvalidContainer, match="signature does not hold"):
        asice.open_container(changed_manifest)
    with pytest.raises(asice.InvalidContainer, match=r"not signed: tillegg\.pdf"):
        asice.open_container(rezip(signed, {"tillegg.pdf": b"%PDF"}))
    with pytest.raises(asice.InvalidContainer, match="not signed"):
        asice.open_container(container(XML, {}))


def test_fiks_io_refuses_a_container_signed_by_another_virksomhet(fake: FakeFiksIo) -> None:
    other = party("konto")
    signed = asice.sign(container(XML, {}), other.key, other.certificate, "k")
    fake.tokens["gyldig"] = float("inf")
    metadata = {
        "avsenderKontoId": ACCOUNT,
        "mottakerKontoId": RECIPIENT,
        "meldingType": "no.ks.fiks.arkiv.v2.arkivering.arkivmelding.opprett",
    }
    answer = requests.post(
        f"{fake.url}/fiks-io/api/v1/send",
        headers={
            "Authorization": "Bearer gyldig",
            "IntegrasjonId": fake.integration_id,
            "IntegrasjonPassord": "integrasjonspassord-test",
        },
        files={
            "metadata": (None, json.dumps(metadata), "application/json"),
            "data": ("k", cms.encrypt(signed, fake.recipient.certificate)),
        },
        timeout=30,
    )
    assert answer.status_code == 400
    assert "signert av en annen virksomhet" in answer.json()["feilmelding"]
    assert fake.archive.deliveries == []


def maskinporten(fake: FakeFiksIo, clock: list[float], who: str = "virksomhet") -> Maskinporten:
    signer = party(who)
    settings = fake.settings()
    return Maskinporten(
        token_url=settings["ARCHIVE_FIKS_IO_MASKINPORTEN_URL"],
        client_id=settings["ARCHIVE_FIKS_IO_MASKINPORTEN_CLIENT_ID"],
        audience=settings["ARCHIVE_FIKS_IO_MASKINPORTEN_AUDIENCE"],
        scope="ks:fiks",
        private_key=signer.key,
        certificate=signer.certificate,
        clock=lambda: clock[0],
    )


def test_the_token_is_fetched_once_kept_and_renewed_before_it_expires(fake: FakeFiksIo) -> None:
    clock = [time.time()]
    fake.clock = lambda: clock[0]
    source = maskinporten(fake, clock)
    first = source.token()
    assert source.token() == first and fake.token_requests == 1  # kept
    clock[0] += 50
    assert source.token() == first and fake.token_requests == 1  # a 120 s token, 70 s left
    clock[0] += 15
    second = source.token()  # 55 s left: renewed a minute before it would expire
    assert second != first and fake.token_requests == 2
    clock[0] += 300
    assert fake.tokens[second] < clock[0]  # long expired at Maskinporten
    third = source.token()
    assert third not in (first, second) and fake.token_requests == 3
    assert len(fake.seen_jti) == 3  # each grant its own jti: none was replayed


def test_a_grant_signed_by_another_key_gets_no_token(fake: FakeFiksIo) -> None:
    source = maskinporten(fake, [time.time()], who="konto")  # its own certificate in x5c
    with pytest.raises(TransportError, match="refused"):
        source.token()
    assert fake.tokens == {}


def test_without_its_settings_the_fiks_io_transport_refuses_clearly() -> None:
    with pytest.raises(TransportError) as refused:
        transport_from({"ARCHIVE_TRANSPORT": "fiks-io"})
    message = str(refused.value)
    assert message.startswith("ARCHIVE_TRANSPORT=fiks-io cannot send without")
    for name in ("ACCOUNT_ID", "SIGNING_KEY", "SIGNING_CERTIFICATE", "ACCOUNT_PRIVATE_KEY"):
        assert f"VELFERDSLAB_ARCHIVE_FIKS_IO_{name}" in message


def test_openssl_opens_our_envelope_and_verifies_our_signature_and_we_open_its_oaep(
    tmp_path: Path,
) -> None:
    """An independent CMS implementation agrees: what we encrypt and sign, OpenSSL's `cms`
    decrypts and verifies; what it encrypts with RSA-OAEP SHA-256 and AES-256, we open."""
    archive = party("arkivkonto")
    (tmp_path / "arkiv.key").write_bytes(archive.key_pem)
    (tmp_path / "arkiv.crt").write_bytes(archive.certificate_pem)
    (tmp_path / "melding.der").write_bytes(cms.encrypt(XML, archive.certificate))
    opened = openssl(tmp_path, "-decrypt", "-inform", "DER", "-in", "melding.der",
                     "-inkey", "arkiv.key", "-recip", "arkiv.crt")  # fmt: skip
    assert opened == XML

    (tmp_path / "manifest.xml").write_bytes(XML)
    (tmp_path / "signatur.p7s").write_bytes(
        cms.sign_detached(XML, archive.key, archive.certificate)
    )
    openssl(tmp_path, "-verify", "-binary", "-inform", "DER", "-in", "signatur.p7s",
            "-content", "manifest.xml", "-noverify")  # fmt: skip
    (tmp_path / "manifest.xml").write_bytes(XML + b" ")
    with pytest.raises(subprocess.CalledProcessError):
        openssl(tmp_path, "-verify", "-binary", "-inform", "DER", "-in", "signatur.p7s",
                "-content", "manifest.xml", "-noverify")  # fmt: skip

    (tmp_path / "svar.xml").write_bytes(XML)
    openssl(tmp_path, "-encrypt", "-binary", "-aes256", "-in", "svar.xml", "-outform", "DER",
            "-out", "svar.der", "-recip", "arkiv.crt", "-keyopt", "rsa_padding_mode:oaep",
            "-keyopt", "rsa_oaep_md:sha256", "-keyopt", "rsa_mgf1_md:sha256")  # fmt: skip
    assert cms.decrypt((tmp_path / "svar.der").read_bytes(), archive.key) == XML


def openssl(folder: Path, *arguments: str) -> bytes:
    done = subprocess.run(
        ["openssl", "cms", *arguments], cwd=folder, capture_output=True, check=True, timeout=60
    )
    return done.stdout
