"""The Ed25519 key that signs the audit checkpoints: made once, kept out of the database (a key
file or a secret in the environment), and its public half that checks them."""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class CheckpointKeyError(RuntimeError):
    """The signing or public key is missing or unreadable."""


def generate_key_pair(directory: Path) -> tuple[Path, Path]:
    """A new signing key (PEM, readable by its owner only) and its public key beside it."""
    directory.mkdir(parents=True, exist_ok=True)
    private_path = directory / "audit-signing-key.pem"
    public_path = directory / "audit-public-key.pem"
    if private_path.exists():
        raise CheckpointKeyError(f"{private_path} exists: refusing to overwrite a signing key")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    public_path.write_bytes(public_pem(key.public_key()))
    return private_path, public_path


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _load_private(data: bytes) -> Ed25519PrivateKey:
    stripped = data.strip()
    try:
        if stripped.startswith(b"-----BEGIN"):
            key = serialization.load_pem_private_key(stripped, password=None)
        else:  # the 32-byte seed in base64, e.g. from a secret store
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(stripped, validate=True))
    except (ValueError, TypeError, binascii.Error) as error:
        raise CheckpointKeyError(f"the audit signing key is unreadable: {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointKeyError("the audit signing key is not an Ed25519 key")
    return key


def load_public_key(data: bytes) -> Ed25519PublicKey:
    stripped = data.strip()
    try:
        if stripped.startswith(b"-----BEGIN PRIVATE"):
            return _load_private(stripped).public_key()
        if stripped.startswith(b"-----BEGIN"):
            key = serialization.load_pem_public_key(stripped)
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(stripped, validate=True))
    except (ValueError, TypeError, binascii.Error) as error:
        raise CheckpointKeyError(f"the audit public key is unreadable: {error}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointKeyError("the audit public key is not an Ed25519 key")
    return key


def signing_key(config: Mapping[str, Any]) -> Ed25519PrivateKey | None:
    """The configured signing key: AUDIT_SIGNING_KEY (PEM or base64 seed, from the
    environment) or AUDIT_SIGNING_KEY_FILE. None when neither is set."""
    secret = config.get("AUDIT_SIGNING_KEY")
    if secret:
        return _load_private(str(secret).encode())
    path = config.get("AUDIT_SIGNING_KEY_FILE")
    if not path and config.get("ENV") == "development":
        path = _development_key()
    if path:
        try:
            return _load_private(Path(path).read_bytes())
        except OSError as error:
            raise CheckpointKeyError(
                f"cannot read the audit signing key file {path}: {error}"
            ) from None
    return None


def _development_key() -> Path:
    """`make run` signs checkpoints out of the box: a key in the instance folder, made once.
    Development only; production names its key (docs/privacy.md)."""
    from velferdslab.settings import PROJECT_ROOT

    folder = PROJECT_ROOT / "instance"
    path = folder / "audit-signing-key.pem"
    if not path.exists():
        # another worker may make it this very moment
        with contextlib.suppress(CheckpointKeyError, FileExistsError):
            generate_key_pair(folder)
    return path


def public_key(config: Mapping[str, Any]) -> Ed25519PublicKey | None:
    """The key that checks checkpoints: AUDIT_PUBLIC_KEY_FILE, else the signing key's."""
    path = config.get("AUDIT_PUBLIC_KEY_FILE")
    if path:
        try:
            return load_public_key(Path(path).read_bytes())
        except OSError as error:
            raise CheckpointKeyError(
                f"cannot read the audit public key file {path}: {error}"
            ) from None
    private = signing_key(config)
    return None if private is None else private.public_key()
