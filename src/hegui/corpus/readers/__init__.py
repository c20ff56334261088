"""Streaming readers: JSONL (plain, .gz, .zst, .bz2, .xz), plain text, CSV/TSV, Parquet and
Hugging Face datasets saved to disk. Each yields documents and read problems for one shard,
holding at most one document (or one Arrow batch) in memory."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from hegui.corpus.document import ProblemKind
from hegui.corpus.manifest import Format
from hegui.corpus.readers._base import Item, ReadContext
from hegui.corpus.readers.arrow import read_arrow, read_parquet
from hegui.corpus.readers.lines import read_jsonl, read_text
from hegui.corpus.readers.table import read_csv

READERS: dict[Format, Callable[[ReadContext], Iterator[Item]]] = {
    Format.JSONL: read_jsonl,
    Format.TEXT: read_text,
    Format.CSV: read_csv,
    Format.PARQUET: read_parquet,
    Format.HF: read_arrow,
}


def read_shard(ctx: ReadContext) -> Iterator[Item]:
    """Documents and problems of ``ctx.shard``. A missing file or an I/O error that stops the
    file is one problem; the caller goes on with the next shard."""
    shard = ctx.shard
    if not shard.exists:
        yield ctx.problem(ProblemKind.MISSING_FILE, None, "file not found")
        return
    try:
        yield from READERS[shard.format](ctx)
    except (OSError, EOFError, ValueError) as exc:
        # Truncated or corrupt compressed streams surface here (gzip: EOFError/BadGzipFile,
        # zstd/lzma: ZstdError/LZMAError are ValueError/OSError subclasses or wrapped below).
        yield ctx.problem(ProblemKind.UNREADABLE, ctx.line, f"read error, rest skipped: {exc}")
    except Exception as exc:
        if type(exc).__module__.startswith(("zstd", "zstandard", "_lzma", "lzma")):
            yield ctx.problem(ProblemKind.UNREADABLE, ctx.line, f"read error, rest skipped: {exc}")
        else:
            raise


__all__ = ["READERS", "Item", "ReadContext", "read_shard"]
