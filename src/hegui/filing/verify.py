"""``hegui filing verify``: do the documents match the manifest, and the manifest the evidence?

The file check needs only the package. The evidence check re-gathers the evidence from the
project (store, banks, keyword libraries, corpus report, gateway section) and compares every
recorded hash and every requirement figure with what the package states.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hegui.config import ProjectConfig
from hegui.filing.evidence import Evidence, gather
from hegui.filing.manifest import Manifest, figures_of, read_manifest, sources_of, verify_files


@dataclass
class VerifyResult:
    """What ``verify`` found; ``ok`` when nothing."""

    manifest: Manifest
    files_checked: int
    problems: list[str] = field(default_factory=list)
    evidence_checked: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_package(folder: Path, config: ProjectConfig | None = None) -> VerifyResult:
    """Recompute the package's file hashes; with ``config`` also compare against the evidence."""
    manifest = read_manifest(folder)
    result = VerifyResult(manifest=manifest, files_checked=len(manifest.files))
    result.problems += verify_files(folder, manifest)
    if config is not None:
        run_id = manifest.sources.run.run_id if manifest.sources.run else None
        recorded = manifest.sources.corpus_report  # relative to the project folder
        corpus = config.resolve(str(Path(recorded).parent)) if recorded else None
        evidence = gather(config, run_id=run_id, corpus_dir=corpus)
        result.problems += compare_evidence(manifest, evidence)
        result.evidence_checked = True
    return result


def compare_evidence(manifest: Manifest, evidence: Evidence) -> list[str]:
    """Differences between what the manifest records and the evidence as it is now."""
    problems: list[str] = []
    recorded = manifest.sources
    figures = figures_of(evidence)
    current = sources_of(evidence, figures)

    def differ(what: str, old: object, new: object, fix: str) -> None:
        if old != new:
            problems.append(f"{what}: package has {old!r}, evidence now has {new!r}; {fix}")

    differ("policy pack sha256", recorded.pack_sha256, current.pack_sha256, "rebuild the package")
    differ("profile sha256", recorded.profile_sha256, current.profile_sha256, "rebuild the package")
    if recorded.run is not None:
        if current.run is None:
            problems.append(
                f"run {recorded.run.run_id}: not found in the store "
                f"({evidence.problems.get('run', '')})"
            )
        else:
            differ(
                f"run {recorded.run.run_id} figures sha256",
                recorded.run.results_sha256,
                current.run.results_sha256,
                "the run was re-scored or its store changed; rebuild the package",
            )
            old_figures = {f.requirement: f for f in manifest.figures}
            for figure in figures:
                old = old_figures.get(figure.requirement)
                if old is not None and old != figure:
                    problems.append(
                        f"{figure.requirement}: package states {old.outcome} rate {old.rate} "
                        f"(n={old.n}), the run now gives {figure.outcome} rate {figure.rate} "
                        f"(n={figure.n})"
                    )
    old_banks = {b.path: b.sha256 for b in recorded.banks}
    for bank in current.banks:
        differ(f"bank {bank.path} sha256", old_banks.get(bank.path), bank.sha256, "rebuild")
    old_libs = {lib.name: lib.sha256 for lib in recorded.keyword_libraries}
    for lib in current.keyword_libraries:
        differ(f"keyword library {lib.name} sha256", old_libs.get(lib.name), lib.sha256, "rebuild")
    differ("corpus report sha256", recorded.corpus_sha256, current.corpus_sha256, "rebuild")
    differ("gateway config sha256", recorded.gateway_sha256, current.gateway_sha256, "rebuild")
    return problems
