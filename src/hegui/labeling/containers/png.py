"""PNG: XMP in an ``iTXt`` chunk with keyword ``XML:com.adobe.xmp`` (regulation.md §3.4).

Chunks are copied verbatim (image data is never decoded); CRCs are checked on the way. Text chunks
whose keyword is ``AIGC`` (a placement some tools use) are read as label copies and replaced by the
XMP property on write, so a file ends up with one copy.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from hegui.labeling import xmp
from hegui.labeling._io import file_size, read_exact
from hegui.labeling.containers.base import Found
from hegui.labeling.errors import CorruptFileError
from hegui.labeling.model import FIELD_NAME, AigcLabel

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_TEXT_TYPES = {b"tEXt", b"iTXt", b"zTXt"}
_BLOCK = 1 << 20


@dataclass(frozen=True)
class _Chunk:
    type: bytes
    offset: int
    """Offset of the length field."""
    length: int

    @property
    def end(self) -> int:
        return self.offset + 12 + self.length


def _chunks(handle: BinaryIO) -> Iterator[_Chunk]:
    size = file_size(handle)
    handle.seek(0)
    if read_exact(handle, 8, "PNG signature") != SIGNATURE:
        raise CorruptFileError("not a PNG file (bad signature)")
    offset, first = 8, True
    while True:
        handle.seek(offset)
        length, ctype = struct.unpack(">I4s", read_exact(handle, 8, "PNG chunk header"))
        chunk = _Chunk(ctype, offset, length)
        if chunk.end > size:
            raise CorruptFileError(f"PNG chunk {ctype!r} runs past the end of the file")
        if first and ctype != b"IHDR":
            raise CorruptFileError("PNG does not start with IHDR")
        first = False
        _check_crc(handle, chunk)
        yield chunk
        if ctype == b"IEND":
            return
        offset = chunk.end


def _check_crc(handle: BinaryIO, chunk: _Chunk) -> None:
    handle.seek(chunk.offset + 4)
    crc, left = 0, chunk.length + 4
    while left:
        block = handle.read(min(_BLOCK, left))
        crc, left = zlib.crc32(block, crc), left - len(block)
    (stored,) = struct.unpack(">I", read_exact(handle, 4, "PNG CRC"))
    if crc != stored:
        raise CorruptFileError(f"PNG chunk {chunk.type!r} has a bad CRC (damaged file)")


def _payload(handle: BinaryIO, chunk: _Chunk) -> bytes:
    handle.seek(chunk.offset + 8)
    return read_exact(handle, chunk.length, "PNG chunk")


def _parse_text(ctype: bytes, data: bytes) -> tuple[bytes, str]:
    """(keyword, text) of a tEXt, zTXt or iTXt chunk."""
    keyword, sep, rest = data.partition(b"\x00")
    if not sep:
        raise CorruptFileError(f"malformed PNG {ctype.decode()} chunk")
    try:
        if ctype == b"tEXt":
            return keyword, rest.decode("latin-1")
        if ctype == b"zTXt":
            return keyword, zlib.decompress(rest[1:]).decode("latin-1")
        compressed = rest[0] == 1
        _lang, _, rest = rest[2:].partition(b"\x00")
        _translated, _, text = rest.partition(b"\x00")
        raw = zlib.decompress(text) if compressed else text
        return keyword, raw.decode("utf-8")
    except (zlib.error, UnicodeDecodeError, IndexError) as exc:
        raise CorruptFileError(f"malformed PNG {ctype.decode()} chunk: {exc}") from None


def _make_chunk(ctype: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I4s", len(data), ctype) + data + struct.pack(">I", zlib.crc32(ctype + data))
    )


def _xmp_chunk(packet: str) -> bytes:
    return _make_chunk(b"iTXt", xmp.PNG_XMP_KEYWORD + b"\x00\x00\x00\x00\x00" + packet.encode())


class PngContainer:
    """PNG images."""

    def read(self, path: Path) -> list[Found]:
        """Label copies in XMP and in ``AIGC`` text chunks."""
        found: list[Found] = []
        with open(path, "rb") as handle:
            for chunk in _chunks(handle):
                if chunk.type not in _TEXT_TYPES:
                    continue
                keyword, text = _parse_text(chunk.type, _payload(handle, chunk))
                if keyword == xmp.PNG_XMP_KEYWORD:
                    found += [Found("XMP TC260:AIGC in iTXt", v) for v in xmp.find_values(text)]
                elif keyword.decode("latin-1") == FIELD_NAME:
                    found.append(Found(f"{chunk.type.decode()} chunk {FIELD_NAME}", text))
        return found

    def write(self, src: Path, dst: Path, label: AigcLabel) -> None:
        """Copy ``src`` chunk by chunk, updating (or adding after IHDR) the XMP chunk."""
        value = label.to_json()
        with open(src, "rb") as handle, open(dst, "wb") as out:
            chunks = list(_chunks(handle))
            has_xmp = any(_is_xmp(handle, c) for c in chunks)
            xmp_seen = False
            out.write(SIGNATURE)
            for chunk in chunks:
                if chunk.type in _TEXT_TYPES:
                    keyword, text = _parse_text(chunk.type, _payload(handle, chunk))
                    if keyword == xmp.PNG_XMP_KEYWORD:
                        packet = xmp.remove_values(text) if xmp_seen else xmp.set_value(text, value)
                        out.write(_xmp_chunk(packet))
                        xmp_seen = True
                        continue
                    if keyword.decode("latin-1") == FIELD_NAME:
                        continue  # an old copy: the XMP property replaces it
                handle.seek(chunk.offset)
                _copy(handle, out, chunk.end - chunk.offset)
                if chunk.type == b"IHDR" and not has_xmp:
                    out.write(_xmp_chunk(xmp.build_packet(value)))
            handle.seek(chunks[-1].end)
            _copy(handle, out, file_size(handle) - chunks[-1].end)  # bytes after IEND, if any


def _is_xmp(handle: BinaryIO, chunk: _Chunk) -> bool:
    if chunk.type != b"iTXt":
        return False
    handle.seek(chunk.offset + 8)
    return handle.read(len(xmp.PNG_XMP_KEYWORD) + 1) == xmp.PNG_XMP_KEYWORD + b"\x00"


def _copy(handle: BinaryIO, out: BinaryIO, count: int) -> None:
    while count:
        block = handle.read(min(_BLOCK, count))
        if not block:
            raise CorruptFileError("PNG ends early (truncated)")
        out.write(block)
        count -= len(block)
