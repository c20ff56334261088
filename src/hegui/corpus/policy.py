"""Thresholds and options of a corpus audit, with the standard's values as defaults.

The policy packs have no corpus section yet, so the numbers live here as a small typed
:class:`CorpusPolicy`. Each default is a documented policy value (:data:`POLICY_BASIS` says where
it comes from and how sure we are, V/P/R as in ``hegui policy show``) and can be overridden, in
increasing precedence: the ``corpus:`` section of ``hegui.yaml``, the manifest's ``policy:``
section, CLI flags. The resolved values are recorded in the audit and shown in its report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hegui.corpus.errors import ManifestError

M = TypeVar("M", bound=BaseModel)


class CorpusPolicy(BaseModel):
    """The thresholds a corpus is judged against (GB/T 45654-2025 / TC260-003 values)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_violation_rate: float = Field(default=0.05, ge=0, le=1)
    """REQ-DATA-01: a source whose sampled violation rate exceeds this is blacklisted."""
    source_sample: int = Field(default=4000, ge=1)
    """REQ-DATA-01: documents sampled per source for its violation rate."""
    manual_sample: int = Field(default=4000, ge=1)
    """REQ-ASSESS-03: documents drawn from the whole corpus for human review."""
    manual_pass_rate: float = Field(default=0.96, ge=0, le=1)
    """REQ-ASSESS-03: share of reviewed documents that must be acceptable (合格)."""
    automated_fraction: float = Field(default=0.10, gt=0, le=1)
    """REQ-ASSESS-04: share of the corpus the automated check must cover at least."""
    automated_pass_rate: float = Field(default=0.98, ge=0, le=1)
    """REQ-ASSESS-04: share of automatically checked documents that must be acceptable."""
    foreign_open_source_share: float = Field(default=0.30, ge=0, le=1)
    """REQ-DATA-02: largest share of foreign open-source data in the corpus (filing practice)."""
    violation_reasons: tuple[str, ...] = ("keyword_hit", "harm")
    """Flag reasons that make a document a violation (违法不良信息). Add ``pii_id_card`` etc. to
    count personal information against the thresholds too."""


POLICY_BASIS: dict[str, tuple[str, str, str]] = {
    "max_violation_rate": ("REQ-DATA-01", "V", "来源违法不良信息超过5%的不应采集/使用"),
    "source_sample": ("REQ-DATA-01", "R", "每个来源抽样数；标准未给出，取人工抽检同样的4000条"),
    "manual_sample": ("REQ-ASSESS-03", "V", "人工抽检不少于4000条"),
    "manual_pass_rate": ("REQ-ASSESS-03", "V", "人工抽检合格率不低于96%"),
    "automated_fraction": ("REQ-ASSESS-04", "V", "技术抽检不少于总量的10%"),
    "automated_pass_rate": ("REQ-ASSESS-04", "V", "技术抽检合格率不低于98%"),
    "foreign_open_source_share": ("REQ-DATA-02", "P", "备案实践：境外开源语料占比不超过30%"),
}
"""Per numeric policy field: requirement id, certainty (V/P/R) and what the standard says."""


CleanMode = Literal["none", "drop", "mask"]


class AuditOptions(BaseModel):
    """How the audit runs (not thresholds): sampling seed, how much to scan, what to write."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = 20251101
    """Seed of every sample; recorded so the draw can be repeated."""
    scan_fraction: float = Field(default=1.0, gt=0, le=1)
    """Share of documents the scanners look at (a seeded, executor-independent selection)."""
    clean: CleanMode = "none"
    """Cleaned copy: ``drop`` removes violations and duplicates; ``mask`` also masks PII."""
    dedup: bool = True
    """Exact and near-duplicate detection across the whole corpus."""
    homophones: bool = False
    """Report homophone ``suspect`` keyword matches (slower; never violations on their own)."""
    harm: bool = False
    """Run the harm judge over every scanned document (``harm`` / ``harm_unsure`` flags)."""
    harm_window: int = Field(default=300, ge=50)
    """Characters per piece the harm judge reads (long documents are judged piece by piece)."""
    shard_mb: int = Field(default=256, ge=1)
    """Uncompressed JSONL and line-text files larger than this are split into several shards."""
    review_chars: int = Field(default=5000, ge=100, le=32000)
    """Characters of text kept per sampled document for the reviewers' workbook."""
    max_doc_mb: int = Field(default=64, ge=1)
    """A longer document (one line) is skipped and reported as a problem."""
    scanners: tuple[str, ...] = ()
    """Extra scanner factories ``module:function`` (e.g. a judge-backed harm scanner)."""


class CorpusSettings(BaseModel):
    """The ``corpus:`` section of ``hegui.yaml`` (all keys optional)."""

    model_config = ConfigDict(extra="forbid")

    policy: dict[str, Any] = Field(default_factory=dict)
    options: dict[str, Any] = Field(default_factory=dict)
    keywords: list[str] = Field(default_factory=list)
    """Keyword libraries for the corpus scan (default: the project's ``keywords:``)."""


def merge_policy(*layers: tuple[str, dict[str, Any]]) -> CorpusPolicy:
    """Defaults overridden by each ``(source name, mapping)`` layer in turn; errors name the
    layer and field."""
    values: dict[str, Any] = {}
    for source, layer in layers:
        _check_keys(source, "policy", layer, CorpusPolicy)
        values.update(layer)
    return _validate(CorpusPolicy, values, layers)


def merge_options(*layers: tuple[str, dict[str, Any]]) -> AuditOptions:
    """Like :func:`merge_policy` for :class:`AuditOptions`."""
    values: dict[str, Any] = {}
    for source, layer in layers:
        _check_keys(source, "options", layer, AuditOptions)
        values.update(layer)
    return _validate(AuditOptions, values, layers)


def load_project_settings(path: str | Path | None) -> tuple[CorpusSettings, list[Path]]:
    """The ``corpus:`` section and the keyword libraries of a ``hegui.yaml``.

    Returns empty settings when ``path`` is None and ./hegui.yaml does not exist. Keyword paths are
    made absolute against the file's folder; ``corpus.keywords`` wins over the project's
    ``keywords``.
    """
    if path is None:
        default = Path.cwd() / "hegui.yaml"
        if not default.is_file():
            return CorpusSettings(), []
        path = default
    file = Path(path)
    if not file.is_file():
        raise ManifestError("project file not found", source=str(file))
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ManifestError(f"not valid YAML: {exc}", source=str(file)) from exc
    if not isinstance(raw, dict):
        raise ManifestError("expected a mapping at the top level", source=str(file))
    section = raw.get("corpus") or {}
    try:
        settings = CorpusSettings.model_validate(section)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in ("corpus", *first["loc"]))
        raise ManifestError(first["msg"], source=str(file), field=where) from exc
    names = settings.keywords or [str(k) for k in raw.get("keywords") or []]
    base = file.resolve().parent
    keywords = [p if p.is_absolute() else base / p for p in (Path(n) for n in names)]
    return settings, keywords


def _check_keys(source: str, section: str, layer: dict[str, Any], model: type[BaseModel]) -> None:
    unknown = sorted(set(layer) - set(model.model_fields))
    if unknown:
        known = ", ".join(model.model_fields)
        raise ManifestError(
            f"unknown {section} setting {unknown[0]!r} (known: {known})",
            source=source,
            field=f"{section}.{unknown[0]}",
        )


def _validate(
    model: type[M], values: dict[str, Any], layers: tuple[tuple[str, dict[str, Any]], ...]
) -> M:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        # Blame the last layer that set the field.
        source = next((s for s, layer in reversed(layers) if field.split(".")[0] in layer), None)
        raise ManifestError(first["msg"], source=source, field=field) from exc
