"""Protecting personal fields: a keyed lookup hash and AES-256-GCM encryption, from one key.

The master key (32 random bytes, hex or base64, in an environment variable) never touches the
database. Two sub-keys are derived from it with HKDF-SHA256: one for HMAC-SHA256 lookup hashes
(find a user by ID number without storing it), one for AES-256-GCM. Each ciphertext is bound to
its row and field through the associated data, so a value copied to another row fails to decrypt,
and it names the key it was made with (``v1.<key id>.<base64>``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping

from hegui.errors import ConfigError, HeguiError, MissingExtraError

try:  # the gateway extra; listing users and verifying the log work without it
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    HAVE_CRYPTOGRAPHY = True
except ImportError:  # pragma: no cover - depends on the installation
    HAVE_CRYPTOGRAPHY = False

_VERSION = "v1"
_NONCE = 12


class DecryptionError(HeguiError):
    """A ciphertext cannot be decrypted: another key, another row, or tampered."""


def _derive(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)


def parse_key(text: str) -> bytes:
    """The 32 bytes of a master key given as 64 hex digits or base64 (standard or URL-safe)."""
    value = text.strip()
    if len(value) == 64:
        try:
            return bytes.fromhex(value)
        except ValueError:
            pass
    try:
        raw = base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_", validate=False)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ConfigError(
            "the gateway key must be 32 random bytes as 64 hex digits or base64; create one "
            "with `hegui gateway keygen`"
        )
    return raw


class FieldCipher:
    """Lookup hashes and encryption of personal fields (see the module docstring)."""

    def __init__(self, master: bytes) -> None:
        if not HAVE_CRYPTOGRAPHY:
            raise MissingExtraError("encrypting personal data (cryptography)", "gateway")
        if len(master) != 32:
            raise ConfigError("the gateway key must be 32 bytes")
        self._mac_key = _derive(master, b"hegui-gateway lookup v1")
        enc_key = _derive(master, b"hegui-gateway encrypt v1")
        self._aead = AESGCM(enc_key)
        self.key_id = hashlib.sha256(enc_key).hexdigest()[:8]

    @classmethod
    def from_env(cls, name: str, environ: Mapping[str, str] | None = None) -> FieldCipher:
        """The cipher for the key in environment variable ``name``."""
        value = (os.environ if environ is None else environ).get(name, "")
        if not value.strip():
            raise ConfigError(
                f"the environment variable {name} holding the gateway key is not set; create a "
                f"key with `hegui gateway keygen` and `export {name}=<key>` (keep it secret and "
                "backed up: without it, stored ID and phone numbers cannot be read)",
                field="gateway.identity.key_env",
            )
        return cls(parse_key(value))

    @staticmethod
    def generate_key() -> str:
        """A new random master key, as 64 hex digits."""
        return secrets.token_hex(32)

    def lookup_hash(self, kind: str, value: str) -> str:
        """HMAC-SHA256 of a normalised value, per kind (``id``, ``phone``), as hex."""
        message = kind.encode() + b"\x00" + value.encode()
        return hmac.new(self._mac_key, message, hashlib.sha256).hexdigest()

    def encrypt(self, value: str, *, context: str) -> str:
        """AES-256-GCM ciphertext of ``value``, bound to ``context`` (e.g. ``users/u_1/id``)."""
        nonce = os.urandom(_NONCE)
        sealed = self._aead.encrypt(nonce, value.encode(), context.encode())
        token = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
        return f"{_VERSION}.{self.key_id}.{token}"

    def decrypt(self, token: str, *, context: str) -> str:
        """The plain value of :meth:`encrypt`'s output, for the same ``context``."""
        try:
            version, key_id, data = token.split(".", 2)
        except ValueError:
            raise DecryptionError("not a hegui ciphertext") from None
        if version != _VERSION:
            raise DecryptionError(f"unknown ciphertext version {version!r}")
        if key_id != self.key_id:
            raise DecryptionError(
                f"encrypted with key {key_id}, but the configured key is {self.key_id}"
            )
        try:
            raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
            plain = self._aead.decrypt(raw[:_NONCE], raw[_NONCE:], context.encode())
        except (InvalidTag, binascii.Error, ValueError):
            raise DecryptionError("the ciphertext does not decrypt (tampered or moved)") from None
        return plain.decode()
