"""Real-name verification behind one interface: a local format checker and an HTTP service.

Both check formats first, so a malformed number never leaves the gateway: the resident ID number
must be a valid GB 11643-1999 number (province code, real birth date, MOD 11-2 check character;
:func:`hegui.text.pii.valid_resident_id`) and the mobile number a mainland mobile number. The
local verifier stops there (tests, providers that verify elsewhere); the HTTP verifier then asks
the provider's real-name service (operator three-element check, the national network identity
service…) and trusts only an explicit ``"verified": true``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import date
from typing import Any, Protocol, runtime_checkable

import aiohttp
from pydantic import BaseModel, ConfigDict, Field

from hegui.errors import ConfigError
from hegui.gateway.config import VerifierConfig
from hegui.targets.openai_wire import JSON_ERRORS, dumps, loads
from hegui.text.pii import PiiDetector, PiiKind, resident_id_birth_date, valid_resident_id

_MOBILE = PiiDetector(frozenset({PiiKind.MOBILE}))
_SEPARATORS = re.compile(r"[\s\-]")


class IdentityClaim(BaseModel):
    """What a user states: real name, resident ID number, mobile number."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    id_number: str = Field(min_length=1, max_length=32)
    mobile: str = Field(min_length=1, max_length=32)

    def __repr__(self) -> str:  # never print the numbers by accident
        return "IdentityClaim(<redacted>)"

    __str__ = __repr__


class VerificationResult(BaseModel):
    """A verifier's answer. ``reason`` never repeats the numbers."""

    model_config = ConfigDict(frozen=True)

    verified: bool
    reason: str
    verifier: str
    birth_date: date | None = None
    reference: str | None = None
    """The verification service's transaction id, kept as evidence."""


def normalise_id(value: str) -> str:
    """A resident ID number in canonical form (upper-case, no separators)."""
    return _SEPARATORS.sub("", value).upper()


def normalise_mobile(value: str) -> str:
    """A mobile number as its 11 digits (country code and separators removed)."""
    digits = _SEPARATORS.sub("", value).removeprefix("+")
    for prefix in ("0086", "86"):
        if len(digits) == 11 + len(prefix) and digits.startswith(prefix):
            return digits[len(prefix) :]
    return digits


def birth_date(id_number: str) -> date:
    """The birth date in a valid 18-character resident ID number (positions 7–14)."""
    born = resident_id_birth_date(normalise_id(id_number))
    if born is None:
        raise ValueError("not a resident ID number with a birth date")
    return born


def claim_problems(claim: IdentityClaim, *, today: date | None = None) -> list[str]:
    """Format problems of a claim (empty when it is well formed)."""
    problems: list[str] = []
    id_number = normalise_id(claim.id_number)
    if len(id_number) == 15:
        problems.append(
            "15-digit (first-generation) ID numbers are not accepted; give the 18-digit one"
        )
    elif not valid_resident_id(id_number, today=today):
        problems.append(
            "the resident ID number is not valid (GB 11643: province code, birth date, check "
            "character)"
        )
    mobile = claim.mobile.strip()
    found = _MOBILE.find(mobile)
    if len(found) != 1 or found[0].start != 0 or found[0].end != len(mobile):
        problems.append("the mobile number is not a mainland mobile number (1[3-9] and 11 digits)")
    if not claim.name.strip():
        problems.append("the name is empty")
    return problems


@runtime_checkable
class IdentityVerifier(Protocol):
    """Confirms that a claim belongs to a real person."""

    name: str

    async def verify(self, claim: IdentityClaim) -> VerificationResult:
        """Check the claim; never raise for a claim that is merely wrong."""
        ...


class LocalVerifier:
    """Format checks only (see the module docstring)."""

    name = "local"

    def __init__(self, *, today: date | None = None) -> None:
        self.today = today

    async def verify(self, claim: IdentityClaim) -> VerificationResult:
        """See :class:`IdentityVerifier`."""
        problems = claim_problems(claim, today=self.today)
        if problems:
            return VerificationResult(
                verified=False, reason="; ".join(problems), verifier=self.name
            )
        return VerificationResult(
            verified=True,
            reason="formats valid (local verifier: no external check)",
            verifier=self.name,
            birth_date=birth_date(claim.id_number),
        )


class HttpVerifier:
    """POSTs ``{"name", "id_number", "mobile"}`` to the provider's verification service.

    The service answers ``{"verified": true|false, "reason": "...", "reference": "..."}``;
    anything else (an error status, malformed JSON, a timeout) is a failed verification, never
    a pass (fail closed).
    """

    name = "http"

    def __init__(self, config: VerifierConfig, environ: Mapping[str, str] | None = None) -> None:
        if config.url is None:
            raise ConfigError("an http verifier needs 'url'", field="gateway.identity.verifier")
        self.url = config.url
        self.timeout = aiohttp.ClientTimeout(total=config.timeout_s)
        self.headers = {"Content-Type": "application/json"}
        if config.api_key_env is not None:
            key = (os.environ if environ is None else environ).get(config.api_key_env, "").strip()
            if not key:
                raise ConfigError(
                    f"the environment variable {config.api_key_env} is not set",
                    field="gateway.identity.verifier.api_key_env",
                )
            self.headers["Authorization"] = f"Bearer {key}"

    async def verify(self, claim: IdentityClaim) -> VerificationResult:
        """See :class:`IdentityVerifier`."""
        problems = claim_problems(claim)
        if problems:
            return VerificationResult(
                verified=False, reason="; ".join(problems), verifier=self.name
            )
        payload = {
            "name": claim.name.strip(),
            "id_number": normalise_id(claim.id_number),
            "mobile": normalise_mobile(claim.mobile),
        }
        try:
            async with (
                aiohttp.ClientSession(timeout=self.timeout) as session,
                session.post(self.url, data=dumps(payload), headers=self.headers) as response,
            ):
                body = await response.read()
                status = response.status
        except (TimeoutError, aiohttp.ClientError) as exc:
            return self._failed(f"the verification service is unreachable ({type(exc).__name__})")
        if status != 200:
            return self._failed(f"the verification service answered HTTP {status}")
        try:
            data: Any = loads(body)
        except JSON_ERRORS:
            return self._failed("the verification service's answer is not JSON")
        if not isinstance(data, dict) or not isinstance(data.get("verified"), bool):
            return self._failed("the verification service's answer has no boolean 'verified'")
        reference = data.get("reference")
        return VerificationResult(
            verified=data["verified"],
            reason=str(data.get("reason") or ("verified" if data["verified"] else "not verified")),
            verifier=self.name,
            birth_date=birth_date(claim.id_number) if data["verified"] else None,
            reference=str(reference)[:128] if reference is not None else None,
        )

    def _failed(self, reason: str) -> VerificationResult:
        return VerificationResult(verified=False, reason=reason, verifier=self.name)


def build_verifier(
    config: VerifierConfig, environ: Mapping[str, str] | None = None
) -> IdentityVerifier:
    """The verifier named by the configuration."""
    if config.type == "http":
        return HttpVerifier(config, environ)
    return LocalVerifier()
