"""Opening files as byte streams (with decompression) and iterating lines with a size limit."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
from collections.abc import Iterator
from typing import Any, BinaryIO

from hegui.errors import MissingExtraError

_CHUNK = 1 << 20


def open_bytes(path: str, compression: str | None) -> tuple[BinaryIO, BinaryIO]:
    """``(stream, raw)``: the decompressed byte stream and the file underneath it (whose
    position is the progress). Raises OSError for files that cannot be opened."""
    raw: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed by the caller via close_all
    try:
        if compression is None:
            return raw, raw
        # GzipFile, BZ2File and LZMAFile buffer internally (small buffers: a truncated file
        # still yields every line before the damage).
        if compression == ".gz":
            return _binary(gzip.GzipFile(fileobj=raw, mode="rb")), raw
        if compression == ".bz2":
            return _binary(bz2.BZ2File(raw, mode="rb")), raw
        if compression == ".xz":
            return _binary(lzma.LZMAFile(raw, mode="rb")), raw
        if compression in (".zst", ".zstd"):
            try:
                import zstandard
            except ImportError:
                raise MissingExtraError("reading .zst files", "corpus") from None
            reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)
            return _buffered(reader), raw
    except BaseException:
        raw.close()
        raise
    raw.close()
    raise ValueError(f"unknown compression {compression!r}")


def _buffered(stream: Any) -> BinaryIO:
    buffered: BinaryIO = io.BufferedReader(stream, buffer_size=1 << 16)
    return buffered


def _binary(stream: Any) -> BinaryIO:
    binary: BinaryIO = stream
    return binary


def lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """``(bytes consumed, line)`` for each line of ``stream`` (newline included); the line is
    ``None`` when longer than ``limit`` bytes: it is skipped without holding it in memory."""
    readline = stream.readline
    while True:
        line = readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            size = len(line)
            while True:
                more = readline(_CHUNK)
                size += len(more)
                if not more or more.endswith(b"\n"):
                    break
            yield size, None
            continue
        yield len(line), line


def count_newlines(path: str, end: int) -> int:
    """Newlines in the first ``end`` bytes of a file (line numbers of split shards)."""
    total = 0
    with open(path, "rb") as handle:
        left = end
        while left > 0:
            chunk = handle.read(min(_CHUNK * 16, left))
            if not chunk:
                break
            total += chunk.count(b"\n")
            left -= len(chunk)
    return total
