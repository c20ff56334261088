"""The package manifest: the SHA-256 of every file, and of every run, bank, keyword library,
policy pack, corpus report and gateway configuration the documents were made from.

``manifest.json`` is written last and is not listed in itself. :func:`verify_files` recomputes the
file hashes; :mod:`hegui.filing.verify` also checks the sources against the evidence on disk.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hegui.filing.clauses import Clause
from hegui.filing.errors import FilingError
from hegui.filing.evidence import Evidence, canonical_sha256, file_sha256
from hegui.filing.preflight import Check
from hegui.records import BankInfo, RequirementResult
from hegui.reports._atomic import write_text_atomic

MANIFEST_NAME = "manifest.json"
MANIFEST_SCHEMA = 1


class FileEntry(BaseModel):
    """One document of the package."""

    model_config = ConfigDict(frozen=True)

    path: str
    """Relative to the package folder, ``/``-separated."""
    sha256: str
    bytes: int
    role: str
    """What the file is: ``附件1``, ``备案表``, ``附件1 PDF``…"""


class Figure(BaseModel):
    """A requirement result as stated in the documents (for verification and diffs)."""

    model_config = ConfigDict(frozen=True)

    requirement: str
    outcome: str
    n: int | None = None
    successes: int | None = None
    rate: float | None = None
    low: float | None = None
    high: float | None = None
    threshold: float | None = None
    comparison: str | None = None

    @classmethod
    def of(cls, result: RequirementResult) -> Figure:
        est = result.estimate
        return cls(
            requirement=result.requirement,
            outcome=result.outcome.value,
            n=est.n if est else None,
            successes=est.successes if est else None,
            rate=est.rate if est else None,
            low=est.low if est else None,
            high=est.high if est else None,
            threshold=result.threshold,
            comparison=result.comparison,
        )


class RunSource(BaseModel):
    """The assessment run the model figures come from."""

    model_config = ConfigDict(frozen=True)

    run_id: str
    created_at: datetime
    status: str
    overall: str
    model_version: str | None
    hegui_version: str
    target: str
    judges: dict[str, str]
    results_sha256: str
    """Canonical hash of the run's requirement figures."""


class LibrarySource(BaseModel):
    """A keyword library (附件4 and the coverage figures)."""

    model_config = ConfigDict(frozen=True)

    name: str
    path: str | None
    sha256: str
    entries: int
    version: str | None
    updated: str | None


class Sources(BaseModel):
    """Where every document's content came from."""

    model_config = ConfigDict(frozen=True)

    pack: str
    pack_version: str
    pack_sha256: str
    profile_sha256: str
    run: RunSource | None = None
    banks: tuple[BankInfo, ...] = ()
    keyword_libraries: tuple[LibrarySource, ...] = ()
    corpus_report: str | None = None
    corpus_sha256: str | None = None
    gateway_sha256: str | None = None


class Manifest(BaseModel):
    """``manifest.json`` of a filing package."""

    model_config = ConfigDict(frozen=True)

    schema_version: int = MANIFEST_SCHEMA
    hegui_version: str
    created_at: datetime
    draft: bool
    profile: dict[str, Any]
    """The provider profile as filed."""
    files: tuple[FileEntry, ...]
    sources: Sources
    figures: tuple[Figure, ...] = ()
    clauses: tuple[Clause, ...] = ()
    preflight: tuple[Check, ...] = ()
    notes: tuple[str, ...] = Field(default=())
    """What the package lacks and why (e.g. no PDF without LibreOffice)."""


def figures_of(evidence: Evidence) -> tuple[Figure, ...]:
    """The requirement figures of the run (empty without a run)."""
    return tuple(Figure.of(r) for r in evidence.report.results) if evidence.report else ()


def shown_path(path: str | Path, base: Path) -> str:
    """A source file as the package names it: relative to the project folder, or its bare name
    when it lies outside (the regulator gets no local absolute paths)."""
    source = Path(path)
    try:
        return source.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return source.name


def sources_of(evidence: Evidence, figures: tuple[Figure, ...]) -> Sources:
    """The sources record of the gathered evidence (paths as :func:`shown_path` gives them)."""
    base = evidence.config.base_dir
    report = evidence.report
    run = None
    if report is not None:
        spec = report.spec
        run = RunSource(
            run_id=spec.run_id,
            created_at=spec.created_at,
            status=report.status,
            overall=report.overall,
            model_version=spec.model_version,
            hegui_version=spec.hegui_version,
            target=spec.target.identity,
            judges=dict(spec.judges),
            results_sha256=canonical_sha256([f.model_dump() for f in figures]),
        )
    libraries = tuple(
        LibrarySource(
            name=lib.name,
            path=shown_path(lib.path, base) if lib.path else None,
            sha256=lib.sha256,
            entries=len(lib.entries),
            version=lib.version,
            updated=lib.updated.isoformat() if lib.updated else None,
        )
        for lib in (evidence.inputs.keyword_libraries if evidence.inputs else ())
    )
    pack = evidence.pack
    return Sources(
        pack=pack.pack,
        pack_version=pack.version,
        pack_sha256=pack.sha256,
        profile_sha256=canonical_sha256(evidence.profile.model_dump(mode="json")),
        run=run,
        banks=tuple(
            b.info.model_copy(update={"path": shown_path(b.info.path, base)})
            for b in (evidence.inputs.banks if evidence.inputs else ())
        ),
        keyword_libraries=libraries,
        corpus_report=shown_path(evidence.corpus.path, base) if evidence.corpus else None,
        corpus_sha256=evidence.corpus.sha256 if evidence.corpus else None,
        gateway_sha256=evidence.gateway.sha256 if evidence.gateway else None,
    )


def file_entries(folder: Path, roles: dict[str, str]) -> tuple[FileEntry, ...]:
    """Hash every file under ``folder`` (sorted), except the manifest itself."""
    entries = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if relative == MANIFEST_NAME:
            continue
        entries.append(
            FileEntry(
                path=relative,
                sha256=file_sha256(path),
                bytes=path.stat().st_size,
                role=roles.get(relative, ""),
            )
        )
    return tuple(entries)


def write_manifest(manifest: Manifest, folder: Path) -> Path:
    """Write ``manifest.json`` into ``folder`` atomically."""
    return write_text_atomic(folder / MANIFEST_NAME, manifest.model_dump_json(indent=2) + "\n")


def read_manifest(folder: Path) -> Manifest:
    """Read a package's manifest; :class:`FilingError` when it is missing or malformed."""
    path = folder / MANIFEST_NAME
    if not path.is_file():
        raise FilingError(
            f"{folder}: no {MANIFEST_NAME}; give the folder hegui filing build --out wrote"
        )
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise FilingError(f"{path}: field {where!r}: {first['msg']}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FilingError(f"{path}: not valid JSON ({exc})") from None


def verify_files(folder: Path, manifest: Manifest) -> list[str]:
    """Problems found recomputing the package's file hashes (empty when every file matches)."""
    problems = []
    listed = {entry.path for entry in manifest.files}
    for entry in manifest.files:
        path = folder / entry.path
        if not path.is_file():
            problems.append(f"{entry.path}: missing")
        elif (digest := file_sha256(path)) != entry.sha256:
            problems.append(
                f"{entry.path}: SHA-256 {digest[:16]}… does not match the manifest's "
                f"{entry.sha256[:16]}… (the file was changed after the package was built)"
            )
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if relative != MANIFEST_NAME and relative not in listed:
            problems.append(f"{relative}: not in the manifest (added after the build)")
    return problems
