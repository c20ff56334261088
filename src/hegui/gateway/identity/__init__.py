"""Real-name identity: users and API keys, verification, protected personal fields.

* :class:`UserStore` — users, keys, the enforcement ledger (database);
* :class:`FieldCipher` — keyed lookup hashes and AES-GCM encryption of ID/phone numbers;
* :class:`IdentityVerifier` — :class:`LocalVerifier` (formats, GB 11643 checksum) and
  :class:`HttpVerifier` (a real-name service).
"""

from hegui.gateway.identity.crypto import DecryptionError, FieldCipher, parse_key
from hegui.gateway.identity.records import (
    ApiKeyRecord,
    CreatedKey,
    EnforcementAction,
    EnforcementRecord,
    Principal,
    UserRecord,
    UserStatus,
)
from hegui.gateway.identity.users import UserError, UserStore, key_digest, minor_until
from hegui.gateway.identity.verify import (
    HttpVerifier,
    IdentityClaim,
    IdentityVerifier,
    LocalVerifier,
    VerificationResult,
    birth_date,
    build_verifier,
    claim_problems,
)

__all__ = [
    "ApiKeyRecord",
    "CreatedKey",
    "DecryptionError",
    "EnforcementAction",
    "EnforcementRecord",
    "FieldCipher",
    "HttpVerifier",
    "IdentityClaim",
    "IdentityVerifier",
    "LocalVerifier",
    "Principal",
    "UserError",
    "UserRecord",
    "UserStatus",
    "UserStore",
    "VerificationResult",
    "birth_date",
    "build_verifier",
    "claim_problems",
    "key_digest",
    "minor_until",
    "parse_key",
]
