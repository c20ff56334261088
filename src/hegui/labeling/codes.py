"""Provider codes (PG-CODE, regulation.md §3.5) and unified social credit codes (GB 32100-2015).

A provider code has 27 characters, digits or upper-case letters::

    00 | 1 1 <18-character USCC> | 1 XGW3
    ^    ^ ^                       ^ ^---- model/app code chosen by the provider (4)
    |    | bound by USCC           service type: 1 generation, 2 propagation
    |    subject type (1 = organisation)
    format code

The service extension may also be ``00000`` (unused). Only the organisation form (``11`` + USCC)
was seen in public material; other subject types pass the pattern check with a warning, because
their inner structure is unknown (regulation.md §6).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from hegui.labeling.errors import InvalidLabelError

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters of a USCC: digits and upper-case letters without I, O, S, V, Z."""
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"^[1-9A-Y][1-9A-Y][0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")

PROVIDER_CODE_PATTERN = re.compile(r"^00[0-9A-Z]{20}([12][0-9A-Z]{4}|00000)$")
"""The PG-CODE shape from regulation.md §3.5."""


class ServiceType(StrEnum):
    """Position 23 of a provider code."""

    GENERATION = "1"
    PROPAGATION = "2"
    UNSPECIFIED = "0"
    """The whole extension is ``00000``."""


@dataclass(frozen=True)
class ProviderCode:
    """A parsed, valid provider code."""

    code: str
    subject_type: str
    """Position 3: ``1`` for an organisation."""
    binding: str
    """Position 4: ``1`` when the subject is identified by its USCC."""
    subject_id: str
    """Positions 5–22: the 18-character USCC for organisations."""
    service_type: ServiceType
    app_code: str
    """Positions 24–27, chosen by the provider."""
    warnings: tuple[str, ...] = ()
    """Things that are not errors but could not be verified."""

    @property
    def uscc(self) -> str | None:
        """The unified social credit code, when the subject is an organisation bound by USCC."""
        return self.subject_id if self.subject_type == "1" and self.binding == "1" else None


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a USCC."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problems(code: str) -> list[str]:
    """Why ``code`` is not a valid unified social credit code (empty list: valid)."""
    if len(code) != 18:
        return [f"a USCC has 18 characters, got {len(code)}"]
    if not _USCC_SHAPE.match(code):
        bad = sorted({c for c in code if c not in USCC_ALPHABET})
        if bad:
            return [f"a USCC uses digits and letters without I, O, S, V, Z; got {''.join(bad)!r}"]
        return ["positions 3-8 of a USCC are the 6-digit administrative area code"]
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return [f"USCC check character is {code[17]!r}, GB 32100 gives {expected!r}"]
    return []


def validate_uscc(code: str) -> str:
    """Return ``code`` if it is a valid 18-character USCC (GB 32100), else raise.

    Raises:
        InvalidLabelError: the shape or the check character is wrong.
    """
    problems = uscc_problems(code)
    if problems:
        raise InvalidLabelError(f"invalid unified social credit code {code!r}: {problems[0]}")
    return code


def provider_code_problems(code: str) -> list[str]:
    """Why ``code`` is not a valid provider code (empty list: valid). Warnings are not included."""
    if len(code) != 27:
        return [f"a provider code has 27 characters, got {len(code)}"]
    if not PROVIDER_CODE_PATTERN.match(code):
        if not code.startswith("00"):
            return ["a provider code starts with the format code '00'"]
        if any(c not in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" for c in code):
            return ["a provider code has only digits and upper-case letters"]
        return ["positions 23-27 must be 1xxxx (generation), 2xxxx (propagation) or 00000"]
    if code[2:4] == "11":
        return [f"subject code: {p}" for p in uscc_problems(code[4:22])]
    return []


def validate_provider_code(code: str) -> ProviderCode:
    """Parse and check a 27-character provider code, including the USCC checksum.

    Raises:
        InvalidLabelError: the code does not match the PG-CODE pattern or its USCC is invalid.
    """
    problems = provider_code_problems(code)
    if problems:
        raise InvalidLabelError(f"invalid provider code {code!r}: {problems[0]}")
    warnings: list[str] = []
    if code[2:4] != "11":
        warnings.append(
            f"subject type {code[2:4]!r} is not an organisation bound by its USCC; "
            "its structure is not published, so only the pattern was checked"
        )
    extension = code[22:]
    service = ServiceType.UNSPECIFIED if extension == "00000" else ServiceType(extension[0])
    return ProviderCode(
        code=code,
        subject_type=code[2],
        binding=code[3],
        subject_id=code[4:22],
        service_type=service,
        app_code=extension[1:],
        warnings=tuple(warnings),
    )


def make_provider_code(
    uscc: str, *, service: ServiceType = ServiceType.GENERATION, app_code: str = "0000"
) -> str:
    """Build an organisation's provider code from its USCC, service type and app code.

    ``service=ServiceType.UNSPECIFIED`` gives the extension ``00000`` (``app_code`` is ignored).
    """
    validate_uscc(uscc)
    if service is ServiceType.UNSPECIFIED:
        extension = "00000"
    else:
        if not re.fullmatch(r"[0-9A-Z]{4}", app_code):
            raise InvalidLabelError(
                f"app code must be 4 digits or upper-case letters: {app_code!r}"
            )
        extension = service.value + app_code
    return validate_provider_code(f"0011{uscc}{extension}").code
