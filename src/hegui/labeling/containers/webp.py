"""WebP: XMP in the ``XMP `` chunk of an extended (``VP8X``) file (regulation.md §3.4).

A simple file (one ``VP8 `` or ``VP8L`` chunk) is turned into the extended form by adding a
``VP8X`` header chunk whose canvas size is read from the bitstream header; the bitstream itself is
copied unchanged. The XMP flag in ``VP8X`` is set, and the ``XMP `` chunk goes last, as the
container specification orders it.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

from hegui.labeling import xmp
from hegui.labeling.containers import _riff
from hegui.labeling.containers.base import Found
from hegui.labeling.errors import CorruptFileError
from hegui.labeling.model import FIELD_NAME, AigcLabel

_XMP_ID = b"XMP "
_FLAG_XMP = 0x04
_FLAG_ALPHA = 0x10


def _canvas(handle: BinaryIO, chunk: _riff.Chunk) -> tuple[int, int, bool]:
    """(width, height, has_alpha) from a VP8 or VP8L bitstream header."""
    head = _riff.data(handle, _riff.Chunk(chunk.id, chunk.offset, min(chunk.size, 10)))
    if chunk.id == b"VP8 ":
        if len(head) < 10 or head[3:6] != b"\x9d\x01\x2a":
            raise CorruptFileError("WebP VP8 bitstream has no start code")
        width, height = struct.unpack("<HH", head[6:10])
        return width & 0x3FFF, height & 0x3FFF, False
    if len(head) < 5 or head[0] != 0x2F:
        raise CorruptFileError("WebP VP8L bitstream has no signature")
    bits = int.from_bytes(head[1:5], "little")
    return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, bool((bits >> 28) & 1)


def _vp8x(width: int, height: int, flags: int) -> bytes:
    payload = bytes([flags, 0, 0, 0]) + (width - 1).to_bytes(3, "little")
    return _riff.make_chunk(b"VP8X", payload + (height - 1).to_bytes(3, "little"))


def _image_chunks(chunks: list[_riff.Chunk]) -> list[_riff.Chunk]:
    found = [c for c in chunks if c.id in (b"VP8 ", b"VP8L", b"VP8X")]
    if not found:
        raise CorruptFileError("WebP has no VP8, VP8L or VP8X chunk")
    return found


class WebpContainer:
    """WebP images, lossy or lossless, still or animated."""

    def read(self, path: Path) -> list[Found]:
        """Label copies in the XMP chunk (and in a chunk named ``AIGC``, if a tool wrote one)."""
        found: list[Found] = []
        with open(path, "rb") as handle:
            chunks = _riff.parse(handle, b"WEBP")
            _image_chunks(chunks)
            for chunk in chunks:
                if chunk.id == _XMP_ID:
                    packet = xmp.decode_packet(_riff.data(handle, chunk))
                    found += [
                        Found("XMP TC260:AIGC in XMP chunk", v) for v in xmp.find_values(packet)
                    ]
                elif chunk.id == FIELD_NAME.encode():
                    found.append(
                        Found(
                            "RIFF chunk AIGC",
                            _riff.data(handle, chunk).decode("utf-8", "replace").rstrip("\x00"),
                        )
                    )
        return found

    def write(self, src: Path, dst: Path, label: AigcLabel) -> None:
        """Copy the chunks, set the XMP flag and write the XMP chunk last."""
        value = label.to_json()
        with open(src, "rb") as handle, open(dst, "wb") as out:
            chunks = _riff.parse(handle, b"WEBP")
            first = _image_chunks(chunks)[0]
            packet: str | None = None
            parts: list[_riff.Chunk | bytes] = []
            if first.id != b"VP8X":
                width, height, alpha = _canvas(handle, first)
                parts.append(_vp8x(width, height, _FLAG_XMP | (_FLAG_ALPHA if alpha else 0)))
            for chunk in chunks:
                if chunk.id == _XMP_ID:
                    packet = xmp.decode_packet(_riff.data(handle, chunk))
                elif chunk.id == b"VP8X":
                    header = bytearray(_riff.data(handle, chunk))
                    header[0] |= _FLAG_XMP
                    parts.append(_riff.make_chunk(b"VP8X", bytes(header)))
                elif chunk.id != FIELD_NAME.encode():
                    parts.append(chunk)
            parts.append(_riff.make_chunk(_XMP_ID, xmp.set_value(packet, value).encode("utf-8")))
            _riff.rewrite(handle, out, b"WEBP", parts)
