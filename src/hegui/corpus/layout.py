"""Where an audit keeps its state and results inside its output folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from hegui.reports._atomic import write_text_atomic


@dataclass(frozen=True)
class AuditDir:
    """The audit folder: plan, per-shard results and markers, merged outputs."""

    root: Path

    @property
    def plan(self) -> Path:
        return self.root / "plan.json"

    @property
    def shards(self) -> Path:
        return self.root / "shards"

    @property
    def completions(self) -> Path:
        return self.root / "completions"

    @property
    def clean_parts(self) -> Path:
        return self.root / "clean-parts"

    @property
    def clean(self) -> Path:
        return self.root / "clean"

    @property
    def dedup(self) -> Path:
        return self.root / "dedup"

    @property
    def duplicates(self) -> Path:
        return self.dedup / "duplicates.npz"

    @property
    def review_sample(self) -> Path:
        return self.root / "review_sample.jsonl"

    @property
    def review(self) -> Path:
        return self.root / "review.json"

    @property
    def report_json(self) -> Path:
        return self.root / "report.json"

    def result(self, name: str) -> Path:
        return self.shards / f"{name}.json"

    def review_part(self, name: str) -> Path:
        return self.shards / f"{name}.review.jsonl"

    def dedup_part(self, name: str) -> Path:
        return self.shards / f"{name}.dedup"

    def marker(self, name: str) -> Path:
        return self.completions / name

    def make(self) -> None:
        for folder in (self.root, self.shards, self.completions, self.clean_parts, self.dedup):
            folder.mkdir(parents=True, exist_ok=True)

    def is_complete(self, name: str, fingerprint: str) -> bool:
        """Whether the shard finished under this plan (its marker holds the fingerprint)."""
        marker = self.marker(name)
        try:
            return marker.read_text(encoding="utf-8").strip() == fingerprint
        except OSError:
            return False

    def mark_complete(self, name: str, fingerprint: str) -> None:
        write_text_atomic(self.marker(name), fingerprint + "\n")


def temporary(path: Path) -> Path:
    """A per-process temporary name beside ``path``, renamed over it with :func:`publish`."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def publish(temp: Path, final: Path) -> None:
    """Move a finished temporary file into place (atomic on one file system)."""
    os.replace(temp, final)


def remove_stale_temporaries(folder: Path) -> None:
    """Delete temporaries left by workers that were killed mid-shard."""
    if folder.is_dir():
        for stale in folder.glob(".*.tmp"):
            stale.unlink(missing_ok=True)
