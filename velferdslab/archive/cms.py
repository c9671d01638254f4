"""CMS (RFC 5652) as KS's Fiks clients write it, with `cryptography` for the primitives and
`asn1crypto` for the structures.

- **EnvelopedData** (a Fiks IO payload): the content encrypted with AES-256-CBC under a fresh
  key, the key encrypted to the recipient's certificate with RSAES-OAEP (SHA-256, MGF1-SHA-256,
  empty label) — what `ks-no/kryptering`'s `CMSKrypteringImpl` does. `cryptography`'s own
  `PKCS7EnvelopeBuilder` only does RSA PKCS#1 v1.5 key transport, hence the structures here.
  Decryption accepts OAEP and PKCS#1 v1.5 recipients and, as KS's clients, AES-256-CBC only.
- **SignedData**, detached (an ASiC-E's `META-INF/signature-*.p7s`): SHA-256 with RSA over
  signed attributes (content type, signing time, message digest, and the CAdES
  signing-certificate-v2), the signer's certificate included.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import padding as rsa_padding
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# asn1crypto.tsp adds CAdES' signing-certificate-v2 (RFC 5035) to the CMS attributes it knows.
SIGNING_CERTIFICATE_V2 = tsp.SigningCertificateV2
HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
}


class CmsError(ValueError):
    """Not a CMS structure we can open, not for our key, or not what it claims to be."""


def _certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _issuer_and_serial(certificate: asn1_x509.Certificate) -> cms.IssuerAndSerialNumber:
    """How CMS names a certificate, for the recipient of an envelope as for a signer."""
    return cms.IssuerAndSerialNumber(
        {"issuer": certificate.issuer, "serial_number": certificate.serial_number}
    )


def _oaep_sha256() -> cms.KeyEncryptionAlgorithm:
    sha256 = {"algorithm": "sha256", "parameters": core.Null()}
    return cms.KeyEncryptionAlgorithm(
        {
            "algorithm": "rsaes_oaep",
            "parameters": algos.RSAESOAEPParams(
                {
                    "hash_algorithm": sha256,
                    "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": sha256},
                    "p_source_algorithm": {"algorithm": "p_specified", "parameters": b""},
                }
            ),
        }
    )


def encrypt(content: bytes, recipient: x509.Certificate) -> bytes:
    """DER ContentInfo(EnvelopedData) that only the holder of `recipient`'s key can open."""
    public_key = recipient.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise CmsError("the recipient's certificate has no RSA key")
    key, iv = os.urandom(32), os.urandom(16)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(content) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    encrypted = encryptor.update(padded) + encryptor.finalize()
    oaep = rsa_padding.OAEP(rsa_padding.MGF1(hashes.SHA256()), hashes.SHA256(), None)
    certificate = _certificate(recipient)
    recipient_info = cms.KeyTransRecipientInfo(
        {
            "version": "v0",
            "rid": cms.RecipientIdentifier(
                name="issuer_and_serial_number", value=_issuer_and_serial(certificate)
            ),
            "key_encryption_algorithm": _oaep_sha256(),
            "encrypted_key": public_key.encrypt(key, oaep),
        }
    )
    enveloped = cms.EnvelopedData(
        {
            "version": "v0",
            "recipient_infos": [cms.RecipientInfo(name="ktri", value=recipient_info)],
            "encrypted_content_info": {
                "content_type": "data",
                "content_encryption_algorithm": {"algorithm": "aes256_cbc", "parameters": iv},
                "encrypted_content": encrypted,
            },
        }
    )
    der: bytes = cms.ContentInfo({"content_type": "enveloped_data", "content": enveloped}).dump()
    return der


def _unwrap_key(info: cms.KeyTransRecipientInfo, private_key: rsa.RSAPrivateKey) -> bytes:
    algorithm = info["key_encryption_algorithm"]
    name = algorithm["algorithm"].native
    pad: rsa_padding.AsymmetricPadding
    if name == "rsaes_oaep":
        params = algorithm["parameters"]
        digest = HASHES.get(params["hash_algorithm"]["algorithm"].native)
        mask = params["mask_gen_algorithm"]["parameters"]["algorithm"].native
        if digest is None or mask not in HASHES:
            raise CmsError("an OAEP hash we do not know")
        label = params["p_source_algorithm"]["parameters"].native or None
        pad = rsa_padding.OAEP(rsa_padding.MGF1(HASHES[mask]()), digest(), label)
    elif name in ("rsaes_pkcs1v15", "rsa"):
        pad = rsa_padding.PKCS1v15()
    else:
        raise CmsError(f"key transport {name} is not RSA")
    key: bytes = private_key.decrypt(info["encrypted_key"].native, pad)
    return key


def decrypt(der: bytes, private_key: rsa.RSAPrivateKey) -> bytes:
    """The content of a DER ContentInfo(EnvelopedData) encrypted to our key."""
    try:
        info = cms.ContentInfo.load(der)
        if info["content_type"].native != "enveloped_data":
            raise CmsError(f"not EnvelopedData but {info['content_type'].native}")
        enveloped = info["content"]
        content = enveloped["encrypted_content_info"]
        algorithm = content["content_encryption_algorithm"]
        if algorithm["algorithm"].native != "aes256_cbc":
            raise CmsError(f"content encrypted with {algorithm['algorithm'].native}, not AES-256")
        key = None
        for recipient in enveloped["recipient_infos"]:
            if recipient.name != "ktri":
                continue
            try:
                key = _unwrap_key(recipient.chosen, private_key)
                break
            except ValueError:
                continue  # another recipient's key
        if key is None:
            raise CmsError("encrypted to someone else")
        decryptor = Cipher(algorithms.AES(key), modes.CBC(algorithm["parameters"].native))
        opened = decryptor.decryptor()
        padded = opened.update(content["encrypted_content"].native) + opened.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        return unpadder.update(padded) + unpadder.finalize()
    except CmsError:
        raise
    except (ValueError, TypeError, KeyError) as error:
        raise CmsError(f"unreadable EnvelopedData: {type(error).__name__}") from error


def sign_detached(
    content: bytes, private_key: rsa.RSAPrivateKey, certificate: x509.Certificate
) -> bytes:
    """DER ContentInfo(SignedData) over `content`, which travels beside it (detached)."""
    signer = _certificate(certificate)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    signing_certificate = {
        "certs": [{"cert_hash": hashlib.sha256(signer.dump()).digest()}],
    }
    attributes = cms.CMSAttributes(
        [
            {"type": "content_type", "values": ["data"]},
            {"type": "signing_time", "values": [cms.Time(name="utc_time", value=now)]},
            {"type": "message_digest", "values": [hashlib.sha256(content).digest()]},
            {"type": "signing_certificate_v2", "values": [signing_certificate]},
        ]
    )
    signature = private_key.sign(attributes.dump(), rsa_padding.PKCS1v15(), hashes.SHA256())
    signer_info = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                name="issuer_and_serial_number", value=_issuer_and_serial(signer)
            ),
            "digest_algorithm": {"algorithm": "sha256"},
            "signed_attrs": attributes,
            "signature_algorithm": {"algorithm": "sha256_rsa"},
            "signature": signature,
        }
    )
    signed = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [{"algorithm": "sha256"}],
            "encap_content_info": {"content_type": "data"},
            "certificates": [signer],
            "signer_infos": [signer_info],
        }
    )
    der: bytes = cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()
    return der


def verify_detached(signature: bytes, content: bytes) -> x509.Certificate:
    """The signer's certificate when `signature` is a valid SHA-256/RSA signature of `content`
    by the certificate it carries; CmsError otherwise. Whose certificate it is, the caller
    decides."""
    try:
        info = cms.ContentInfo.load(signature)
        if info["content_type"].native != "signed_data":
            raise CmsError("not SignedData")
        signed = info["content"]
        signer_infos = list(signed["signer_infos"])
        if len(signer_infos) != 1:
            raise CmsError(f"{len(signer_infos)} signers, expected one")
        signer_info = signer_infos[0]
        sid = signer_info["sid"].chosen
        certificate = next(
            (
                c.chosen
                for c in signed["certificates"]
                if c.name == "certificate"
                and c.chosen.issuer == sid["issuer"]
                and c.chosen.serial_number == sid["serial_number"].native
            ),
            None,
        )
        if certificate is None:
            raise CmsError("the signer's certificate is not in the signature")
        if signer_info["digest_algorithm"]["algorithm"].native != "sha256":
            raise CmsError("not signed over SHA-256")
        attributes = {a["type"].native: a["values"][0] for a in signer_info["signed_attrs"]}
        if attributes.get("message_digest") is None:
            raise CmsError("no message digest among the signed attributes")
        if attributes["message_digest"].native != hashlib.sha256(content).digest():
            raise CmsError("the signed content was changed")
        public = x509.load_der_x509_certificate(certificate.dump())
        key = public.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise CmsError("the signer's key is not RSA")
        signed_bytes = signer_info["signed_attrs"].untag().dump(force=True)
        key.verify(
            signer_info["signature"].native, signed_bytes, rsa_padding.PKCS1v15(), hashes.SHA256()
        )
        return public
    except CmsError:
        raise
    except InvalidSignature as error:
        raise CmsError("the signature does not match") from error
    except (ValueError, TypeError, KeyError) as error:
        raise CmsError(f"unreadable SignedData: {type(error).__name__}") from error
