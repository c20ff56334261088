"""Where measured judge quality is kept: a small JSON file, one record per (judge, version,
task, dataset).

Two files are read, later entries replacing earlier ones for the same key:

1. the package's ``hegui/judges/data/quality.json`` — the shipped judges measured on held-out
   public data by ``scripts/train_judges.py``;
2. the project's registry, ``.hegui/judge-quality.json`` beside ``hegui.yaml`` (or the path in
   ``HEGUI_QUALITY``) — what ``hegui judge eval`` measured on the provider's own labelled data.

Reports look a judge up by name and exact version; a measurement of another version is never
used to correct a pass rate. When the project has measured a judge version itself, only its own
measurements count for that version: the provider's labelled answers resemble its service's
answers more than public data does.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hegui import __version__
from hegui.errors import JudgeError
from hegui.judges.base import Judge
from hegui.judges.quality import Counts, Metrics, binary_metrics

FORMAT = "hegui-judge-quality/1"
PROJECT_FILE = Path(".hegui") / "judge-quality.json"
"""The project registry, relative to the folder of ``hegui.yaml``."""


class QualityRecord(BaseModel):
    """One measurement of one judge version on one labelled set."""

    model_config = ConfigDict(frozen=True)

    judge: str
    version: str
    task: str
    """``refusal`` (positive: refuses, fully or partly) or ``harm`` (positive: harmful)."""
    positive: str
    dataset: str
    """Name of the labelled set (file name, or a held-out set's name)."""
    sha256: str | None = None
    lang: str = "zh"
    counts: Counts
    metrics: Metrics
    measured_at: datetime
    hegui_version: str = __version__
    origin: str = "project"
    """``shipped`` (measured by ``scripts/train_judges.py`` on public held-out data) or
    ``project`` (``hegui judge eval`` on the provider's data)."""

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.judge, self.version, self.task, self.dataset)

    @classmethod
    def measure(
        cls,
        *,
        judge: Judge,
        task: str,
        counts: Counts,
        dataset: str,
        positive: str,
        sha256: str | None = None,
        lang: str = "zh",
        origin: str = "project",
    ) -> QualityRecord:
        """A record of ``judge`` on ``dataset`` with the metrics of ``counts``."""
        return cls(
            judge=judge.name,
            version=judge.version,
            task=task,
            positive=positive,
            dataset=dataset,
            sha256=sha256,
            lang=lang,
            counts=counts,
            metrics=binary_metrics(counts),
            measured_at=datetime.now(UTC),
            origin=origin,
        )


class _File(BaseModel):
    format: str
    entries: list[QualityRecord] = Field(default_factory=list)


class QualityRegistry:
    """Measured quality of judges, keyed by (judge, version, task, dataset)."""

    def __init__(self, entries: Iterable[QualityRecord] = ()):
        self._entries: dict[tuple[str, str, str, str], QualityRecord] = {}
        for entry in entries:
            self.add(entry)

    @property
    def entries(self) -> list[QualityRecord]:
        return list(self._entries.values())

    def add(self, record: QualityRecord) -> None:
        """Add a record, replacing an earlier measurement with the same key."""
        self._entries.pop(record.key, None)
        self._entries[record.key] = record

    def merge(self, other: QualityRegistry) -> QualityRegistry:
        """A registry with this one's entries, then ``other``'s (which win on equal keys)."""
        return QualityRegistry([*self.entries, *other.entries])

    def find(self, judge: str, version: str, task: str | None = None) -> list[QualityRecord]:
        """Records of exactly this judge version (and task, when given)."""
        return [
            e
            for e in self._entries.values()
            if e.judge == judge and e.version == version and (task is None or e.task == task)
        ]

    def pooled(self, judge: str, version: str, task: str, lang: str | None = None) -> Counts | None:
        """The counts of every matching record added up.

        The project's own measurements replace shipped ones when there are any; within those,
        records in ``lang`` are used when any exist.
        """
        records = self.find(judge, version, task)
        if any(r.origin == "project" for r in records):
            records = [r for r in records if r.origin == "project"]
        if lang is not None and any(r.lang == lang for r in records):
            records = [r for r in records if r.lang == lang]
        if not records:
            return None
        total = Counts()
        for r in records:
            c = r.counts
            total = Counts(
                tp=total.tp + c.tp,
                fp=total.fp + c.fp,
                fn=total.fn + c.fn,
                tn=total.tn + c.tn,
                unscored=total.unscored + c.unscored,
            )
        return total

    def save(self, path: str | Path) -> Path:
        """Write the registry as JSON (creating the folder)."""
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        payload = _File(format=FORMAT, entries=self.entries).model_dump(mode="json")
        out.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return out

    @classmethod
    def load(cls, path: str | Path) -> QualityRegistry:
        """Read a registry file; a missing file is an empty registry."""
        source = Path(path)
        if not source.exists():
            return cls()
        try:
            parsed = _File.model_validate_json(source.read_text(encoding="utf-8"))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise JudgeError(f"{source}, field {where!r}: {first['msg']}") from None
        except (OSError, ValueError) as exc:
            raise JudgeError(f"cannot read judge quality file {source}: {exc}") from None
        if parsed.format != FORMAT:
            raise JudgeError(f"{source}, field 'format': expected {FORMAT!r}")
        return cls(parsed.entries)


def shipped_registry() -> QualityRegistry:
    """Quality of the shipped judges measured on held-out public data."""
    return QualityRegistry.load(
        Path(str(resources.files("hegui.judges") / "data" / "quality.json"))
    )


def project_registry_path(project_dir: str | Path | None = None) -> Path:
    """The project's registry file: ``$HEGUI_QUALITY``, else ``.hegui/judge-quality.json``."""
    override = os.environ.get("HEGUI_QUALITY")
    if override:
        return Path(override)
    return Path(project_dir or Path.cwd()) / PROJECT_FILE


def load_registry(project_dir: str | Path | None = None) -> QualityRegistry:
    """Shipped measurements, overridden by the project's own."""
    return shipped_registry().merge(QualityRegistry.load(project_registry_path(project_dir)))


def json_dumps(record: QualityRecord) -> str:
    """One record as compact JSON (CLI output)."""
    return json.dumps(record.model_dump(mode="json"), ensure_ascii=False)
