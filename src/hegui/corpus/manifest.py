"""The source registry: one entry per training-data source with its provenance and files.

A manifest is YAML (``sources:`` list plus optional ``keywords``, ``policy`` and ``options``) or a
CSV/TSV table with one source per row (see docs/corpus.md for every field). Loading validates
everything before any data is read; a :class:`~hegui.corpus.errors.ManifestError` names the file,
the line (YAML) or row (CSV) and the field.
"""

from __future__ import annotations

import codecs
import csv
import io
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hegui.corpus.errors import ManifestError


class SourceType(StrEnum):
    """How the data was obtained; decides which provenance records are required (REQ-DATA-03)."""

    OPEN_SOURCE = "open_source"
    """开源语料: needs a licence."""
    SELF_COLLECTED = "self_collected"
    """自采语料: needs a collection record and robots / do-not-collect compliance."""
    COMMERCIAL = "commercial"
    """商业语料: needs a contract (and the supplier's proof of lawful sources)."""
    USER_INPUT = "user_input"
    """使用者输入: needs the users' authorisation (consent) record."""


class Origin(StrEnum):
    """Where the data comes from, for the domestic/foreign mix (REQ-DATA-02)."""

    DOMESTIC = "domestic"
    FOREIGN = "foreign"


class Format(StrEnum):
    """File formats the readers understand."""

    JSONL = "jsonl"
    PARQUET = "parquet"
    TEXT = "text"
    CSV = "csv"
    HF = "hf"
    """A Hugging Face dataset saved with ``save_to_disk`` (Arrow files), read with pyarrow."""


class TextUnit(StrEnum):
    """What one document is in a plain-text file."""

    LINE = "line"
    PARAGRAPH = "paragraph"
    """Blocks separated by blank lines."""
    FILE = "file"


_ALIASES: dict[str, str] = {
    "open-source": "open_source",
    "opensource": "open_source",
    "开源": "open_source",
    "self-collected": "self_collected",
    "自采": "self_collected",
    "commercial": "commercial",
    "商业": "commercial",
    "user-input": "user_input",
    "用户输入": "user_input",
    "使用者输入": "user_input",
    "境内": "domestic",
    "境外": "foreign",
}


def _alias(value: Any) -> Any:
    if isinstance(value, str):
        key = value.strip().lower()
        return _ALIASES.get(key, key)
    return value


def _tuple(value: Any) -> Any:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(p.strip() for p in value.replace(";", ",").split(",") if p.strip())
    return value


class Source(BaseModel):
    """One source of training data and the records that make its use lawful."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    id: str = Field(pattern=r"^[\w.\-]+$", max_length=100)
    """Unique name (letters, digits, ``_ . -``); used in reports and folder names."""
    type: SourceType
    origin: Origin
    """``domestic`` (境内) or ``foreign`` (境外)."""
    paths: tuple[str, ...] = Field(min_length=1)
    """Files, globs (``**`` recurses) or Hugging Face dataset folders, relative to the manifest."""
    licence: str | None = Field(default=None, alias="license")
    """SPDX licence identifier or expression (``CC-BY-4.0``, ``MIT OR Apache-2.0``)."""
    contract: str | None = None
    """Contract reference for commercial data (number, date, counterparty)."""
    supplier_proof: str | None = None
    """Commercial: where the supplier's proof of lawful sources is kept."""
    consent: str | None = None
    """User input: reference of the users' authorisation (policy version, consent records)."""
    collection: str | None = None
    """Self-collected: the collection record (tool, period, scope, log location)."""
    robots: bool | None = None
    """Self-collected: whether robots.txt and other do-not-collect signals were respected."""
    language: tuple[str, ...] = ()
    """Declared language codes (``zh``, ``en``…); documents detected otherwise are flagged.
    Empty or ``mixed`` turns the check off."""
    format: Format | None = None
    """Reader to use; default from the file suffix."""
    text_field: str = "text"
    """JSONL/Parquet/CSV/HF: the field holding the text."""
    id_field: str | None = None
    """Field holding the document id (default: file and line)."""
    encoding: str = "utf-8"
    """Text encoding of JSONL, CSV and text files (``gb18030`` for older Chinese files)."""
    text_unit: TextUnit = TextUnit.LINE
    """Plain text: one document per line, per blank-line-separated paragraph, or per file."""
    notes: str | None = None

    @field_validator("type", "origin", mode="before")
    @classmethod
    def _aliases(cls, value: Any) -> Any:
        return _alias(value)

    @field_validator("paths", "language", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return _tuple(value)

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown text encoding {value!r}") from None
        return value

    @property
    def checks_language(self) -> bool:
        """Whether documents are checked against the declared language."""
        return bool(self.language) and not {"mixed", "multi", "*"} & set(self.language)


class Manifest(BaseModel):
    """A loaded source registry."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: Path
    """The manifest file (absolute)."""
    name: str | None = None
    keywords: tuple[str, ...] = ()
    """Keyword libraries for the scan, relative to the manifest."""
    policy: dict[str, Any] = Field(default_factory=dict)
    """Overrides of :class:`~hegui.corpus.policy.CorpusPolicy`."""
    options: dict[str, Any] = Field(default_factory=dict)
    """Overrides of :class:`~hegui.corpus.policy.AuditOptions`."""
    sources: tuple[Source, ...]

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    def resolve(self, value: str) -> Path:
        """A path from the manifest, absolute against its folder."""
        candidate = Path(value).expanduser()
        return candidate if candidate.is_absolute() else self.base_dir / candidate

    def source(self, source_id: str) -> Source:
        return next(s for s in self.sources if s.id == source_id)


_TOP_KEYS = {"name", "keywords", "policy", "options", "sources"}


def load_manifest(path: str | Path) -> Manifest:
    """Load and validate a manifest (``.yaml``/``.yml``, or ``.csv``/``.tsv`` with one source per
    row). Raises :class:`ManifestError` naming the file, line or row, and field."""
    file = Path(path).resolve()
    if not file.is_file():
        raise ManifestError("manifest file not found", source=str(path))
    suffix = file.suffix.lower()
    if suffix in (".yaml", ".yml"):
        raw, lines = _read_yaml(file)
    elif suffix in (".csv", ".tsv"):
        raw, lines = _read_table(file, "\t" if suffix == ".tsv" else ",")
    else:
        raise ManifestError("use a .yaml, .yml, .csv or .tsv manifest", source=str(file))
    return _build(file, raw, lines)


def _read_yaml(file: Path) -> tuple[dict[str, Any], list[str]]:
    try:
        text = file.read_text(encoding="utf-8")
        node = yaml.compose(text)
        raw = yaml.safe_load(text)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ManifestError(f"not valid YAML: {exc}", source=str(file)) from exc
    if not isinstance(raw, dict):
        raise ManifestError("expected a mapping with a 'sources' list", source=str(file))
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        known = ", ".join(sorted(_TOP_KEYS))
        raise ManifestError(f"unknown key {unknown[0]!r} (known: {known})", source=str(file))
    # Line of each source entry, for messages.
    lines: list[str] = []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "sources" and isinstance(value, yaml.SequenceNode):
                lines = [f"{file}, line {item.start_mark.line + 1}" for item in value.value]
    return raw, lines


def _read_table(file: Path, delimiter: str) -> tuple[dict[str, Any], list[str]]:
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ManifestError(f"not UTF-8: {exc}", source=str(file)) from exc
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        raise ManifestError("empty manifest table", source=str(file))
    header = [h.strip() for h in rows[0]]
    sources: list[dict[str, Any]] = []
    lines: list[str] = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
            continue
        if len(cells) > len(header):
            raise ManifestError(
                f"{len(cells)} cells but {len(header)} columns", source=f"{file}, row {number}"
            )
        entry: dict[str, Any] = {
            h: c.strip() for h, c in zip(header, cells, strict=False) if h and c.strip()
        }
        if "robots" in entry:
            entry["robots"] = _yes_no(entry["robots"], f"{file}, row {number}")
        sources.append(entry)
        lines.append(f"{file}, row {number}")
    return {"sources": sources}, lines


def _yes_no(value: str, where: str) -> bool:
    folded = value.strip().lower()
    if folded in ("yes", "true", "1", "是", "y"):
        return True
    if folded in ("no", "false", "0", "否", "n"):
        return False
    raise ManifestError(f"expected yes or no, got {value!r}", source=where, field="robots")


def _build(file: Path, raw: dict[str, Any], lines: list[str]) -> Manifest:
    entries = raw.get("sources")
    if not isinstance(entries, list) or not entries:
        raise ManifestError("'sources' must be a non-empty list", source=str(file))
    sources: list[Source] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        where = lines[i] if i < len(lines) else str(file)
        if not isinstance(entry, dict):
            raise ManifestError("a source must be a mapping", source=where, field=f"sources[{i}]")
        try:
            source = Source.model_validate(entry)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(p) for p in first["loc"])
            name = entry.get("id", i)
            raise ManifestError(first["msg"], source=where, field=f"sources[{name}].{loc}") from exc
        if source.id in seen:
            raise ManifestError(f"duplicate source id {source.id!r}", source=where, field="id")
        seen.add(source.id)
        sources.append(source)
    for key in ("policy", "options"):
        if raw.get(key) is not None and not isinstance(raw[key], dict):
            raise ManifestError(f"'{key}' must be a mapping", source=str(file), field=key)
    keywords = raw.get("keywords") or []
    if isinstance(keywords, str):
        keywords = [keywords]
    return Manifest(
        path=file,
        name=raw.get("name"),
        keywords=tuple(str(k) for k in keywords),
        policy=raw.get("policy") or {},
        options=raw.get("options") or {},
        sources=tuple(sources),
    )
