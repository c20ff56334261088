"""Optional C2PA manifests (extra ``hegui[c2pa]``) next to the GB 45438 implicit label.

:func:`write_c2pa` first writes the XMP AIGC label (:func:`hegui.labeling.write_label`), then
embeds a signed C2PA manifest whose ``c2pa.actions.v2`` assertion records the digital source type
``trainedAlgorithmicMedia`` and whose custom ``cn.tc260.aigc`` assertion carries the seven
Appendix E elements. Both are read back before the result replaces the target. The manifest
hashes the file as it is then, so any later change (``hegui label propagate`` included)
invalidates it: sign last. :func:`read_c2pa` returns the manifest store as typed records.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hegui.errors import MissingExtraError
from hegui.labeling._io import atomic_output
from hegui.labeling.api import write_label
from hegui.labeling.containers import container_for
from hegui.labeling.errors import (
    CorruptFileError,
    InvalidLabelError,
    LabelError,
    UnsupportedFormatError,
)
from hegui.labeling.formats import Format, detect_format
from hegui.labeling.model import AigcLabel, CodePolicy, make_label, parse_label

AIGC_ASSERTION = "cn.tc260.aigc"
"""Label of the custom assertion holding the Appendix E elements (our name, not a standard one)."""
ACTIONS_ASSERTION = "c2pa.actions.v2"
TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
"""IPTC digital source type for content made by a trained model."""
MIME_TYPES = {Format.JPEG: "image/jpeg", Format.PNG: "image/png", Format.WEBP: "image/webp"}
"""Formats :func:`write_c2pa` supports (tested with the XMP label kept intact)."""


class C2paAlgorithm(StrEnum):
    """Signature algorithms of c2pa-rs; the key type must match (EC P-256 for ``es256``)."""

    ES256 = "es256"
    ES384 = "es384"
    ES512 = "es512"
    PS256 = "ps256"
    PS384 = "ps384"
    PS512 = "ps512"
    ED25519 = "ed25519"


@dataclass(frozen=True)
class C2paSigner:
    """Signing credentials, given by file paths.

    ``cert_chain`` is a PEM file with the signing (leaf) certificate first, then its issuing
    CA(s). c2pa-rs rejects a self-signed CA certificate (what ``openssl req -x509`` makes) and a
    leaf without the digitalSignature key usage or without an EKU such as emailProtection.
    ``tsa_url`` (an RFC 3161 time-stamp authority) is off by default so signing stays offline.
    """

    cert_chain: Path
    private_key: Path
    algorithm: C2paAlgorithm = C2paAlgorithm.ES256
    tsa_url: str | None = None


class C2paAssertion(BaseModel):
    """One assertion of a manifest: its label and decoded data."""

    model_config = ConfigDict(frozen=True)

    label: str
    data: Any = None


class C2paStatus(BaseModel):
    """One validation status entry (e.g. ``signingCredential.untrusted``)."""

    model_config = ConfigDict(frozen=True)

    code: str
    url: str | None = None
    explanation: str | None = None


class C2paManifest(BaseModel):
    """The active manifest of a store."""

    model_config = ConfigDict(frozen=True)

    label: str
    title: str | None = None
    claim_generator: list[str] = Field(default_factory=list)
    assertions: list[C2paAssertion] = Field(default_factory=list)
    signer: str | None = None
    """The signing certificate's common name (issuer organisation in brackets)."""
    algorithm: str | None = None


class C2paStore(BaseModel):
    """What :func:`read_c2pa` found: the active manifest and how validation went."""

    model_config = ConfigDict(frozen=True)

    active: C2paManifest | None = None
    manifests: int = 0
    validation_state: str | None = None
    """c2pa-rs: ``Invalid``, ``Valid`` (signature and hashes check out) or ``Trusted``."""
    validation_status: list[C2paStatus] = Field(default_factory=list)
    """Failure codes; ``signingCredential.untrusted`` only means the CA is not on a trust list."""

    @property
    def valid(self) -> bool:
        """Signature and content hashes verify (the signer need not be on a trust list)."""
        return self.validation_state in ("Valid", "Trusted")

    @property
    def ai_generated(self) -> bool:
        """The active manifest declares the digital source type ``trainedAlgorithmicMedia``."""
        for assertion in self._assertions(ACTIONS_ASSERTION, "c2pa.actions"):
            actions = assertion.data.get("actions", []) if isinstance(assertion.data, dict) else []
            for action in actions:
                if isinstance(action, dict) and action.get("digitalSourceType") == (
                    TRAINED_ALGORITHMIC_MEDIA
                ):
                    return True
        return False

    @property
    def aigc_label(self) -> AigcLabel | None:
        """The GB 45438 label in the ``cn.tc260.aigc`` assertion, when present and well-formed."""
        # c2pa-rs stores assertion data as CBOR maps and returns keys sorted, so the Appendix E
        # key order cannot be checked here; the seven values and the charset still are.
        for assertion in self._assertions(AIGC_ASSERTION):
            data = assertion.data
            if isinstance(data, dict) and all(isinstance(v, str) for v in data.values()):
                try:
                    return make_label(**data)
                except InvalidLabelError:
                    return None
        return None

    def _assertions(self, *labels: str) -> list[C2paAssertion]:
        if self.active is None:
            return []
        return [a for a in self.active.assertions if a.label in labels]


class C2paSummary(BaseModel):
    """The C2PA part of :func:`hegui.labeling.check_file`; informational, not part of ``ok``."""

    present: bool | None
    """None when it could not be checked (see ``note``)."""
    valid: bool | None = None
    validation_state: str | None = None
    ai_generated: bool | None = None
    aigc_label: dict[str, str] | None = None
    note: str | None = None


_CERT_HINT = (
    " (c2pa-rs wants a CA-issued signing certificate followed by its CA, with the "
    "digitalSignature key usage and an EKU such as emailProtection, and a key that suits the "
    "algorithm)"
)


def _c2pa() -> Any:
    try:
        return importlib.import_module("c2pa")
    except ImportError:
        raise MissingExtraError("C2PA manifests", "c2pa") from None


def manifest_definition(label: AigcLabel, title: str) -> dict[str, Any]:
    """The manifest JSON given to c2pa-rs: an AI ``c2pa.created`` action and the AIGC label."""
    return {
        "claim_generator_info": [{"name": "hegui"}],
        "title": title,
        "assertions": [
            {
                "label": ACTIONS_ASSERTION,
                "data": {
                    "actions": [
                        {"action": "c2pa.created", "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA}
                    ]
                },
            },
            {"label": AIGC_ASSERTION, "data": label.to_dict()},
        ],
    }


def check_c2pa_ready(path: Path | str, signer: C2paSigner) -> None:
    """Fail early, before anything is written, if :func:`write_c2pa` cannot sign ``path``.

    Raises:
        MissingExtraError: c2pa-python is not installed.
        UnsupportedFormatError: the format is not one of :data:`MIME_TYPES`.
        LabelError: the credentials cannot be read or are rejected when loaded.
    """
    _format(Path(path))
    _native_signer(_c2pa(), signer).close()


def _format(path: Path) -> tuple[Format, str]:
    fmt = detect_format(path)
    mime = MIME_TYPES.get(fmt)
    if mime is None:
        raise UnsupportedFormatError(
            f"C2PA manifests are supported for {', '.join(MIME_TYPES)}, not {fmt.value}", path=path
        )
    return fmt, mime


def write_c2pa(
    path: Path | str,
    label: AigcLabel,
    signer: C2paSigner,
    out: Path | str | None = None,
    *,
    policy: CodePolicy | None = None,
) -> Path:
    """Write the XMP label, then a signed C2PA manifest; return the written file's path.

    ``out`` defaults to ``path`` (in place, atomically). Existing C2PA data is replaced. The
    result must read back with exactly ``label`` in XMP, a valid manifest, the AI action and the
    same label in the custom assertion, or nothing is written.

    Raises:
        MissingExtraError: c2pa-python is not installed.
        UnsupportedFormatError: the format is not one of :data:`MIME_TYPES`.
        InvalidLabelError: ``label`` fails validation under ``policy``.
        LabelError: the credentials cannot be read or are rejected, or signing fails.
    """
    path = Path(path)
    target = Path(out) if out is not None else path
    fmt, mime = _format(path)
    c2pa = _c2pa()
    native_signer = _native_signer(c2pa, signer)
    try:
        with atomic_output(target, like=path) as tmp, _staging(target) as staged:
            write_label(path, label, staged, policy=policy)
            with (
                c2pa.Builder(manifest_definition(label, target.name)) as builder,
                open(staged, "rb") as src,
                open(tmp, "w+b") as dst,
            ):
                builder.sign(native_signer, mime, src, dst)
            _check_written(tmp, fmt, label)
    except c2pa.C2paError as exc:
        hint = _CERT_HINT if isinstance(exc, c2pa.C2paError.Signature) else ""
        raise LabelError(f"C2PA signing failed: {exc}{hint}", path=path) from None
    except OSError as exc:
        raise LabelError(f"cannot write: {exc.strerror or exc}", path=target) from None
    finally:
        native_signer.close()
    return target


@contextlib.contextmanager
def _staging(target: Path) -> Iterator[Path]:
    staged = target.with_name(f".{target.name}.{secrets.token_hex(4)}.hegui-xmp")
    try:
        yield staged
    finally:
        staged.unlink(missing_ok=True)


def _native_signer(c2pa: Any, signer: C2paSigner) -> Any:
    try:
        chain = signer.cert_chain.read_bytes()
        key = signer.private_key.read_bytes()
    except OSError as exc:
        raise LabelError(f"cannot read C2PA credentials: {exc}") from None
    info = c2pa.C2paSignerInfo(
        signer.algorithm.value.encode(),
        chain,
        key,
        signer.tsa_url.encode() if signer.tsa_url else None,
    )
    try:
        return c2pa.Signer.from_info(info)
    except c2pa.C2paError as exc:
        raise LabelError(
            f"C2PA credentials rejected ({exc}); {signer.cert_chain} must hold the signing "
            f"certificate then its CA, and the key must suit {signer.algorithm.value}"
        ) from None


def _check_written(tmp: Path, fmt: Format, label: AigcLabel) -> None:
    values = [f.value for f in container_for(fmt).read(tmp)]
    if [parse_label(v).label for v in values] != [label]:
        raise LabelError("internal: the XMP label did not survive C2PA signing; nothing written")
    store = _read(_c2pa(), tmp, MIME_TYPES[fmt])
    if store is None or not store.valid:
        state = store.validation_state if store else "no manifest"
        raise LabelError(f"internal: the signed C2PA manifest does not verify ({state})")
    if not store.ai_generated or store.aigc_label != label:
        raise LabelError("internal: the C2PA manifest lost its AIGC assertions; nothing written")


def read_c2pa(path: Path | str) -> C2paStore | None:
    """The file's C2PA manifest store, or None when it has none.

    Raises:
        MissingExtraError: c2pa-python is not installed.
        UnsupportedFormatError: the format is not one of :data:`MIME_TYPES`.
        CorruptFileError: the manifest cannot be parsed.
    """
    path = Path(path)
    return _read(_c2pa(), path, _format(path)[1])


def _read(c2pa: Any, path: Path, mime: str) -> C2paStore | None:
    try:
        with open(path, "rb") as stream, c2pa.Reader(mime, stream) as reader:
            store = json.loads(reader.json())
    except c2pa.C2paError.ManifestNotFound:
        return None
    except c2pa.C2paError as exc:
        raise CorruptFileError(f"unreadable C2PA manifest: {exc}", path=path) from None
    except OSError as exc:
        raise LabelError(f"cannot read: {exc.strerror}", path=path) from None
    return _store(store)


def _store(store: dict[str, Any]) -> C2paStore:
    manifests: dict[str, Any] = store.get("manifests") or {}
    active_label = str(store.get("active_manifest") or "")
    active = manifests.get(active_label)
    return C2paStore(
        active=_manifest(active_label, active) if isinstance(active, dict) else None,
        manifests=len(manifests),
        validation_state=store.get("validation_state"),
        validation_status=[
            C2paStatus(code=s.get("code", "?"), url=s.get("url"), explanation=s.get("explanation"))
            for s in store.get("validation_status") or []
            if isinstance(s, dict)
        ],
    )


def _manifest(label: str, manifest: dict[str, Any]) -> C2paManifest:
    info = manifest.get("signature_info") or {}
    name = info.get("common_name")
    issuer = info.get("issuer")
    signer = f"{name} ({issuer})" if name and issuer else name or issuer
    return C2paManifest(
        label=label,
        title=manifest.get("title"),
        claim_generator=[
            str(g.get("name")) for g in manifest.get("claim_generator_info") or [] if g.get("name")
        ],
        assertions=[
            C2paAssertion(label=str(a.get("label")), data=a.get("data"))
            for a in manifest.get("assertions") or []
            if isinstance(a, dict)
        ],
        signer=signer,
        algorithm=info.get("alg"),
    )


def summarize_c2pa(path: Path, fmt: Format) -> C2paSummary | None:
    """The C2PA summary for :func:`hegui.labeling.check_file`; None for formats without C2PA."""
    if fmt not in MIME_TYPES:
        return None
    try:
        store = _read(_c2pa(), path, MIME_TYPES[fmt])
    except MissingExtraError as exc:
        return C2paSummary(present=None, note=str(exc))
    except LabelError as exc:
        return C2paSummary(present=True, valid=False, note=str(exc))
    if store is None:
        return C2paSummary(present=False)
    found = store.aigc_label
    return C2paSummary(
        present=True,
        valid=store.valid,
        validation_state=store.validation_state,
        ai_generated=store.ai_generated,
        aigc_label=found.to_dict() if found else None,
    )
