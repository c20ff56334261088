"""RIFF chunk lists (WAV, WebP): parse, and rewrite with some chunks replaced or added."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from hegui.labeling._io import copy_range, file_size, read_exact
from hegui.labeling.errors import CorruptFileError


@dataclass(frozen=True)
class Chunk:
    """One top-level chunk inside ``RIFF``; ``offset`` is where its 8-byte header starts."""

    id: bytes
    offset: int
    size: int

    @property
    def data_offset(self) -> int:
        return self.offset + 8

    @property
    def end(self) -> int:
        """End including the pad byte that keeps chunks at even offsets."""
        return self.offset + 8 + self.size + (self.size & 1)


def parse(handle: BinaryIO, form: bytes) -> list[Chunk]:
    """Top-level chunks of a ``RIFF`` file of type ``form`` (``WAVE``, ``WEBP``)."""
    size = file_size(handle)
    handle.seek(0)
    magic, riff_size, kind = struct.unpack("<4sI4s", read_exact(handle, 12, "RIFF header"))
    if magic != b"RIFF" or kind != form:
        raise CorruptFileError(f"not a RIFF {form.decode()} file")
    end = 8 + riff_size
    if end > size:
        raise CorruptFileError(
            f"RIFF size says {end} bytes but the file has {size} (truncated or RF64?)"
        )
    chunks: list[Chunk] = []
    offset = 12
    while offset + 8 <= end:
        handle.seek(offset)
        cid, csize = struct.unpack("<4sI", read_exact(handle, 8, "RIFF chunk header"))
        chunk = Chunk(cid, offset, csize)
        if chunk.data_offset + csize > end:
            raise CorruptFileError(f"RIFF chunk {cid!r} runs past the end of the data")
        chunks.append(chunk)
        offset = chunk.end
    return chunks


def data(handle: BinaryIO, chunk: Chunk) -> bytes:
    """The payload of a (small) chunk."""
    handle.seek(chunk.data_offset)
    return read_exact(handle, chunk.size, f"RIFF chunk {chunk.id!r}")


def make_chunk(cid: bytes, payload: bytes) -> bytes:
    """Header, payload and pad byte of a new chunk."""
    return struct.pack("<4sI", cid, len(payload)) + payload + (b"\x00" if len(payload) & 1 else b"")


def rewrite(
    handle: BinaryIO,
    out: BinaryIO,
    form: bytes,
    parts: Sequence[Chunk | bytes],
) -> None:
    """Write a RIFF file made of ``parts``: existing chunks (copied) or new chunk bytes."""
    size = file_size(handle)
    out.write(b"RIFF\x00\x00\x00\x00" + form)
    for part in parts:
        if isinstance(part, bytes):
            out.write(part)
        else:
            out.write(struct.pack("<4sI", part.id, part.size))
            # Some writers omit the pad byte after an odd last chunk; add it back.
            end = min(part.end, size)
            copy_range(handle, out, part.data_offset, end - part.data_offset)
            out.write(b"\x00" * (part.end - end))
    total = out.tell()
    if total - 8 > 0xFFFFFFFF:
        raise CorruptFileError("result exceeds the 4 GiB RIFF limit")
    out.seek(4)
    out.write(struct.pack("<I", total - 8))
    out.seek(total)
