"""Bank-level metadata: name, version and last-update date, embedded or in a sidecar file."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from hegui.errors import BankError

META_KEY = "_bank"
"""JSONL: a first line ``{"_bank": {...}}`` carries the metadata."""
META_SHEET = "_meta"
"""XLSX: a sheet of ``key | value`` rows carries the metadata."""
SIDECAR_SUFFIX = ".meta.yaml"
"""Any format: ``<stem>.meta.yaml`` beside the bank file carries the metadata."""

_ZH_KEYS = {
    "名称": "name",
    "版本": "version",
    "更新日期": "updated",
    "说明": "description",
    "内容哈希": "content_hash",
    "变更记录": "changelog",
}


class ChangeEntry(BaseModel):
    """One line of a bank's changelog: what a version changed against the one before."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    date: str
    """ISO date of the version."""
    added: int | None = None
    """Items added since the version before (``None``: not counted)."""
    removed: int | None = None
    changed: int | None = None
    """Items kept under the same id whose question, kind, risk, aspect or tags changed."""
    content_hash: str | None = None
    """:func:`hegui.banks.versioning.content_hash` of the items of this version."""
    note: str | None = None

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) else value

    @field_validator("date", mode="before")
    @classmethod
    def _date_text(cls, value: Any) -> Any:
        return value.isoformat() if isinstance(value, date) else value


class BankMeta(BaseModel):
    """Optional metadata of a bank file. ``updated`` is an ISO date (``2026-11-20``).

    ``content_hash`` and ``changelog`` are written by ``hegui bank compose`` / ``mutate``
    (see docs/bank-builder.md): the hash of the items when the version was made, and one
    :class:`ChangeEntry` per version, oldest first.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = None
    version: str | None = None
    updated: str | None = None
    description: str | None = None
    content_hash: str | None = None
    changelog: tuple[ChangeEntry, ...] = ()

    @field_validator("changelog", mode="before")
    @classmethod
    def _changelog_json(cls, value: Any) -> Any:
        # XLSX _meta cells hold the changelog as JSON text.
        if isinstance(value, str):
            try:
                return json.loads(value) if value.strip() else ()
            except json.JSONDecodeError:
                raise ValueError("the changelog cell is not a JSON list") from None
        return () if value is None else value

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) else value

    @field_validator("updated", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value.strip()).date().isoformat()
            except ValueError:
                raise ValueError(f"{value!r} is not an ISO date like 2026-11-20") from None
        return value

    def merged(self, other: BankMeta, source: str) -> BankMeta:
        """Combine embedded metadata with a sidecar's; a field given twice must agree."""
        values = self.model_dump(exclude_none=True, exclude_defaults=True)
        for key, value in other.model_dump(exclude_none=True, exclude_defaults=True).items():
            if key in values and values[key] != value:
                raise BankError(
                    f"{values[key]!r} in the bank but {value!r} in {source}; keep one",
                    path=source,
                    field=key,
                )
            values[key] = value
        return BankMeta(**values)


def parse_meta(raw: Any, source: str, row: int | None = None) -> BankMeta:
    """Validate a metadata mapping (keys may be English or 名称/版本/更新日期/说明)."""
    if not isinstance(raw, dict):
        raise BankError(
            "bank metadata must be a mapping of name/version/updated", path=source, row=row
        )
    mapped = {_ZH_KEYS.get(str(k).strip(), str(k).strip()): v for k, v in raw.items()}
    try:
        return BankMeta.model_validate(mapped)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        message = str(first["msg"]).removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = (
                "unknown metadata key; use name, version, updated, description, "
                "content_hash, changelog"
            )
        raise BankError(message, path=source, row=row, field=field) from None


def sidecar_path(path: Path) -> Path:
    """``bank.csv`` → ``bank.meta.yaml``."""
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> BankMeta | None:
    """The sidecar metadata of the bank at ``path``, or ``None`` when there is no sidecar."""
    side = sidecar_path(path)
    if not side.is_file():
        return None
    try:
        raw = yaml.safe_load(side.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise BankError(f"not valid UTF-8 YAML: {exc}", path=str(side)) from None
    return parse_meta(raw or {}, str(side))
