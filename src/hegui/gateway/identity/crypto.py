"""Protecting personal fields: a keyed lookup hash and AES-256-GCM encryption, from one key.

The master key (32 random bytes, hex or base64, in an environment variable) never touches the
database. Two sub-keys are derived from it with HKDF-SHA256: one for HMAC-SHA256 lookup hashes
(find a user by ID number without storing it), one for AES-256-GCM. Each ciphertext is bound to
its row and field through the associated data, so a value copied to another row fails to decrypt,
and it names the key it was made with (``v1.<key id>.<base64>``).

Rotation: a new master key encrypts and hashes; the previous keys (``identity.previous_key_envs``)
still decrypt and are tried in lookups, until ``hegui users rekey`` has re-encrypted and re-hashed
every stored value with the new key (:mod:`hegui.gateway.identity.rekey`). Then drop them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping, Sequence

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

    def __init__(self, master: bytes, previous: Sequence[bytes] = ()) -> None:
        if not HAVE_CRYPTOGRAPHY:
            raise MissingExtraError("encrypting personal data (cryptography)", "gateway")
        if any(len(key) != 32 for key in (master, *previous)):
            raise ConfigError("the gateway key must be 32 bytes")
        self._mac_keys: list[bytes] = []
        self._aeads: dict[str, AESGCM] = {}
        for key in (master, *previous):
            enc_key = _derive(key, b"hegui-gateway encrypt v1")
            key_id = hashlib.sha256(enc_key).hexdigest()[:8]
            if key_id not in self._aeads:
                self._aeads[key_id] = AESGCM(enc_key)
                self._mac_keys.append(_derive(key, b"hegui-gateway lookup v1"))
        self.key_id = next(iter(self._aeads))
        """The id of the current key, which encrypts; earlier keys only decrypt."""
        self._aead = self._aeads[self.key_id]

    @classmethod
    def from_env(
        cls, name: str, environ: Mapping[str, str] | None = None, previous: Sequence[str] = ()
    ) -> FieldCipher:
        """The cipher for the key in environment variable ``name``, with the earlier keys in
        the variables ``previous`` (during a rotation)."""
        env = os.environ if environ is None else environ
        value = env.get(name, "")
        if not value.strip():
            raise ConfigError(
                f"the environment variable {name} holding the gateway key is not set; create a "
                f"key with `hegui gateway keygen` and `export {name}=<key>` (keep it secret and "
                "backed up: without it, stored ID and phone numbers cannot be read)",
                field="gateway.identity.key_env",
            )
        missing = [p for p in previous if not env.get(p, "").strip()]
        if missing:
            raise ConfigError(
                f"the environment variable {missing[0]} (a previous gateway key) is not set; "
                "set it until `hegui users rekey` has run, then remove it from the list",
                field="gateway.identity.previous_key_envs",
            )
        return cls(parse_key(value), [parse_key(env[p]) for p in previous])

    @property
    def key_ids(self) -> tuple[str, ...]:
        """The current key's id, then the previous keys'."""
        return tuple(self._aeads)

    def needs_rekey(self, token: str) -> bool:
        """True when ``token`` was encrypted with a key other than the current one."""
        return token.split(".", 2)[1:2] != [self.key_id]

    @staticmethod
    def generate_key() -> str:
        """A new random master key, as 64 hex digits."""
        return secrets.token_hex(32)

    def lookup_hash(self, kind: str, value: str) -> str:
        """HMAC-SHA256 of a normalised value, per kind (``id``, ``phone``), as hex (current key)."""
        return self.lookup_hashes(kind, value)[0]

    def lookup_hashes(self, kind: str, value: str) -> list[str]:
        """The lookup hash under the current key, then under each previous key: a search
        matches rows not yet re-keyed."""
        message = kind.encode() + b"\x00" + value.encode()
        return [hmac.new(k, message, hashlib.sha256).hexdigest() for k in self._mac_keys]

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
        aead = self._aeads.get(key_id)
        if aead is None:
            raise DecryptionError(
                f"encrypted with key {key_id}, but the configured keys are "
                f"{', '.join(self._aeads)}; after a key change, name the old key's variable in "
                "gateway.identity.previous_key_envs"
            )
        try:
            raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
            plain = aead.decrypt(raw[:_NONCE], raw[_NONCE:], context.encode())
        except (InvalidTag, binascii.Error, ValueError):
            raise DecryptionError("the ciphertext does not decrypt (tampered or moved)") from None
        return plain.decode()
