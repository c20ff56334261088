"""Turning a manifest's paths into an ordered list of shards (units of work).

One shard is one file, or one byte range of a large uncompressed JSONL / line-text file, or one
range of row groups of a large Parquet file. The order (sources as listed, files sorted, ranges in
file order) is part of the audit: the first copy of a duplicate is the one earliest in it.
"""

from __future__ import annotations

import glob
import importlib
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from hegui.corpus.errors import ManifestError
from hegui.corpus.manifest import Format, Manifest, Source, TextUnit

COMPRESSIONS = (".gz", ".zst", ".zstd", ".bz2", ".xz")
SUFFIX_FORMATS: dict[str, Format] = {
    ".jsonl": Format.JSONL,
    ".ndjson": Format.JSONL,
    ".json": Format.JSONL,
    ".parquet": Format.PARQUET,
    ".pq": Format.PARQUET,
    ".txt": Format.TEXT,
    ".text": Format.TEXT,
    ".md": Format.TEXT,
    ".csv": Format.CSV,
    ".tsv": Format.CSV,
    ".arrow": Format.HF,
}


class Shard(BaseModel):
    """A unit of work: part or all of one file of one source."""

    model_config = ConfigDict(frozen=True)

    index: int
    source: str
    path: str
    """Absolute path of the file."""
    rel: str
    """The path as shown in reports and document keys (relative to the manifest when inside)."""
    format: Format
    size: int
    """Bytes of the file this shard covers (for progress and scheduling)."""
    start: int = 0
    """Byte offset (JSONL/text) or first row group (Parquet) of the range."""
    end: int | None = None
    """End of the range (exclusive); None for the whole file."""
    first_line: int = 1
    """Parquet ranges: 1-based row number of the range's first row."""
    exists: bool = True

    @property
    def name(self) -> str:
        """File-name-safe id of the shard (``00042``)."""
        return f"{self.index:05d}"

    @property
    def compression(self) -> str | None:
        suffix = Path(self.path).suffix.lower()
        return suffix if suffix in COMPRESSIONS else None


def detect_format(path: Path, declared: Format | None) -> Format | None:
    """The declared format, or the one the suffix (after a compression suffix) implies."""
    if declared is not None:
        return declared
    suffixes = [s.lower() for s in path.suffixes]
    while suffixes and suffixes[-1] in COMPRESSIONS:
        suffixes.pop()
    return SUFFIX_FORMATS.get(suffixes[-1]) if suffixes else None


def plan_shards(manifest: Manifest, *, shard_bytes: int) -> tuple[list[Shard], dict[str, int]]:
    """All shards of the manifest in audit order, and per source the number of files found.

    A path without glob characters that does not exist becomes a shard that reports
    ``missing_file`` (the audit goes on); a glob that matches nothing gives the source zero files.
    A file whose format cannot be told from its suffix is a :class:`ManifestError`.
    """
    shards: list[Shard] = []
    files_per_source: dict[str, int] = {}
    for source in manifest.sources:
        files = _expand(manifest, source)
        files_per_source[source.id] = sum(1 for _, exists in files if exists)
        for file, exists in files:
            fmt = Format.HF if file.suffix == ".arrow" and source.format is None else None
            fmt = fmt or detect_format(file, source.format)
            if fmt is None:
                raise ManifestError(
                    f"cannot tell the format of {file.name}: set 'format' "
                    f"({', '.join(f.value for f in Format)})",
                    source=str(manifest.path),
                    field=f"sources[{source.id}].format",
                )
            rel = _display(file, manifest.base_dir)
            if not exists:
                shards.append(
                    Shard(
                        index=0, source=source.id, path=str(file), rel=rel, format=fmt, size=0,
                        exists=False,
                    )
                )  # fmt: skip
                continue
            shards.extend(_split(source, file, rel, fmt, shard_bytes))
    return [s.model_copy(update={"index": i}) for i, s in enumerate(shards)], files_per_source


def _display(file: Path, base: Path) -> str:
    try:
        return file.relative_to(base).as_posix()
    except ValueError:
        return file.as_posix()


def _expand(manifest: Manifest, source: Source) -> list[tuple[Path, bool]]:
    found: list[tuple[Path, bool]] = []
    seen: set[Path] = set()

    def add(path: Path, exists: bool = True) -> None:
        if path not in seen:
            seen.add(path)
            found.append((path, exists))

    for pattern in source.paths:
        target = manifest.resolve(pattern)
        if glob.has_magic(str(target)):
            for match in sorted(glob.glob(str(target), recursive=True)):
                path = Path(match)
                if path.is_dir():
                    for inner in _folder(path, source):
                        add(inner)
                elif path.is_file():
                    add(path)
        elif target.is_dir():
            for inner in _folder(target, source):
                add(inner)
        else:
            add(target, target.is_file())
    return found


def _folder(folder: Path, source: Source) -> list[Path]:
    """A Hugging Face dataset folder's Arrow files, or the data files inside a plain folder."""
    hf = hf_arrow_files(folder)
    if hf is not None:
        return hf
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and not p.name.startswith(".")
        and detect_format(p, source.format) is not None
    )


def hf_arrow_files(folder: Path) -> list[Path] | None:
    """The data files of a ``save_to_disk`` folder (a Dataset or a DatasetDict), in order; None
    when the folder is not one."""
    dict_file = folder / "dataset_dict.json"
    if dict_file.is_file():
        try:
            splits = json.loads(dict_file.read_text(encoding="utf-8"))["splits"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ManifestError(
                f"unreadable dataset_dict.json: {exc}", source=str(dict_file)
            ) from exc
        files: list[Path] = []
        for split in splits:
            files.extend(hf_arrow_files(folder / str(split)) or [])
        return files
    state = folder / "state.json"
    if state.is_file():
        try:
            names = [d["filename"] for d in json.loads(state.read_text("utf-8"))["_data_files"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise ManifestError(f"unreadable state.json: {exc}", source=str(state)) from exc
        return [folder / n for n in names]
    arrows = sorted(folder.glob("*.arrow"))
    return arrows or None


def _split(source: Source, file: Path, rel: str, fmt: Format, shard_bytes: int) -> list[Shard]:
    size = file.stat().st_size
    base = Shard(index=0, source=source.id, path=str(file), rel=rel, format=fmt, size=size)
    splittable_text = fmt is Format.JSONL or (
        fmt is Format.TEXT and source.text_unit is TextUnit.LINE
    )
    if size <= shard_bytes or base.compression is not None:
        return [base]
    if splittable_text:
        ranges = [(s, min(s + shard_bytes, size)) for s in range(0, size, shard_bytes)]
        return [base.model_copy(update={"start": a, "end": b, "size": b - a}) for a, b in ranges]
    if fmt is Format.PARQUET:
        return _parquet_ranges(base, shard_bytes)
    return [base]


def _parquet_ranges(base: Shard, shard_bytes: int) -> list[Shard]:
    try:
        pq = importlib.import_module("pyarrow.parquet")  # untyped: used as Any
    except ImportError:
        return [base]
    try:
        meta = pq.ParquetFile(base.path).metadata
    except Exception:  # an unreadable file is reported by the reader, not here
        return [base]
    ranges: list[Shard] = []
    start, size, row = 0, 0, 1
    first_row = 1
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        # Compressed bytes on disk, like a whole file's size (progress, scheduling, totals).
        size += sum(group.column(c).total_compressed_size for c in range(group.num_columns))
        row += group.num_rows
        if size >= shard_bytes or g == meta.num_row_groups - 1:
            ranges.append(
                base.model_copy(
                    update={"start": start, "end": g + 1, "size": size, "first_line": first_row}
                )
            )
            start, size, first_row = g + 1, 0, row
    return ranges or [base]
