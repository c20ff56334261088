"""The audit plan: everything resolved before any data is read, and its fingerprint.

Building a plan validates the manifest, the settings and the keyword libraries and lists the
shards; any error here stops the audit before work starts. The fingerprint covers what decides
the results (sources, policy, options, keyword library content, every shard's file, size and
modification time), so a relaunch resumes only an audit of the same plan.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from hegui.corpus.errors import ManifestError
from hegui.corpus.manifest import Manifest, load_manifest
from hegui.corpus.policy import (
    AuditOptions,
    CorpusPolicy,
    load_project_settings,
    merge_options,
    merge_policy,
)
from hegui.corpus.shards import Shard, plan_shards
from hegui.errors import MissingExtraError
from hegui.text.dedup import MinHasher

PLAN_VERSION = 1


class KeywordFile(BaseModel):
    """A keyword library file of the plan and its content hash."""

    model_config = ConfigDict(frozen=True)

    path: str
    sha256: str


class ShardFile(BaseModel):
    """File identity of a shard at planning time (resume safety)."""

    model_config = ConfigDict(frozen=True)

    size: int
    mtime_ns: int


class AuditPlan(BaseModel):
    """A fully resolved audit; shipped to every worker (local or Ray)."""

    model_config = ConfigDict(frozen=True)

    version: int = PLAN_VERSION
    manifest: Manifest
    policy: CorpusPolicy
    options: AuditOptions
    keywords: tuple[KeywordFile, ...]
    shards: tuple[Shard, ...]
    files: tuple[ShardFile | None, ...]
    files_per_source: dict[str, int]
    minhash: tuple[int, int, int] = (14, 8, 5)
    """Bands, rows and shingle length of the near-duplicate detector."""

    def fingerprint(self) -> str:
        """SHA-256 over what decides the results (not where they are written)."""
        payload = self.model_dump(mode="json")
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    def hasher(self) -> MinHasher:
        bands, rows, ngram = self.minhash
        return MinHasher(bands=bands, rows=rows, ngram=ngram, seed=self.options.seed)

    def total_bytes(self) -> int:
        return sum(s.size for s in self.shards)


def build_plan(
    manifest_path: str | Path,
    *,
    project: str | Path | None = None,
    keywords: list[Path] | None = None,
    policy: dict[str, Any] | None = None,
    options: dict[str, Any] | None = None,
) -> AuditPlan:
    """Resolve an audit: manifest < ``hegui.yaml`` ``corpus:`` < manifest sections < arguments.

    ``keywords`` replaces the libraries of the manifest and the project; ``policy`` and
    ``options`` override single values (CLI flags). Raises :class:`ManifestError` (or
    ``BankError`` for a bad keyword library) before anything is read.
    """
    manifest = load_manifest(manifest_path)
    settings, project_keywords = load_project_settings(project)
    where = str(manifest.path)
    resolved_policy = merge_policy(
        ("hegui.yaml corpus.policy", settings.policy),
        (where, manifest.policy),
        ("command line", policy or {}),
    )
    resolved_options = merge_options(
        ("hegui.yaml corpus.options", settings.options),
        (where, manifest.options),
        ("command line", options or {}),
    )
    if resolved_options.clean != "none" and resolved_options.scan_fraction < 1:
        raise ManifestError(
            "a cleaned copy needs every document scanned: set scan_fraction to 1",
            source=where,
            field="options.clean",
        )
    if keywords:
        libraries = [p.resolve() for p in keywords]
    elif manifest.keywords:
        libraries = [manifest.resolve(k) for k in manifest.keywords]
    else:
        libraries = [p.resolve() for p in project_keywords]
    keyword_files = tuple(_keyword_file(p) for p in libraries)
    shards, files_per_source = plan_shards(
        manifest, shard_bytes=resolved_options.shard_mb * (1 << 20)
    )
    _check_extras(shards)
    files = tuple(_identity(s) for s in shards)
    return AuditPlan(
        manifest=manifest,
        policy=resolved_policy,
        options=resolved_options,
        keywords=keyword_files,
        shards=tuple(shards),
        files=files,
        files_per_source=files_per_source,
    )


def _keyword_file(path: Path) -> KeywordFile:
    from hegui.corpus.scanners.keyword import load_keywords  # validates: BankError on bad rows

    if not path.is_file():
        raise ManifestError("keyword library not found", source=str(path))
    load_keywords([path])
    return KeywordFile(path=str(path), sha256=hashlib.sha256(path.read_bytes()).hexdigest())


def _identity(shard: Shard) -> ShardFile | None:
    if not shard.exists:
        return None
    stat = Path(shard.path).stat()
    return ShardFile(size=stat.st_size, mtime_ns=stat.st_mtime_ns)


def _check_extras(shards: list[Shard]) -> None:
    """Fail before any work when a needed optional reader is not installed."""
    if any(s.compression in (".zst", ".zstd") for s in shards):
        try:
            import zstandard  # noqa: F401
        except ImportError:
            raise MissingExtraError("reading .zst files", "corpus") from None
    if any(s.format.value in ("parquet", "hf") for s in shards):
        try:
            importlib.import_module("pyarrow")
        except ImportError:
            raise MissingExtraError("reading Parquet and Arrow files", "corpus") from None
