"""Parquet and Hugging Face ``save_to_disk`` (Arrow IPC) readers, batch by batch with pyarrow."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

from hegui.corpus.document import ProblemKind
from hegui.corpus.readers._base import Item, ReadContext
from hegui.errors import MissingExtraError

BATCH_ROWS = 1024


def _pyarrow() -> Any:
    try:
        # importlib: pyarrow ships no type information, the module is used as Any
        pyarrow = importlib.import_module("pyarrow")
        importlib.import_module("pyarrow.ipc")
        importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise MissingExtraError("reading Parquet and Arrow files", "corpus") from None
    return pyarrow


def _columns(ctx: ReadContext, names: list[str]) -> list[str] | None:
    """The columns to read: all for a cleaned copy, else the text and id columns."""
    if ctx.keep_record:
        return None
    wanted = [ctx.source.text_field]
    if ctx.source.id_field and ctx.source.id_field in names:
        wanted.append(ctx.source.id_field)
    return wanted


def _rows(ctx: ReadContext, batch: Any, first: int) -> Iterator[Item]:
    if ctx.keep_record or ctx.source.id_field:
        for offset, record in enumerate(batch.to_pylist()):
            yield ctx.text_of(record, first + offset)
        return
    field = ctx.source.text_field
    for offset, text in enumerate(batch.column(field).to_pylist()):
        yield ctx.text_of({field: text}, first + offset)


def _no_text(ctx: ReadContext, names: list[str]) -> Item:
    listed = ", ".join(names) or "none"
    return ctx.problem(
        ProblemKind.MISSING_TEXT, None, f"no column {ctx.source.text_field!r} (columns: {listed})"
    )


def read_parquet(ctx: ReadContext) -> Iterator[Item]:
    """Rows of a Parquet file (or of the shard's range of row groups)."""
    pa = _pyarrow()
    shard = ctx.shard
    try:
        handle = pa.parquet.ParquetFile(shard.path)
    except (OSError, pa.ArrowException) as exc:
        yield ctx.problem(ProblemKind.UNREADABLE, None, f"not a readable Parquet file: {exc}")
        return
    with handle:
        names = handle.schema_arrow.names
        if ctx.source.text_field not in names:
            yield _no_text(ctx, names)
            return
        groups = list(range(shard.start, shard.end or handle.metadata.num_row_groups))
        total = sum(handle.metadata.row_group(g).num_rows for g in groups) or 1
        row, done = shard.first_line, 0
        try:
            batches = handle.iter_batches(
                batch_size=BATCH_ROWS, row_groups=groups, columns=_columns(ctx, names)
            )
            for batch in batches:
                yield from _rows(ctx, batch, row)
                row += batch.num_rows
                done += batch.num_rows
                ctx.consumed = shard.size * done // total
        except (OSError, pa.ArrowException) as exc:
            yield ctx.problem(ProblemKind.UNREADABLE, row, f"read error, rest skipped: {exc}")


def read_arrow(ctx: ReadContext) -> Iterator[Item]:
    """Rows of one Arrow file of a ``save_to_disk`` dataset (IPC stream or file format),
    memory-mapped so that only the current batch is materialised."""
    pa = _pyarrow()
    shard = ctx.shard
    try:
        source = pa.memory_map(shard.path, "r")
    except (OSError, pa.ArrowException) as exc:
        yield ctx.problem(ProblemKind.UNREADABLE, None, f"cannot open: {exc}")
        return
    with source:
        try:
            reader = pa.ipc.open_stream(source)
            batches: Iterator[Any] = iter(reader)
            names = reader.schema.names
        except pa.ArrowException:
            try:
                source.seek(0)
                file_reader = pa.ipc.open_file(source)
            except (OSError, pa.ArrowException) as exc:
                yield ctx.problem(ProblemKind.UNREADABLE, None, f"not an Arrow file: {exc}")
                return
            names = file_reader.schema.names
            batches = (file_reader.get_batch(i) for i in range(file_reader.num_record_batches))
        if ctx.source.text_field not in names:
            yield _no_text(ctx, names)
            return
        columns = _columns(ctx, names)
        row = 1
        try:
            for batch in batches:
                view = batch.select(columns) if columns is not None else batch
                yield from _rows(ctx, view, row)
                row += batch.num_rows
                ctx.consumed = source.tell()
        except (OSError, pa.ArrowException) as exc:
            yield ctx.problem(ProblemKind.UNREADABLE, row, f"read error, rest skipped: {exc}")
        ctx.consumed = shard.size
