"""``hegui filing diff OLD NEW``: what changed between two packages (re-filing, REQ-OPS-08).

Compares the manifests: the profile, the run and its figures, clause conclusions, the sources'
hashes and the files. DOCX and XLSX files embed their build time, so a file hash differs between
any two builds; the figures and sources say whether the content did.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from hegui.filing.manifest import Manifest, read_manifest


class Change(BaseModel):
    """One difference between two packages."""

    model_config = ConfigDict(frozen=True)

    section: str
    """``profile``, ``run``, ``figure``, ``clause``, ``source`` or ``file``."""
    key: str
    old: str | None
    new: str | None


def diff_packages(old_dir: Path, new_dir: Path) -> list[Change]:
    """Read both manifests and list every change."""
    return diff_manifests(read_manifest(old_dir), read_manifest(new_dir))


def diff_manifests(old: Manifest, new: Manifest) -> list[Change]:
    """Every difference between two manifests, section by section."""
    changes = list(_mapping("profile", _flatten(old.profile), _flatten(new.profile)))
    old_run, new_run = old.sources.run, new.sources.run
    changes += _mapping(
        "run",
        _flatten(old_run.model_dump(mode="json", exclude={"results_sha256"}) if old_run else {}),
        _flatten(new_run.model_dump(mode="json", exclude={"results_sha256"}) if new_run else {}),
    )
    changes += _mapping(
        "figure",
        {f.requirement: _figure(f.outcome, f.rate, f.n) for f in old.figures},
        {f.requirement: _figure(f.outcome, f.rate, f.n) for f in new.figures},
    )
    changes += _mapping(
        "clause",
        {c.id: c.conclusion for c in old.clauses},
        {c.id: c.conclusion for c in new.clauses},
    )
    changes += _mapping("source", _sources(old), _sources(new))
    changes += _mapping(
        "file",
        {f.path: f.sha256[:16] for f in old.files},
        {f.path: f.sha256[:16] for f in new.files},
    )
    if old.draft != new.draft:
        changes.append(
            Change(section="package", key="draft", old=str(old.draft), new=str(new.draft))
        )
    return changes


def _figure(outcome: str, rate: float | None, n: int | None) -> str:
    shown = "—" if rate is None else f"{rate:.4f}"
    return f"{outcome} rate={shown} n={n}"


def _sources(manifest: Manifest) -> dict[str, str]:
    sources = manifest.sources
    values = {
        "pack": f"{sources.pack} {sources.pack_version} {sources.pack_sha256[:16]}",
        "corpus report": (sources.corpus_sha256 or "")[:16],
        "gateway config": (sources.gateway_sha256 or "")[:16],
    }
    values |= {f"bank {b.name}": f"{b.items} items {b.sha256[:16]}" for b in sources.banks}
    values |= {
        f"keyword library {lib.name}": (
            f"{lib.version or '—'} {lib.entries} entries {lib.sha256[:16]}"
        )
        for lib in sources.keyword_libraries
    }
    return values


def _flatten(value: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, Mapping):
            flat |= _flatten(item, f"{name}.")
        else:
            flat[name] = str(item)
    return flat


def _mapping(section: str, old: Mapping[str, str], new: Mapping[str, str]) -> Iterator[Change]:
    for key in sorted(old.keys() | new.keys()):
        if old.get(key) != new.get(key):
            yield Change(section=section, key=key, old=old.get(key), new=new.get(key))
