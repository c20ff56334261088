"""JPEG: XMP packet in an APP1 segment (regulation.md §3.4).

Marker segments up to the first SOS are parsed; the entropy-coded data after it is copied as is
(in-kernel where possible). A file without an EOI marker after the image data is refused as
truncated. A new XMP segment
goes after the leading APP0 (JFIF) / APP1 (Exif) segments, where readers expect it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from hegui.labeling import xmp
from hegui.labeling._io import copy_range, file_size, read_exact
from hegui.labeling.containers.base import Found
from hegui.labeling.errors import CorruptFileError, LabelError
from hegui.labeling.model import AigcLabel

_SOI, _SOS, _EOI, _APP0, _APP1 = 0xD8, 0xDA, 0xD9, 0xE0, 0xE1
_NO_LENGTH = {0x01, *range(0xD0, 0xD8)}  # TEM and RSTn have no length field
_MAX_XMP = 65535 - 2 - len(xmp.XMP_JPEG_SIGNATURE)
_BLOCK = 1 << 20
_TAIL = 1 << 16


@dataclass(frozen=True)
class _Segment:
    marker: int
    offset: int
    """Offset of the 0xFF of the marker."""
    length: int
    """Value of the length field (includes its own two bytes)."""

    @property
    def end(self) -> int:
        return self.offset + 2 + self.length


def _segments(handle: BinaryIO) -> tuple[list[_Segment], int]:
    """Marker segments before the first SOS, and the offset where the SOS segment starts."""
    size = file_size(handle)
    handle.seek(0)
    if read_exact(handle, 2, "JPEG header") != b"\xff\xd8":
        raise CorruptFileError("not a JPEG file (no SOI marker)")
    segments: list[_Segment] = []
    offset = 2
    while True:
        handle.seek(offset)
        byte = read_exact(handle, 1, "JPEG marker")
        if byte != b"\xff":
            raise CorruptFileError(f"JPEG marker expected at byte {offset}")
        marker = 0xFF
        while marker == 0xFF:  # fill bytes
            marker = read_exact(handle, 1, "JPEG marker")[0]
            offset += 1
        offset -= 1  # offset now points at the last 0xFF before the marker code
        if marker == _SOS:
            return segments, offset
        if marker in (_EOI, _SOI):
            raise CorruptFileError("JPEG has no image data (EOI before SOS)")
        if marker in _NO_LENGTH:
            offset += 2
            continue
        (length,) = struct.unpack(">H", read_exact(handle, 2, "JPEG segment length"))
        segment = _Segment(marker, offset, length)
        if length < 2 or segment.end > size:
            raise CorruptFileError(f"JPEG segment 0x{marker:02X} runs past the end of the file")
        segments.append(segment)
        offset = segment.end


def _payload(handle: BinaryIO, segment: _Segment) -> bytes:
    handle.seek(segment.offset + 4)
    return read_exact(handle, segment.length - 2, "JPEG segment")


def _is_xmp(handle: BinaryIO, segment: _Segment) -> bool:
    if segment.marker != _APP1 or segment.length < 2 + len(xmp.XMP_JPEG_SIGNATURE):
        return False
    handle.seek(segment.offset + 4)
    return handle.read(len(xmp.XMP_JPEG_SIGNATURE)) == xmp.XMP_JPEG_SIGNATURE


def _xmp_segment(packet: str) -> bytes:
    data = packet.encode("utf-8")
    if len(data) > _MAX_XMP:
        raise LabelError(
            f"XMP packet of {len(data)} bytes does not fit one APP1 segment "
            f"(max {_MAX_XMP}); extended XMP is not supported"
        )
    body = xmp.XMP_JPEG_SIGNATURE + data
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def _check_eoi(handle: BinaryIO, sos: int) -> None:
    """Require an EOI marker after the image data; a truncated file has none."""
    size = file_size(handle)
    tail = min(_TAIL, size - sos)
    handle.seek(size - tail)
    if b"\xff\xd9" in handle.read(tail):  # the usual case: EOI at (or near) the very end
        return
    handle.seek(sos)
    previous = b""
    while block := handle.read(_BLOCK):  # trailing data after EOI (rare): search everything
        if b"\xff\xd9" in previous + block[:1] or b"\xff\xd9" in block:
            return
        previous = block[-1:]
    raise CorruptFileError("JPEG has no EOI marker after the image data (truncated?)")


class JpegContainer:
    """JPEG/JFIF/Exif images."""

    def read(self, path: Path) -> list[Found]:
        """Label copies in standard XMP APP1 segments."""
        found: list[Found] = []
        with open(path, "rb") as handle:
            segments, sos = _segments(handle)
            for segment in segments:
                if _is_xmp(handle, segment):
                    packet = _payload(handle, segment)[len(xmp.XMP_JPEG_SIGNATURE) :]
                    values = xmp.find_values(xmp.decode_packet(packet))
                    found += [Found("XMP TC260:AIGC in APP1", v) for v in values]
            _check_eoi(handle, sos)
        return found

    def write(self, src: Path, dst: Path, label: AigcLabel) -> None:
        """Copy ``src`` segment by segment, updating or inserting the XMP APP1 segment."""
        value = label.to_json()
        with open(src, "rb") as handle, open(dst, "wb") as out:
            segments, sos = _segments(handle)
            xmp_at = [i for i, s in enumerate(segments) if _is_xmp(handle, s)]
            insert_after = 0
            while insert_after < len(segments) and segments[insert_after].marker in (_APP0, _APP1):
                insert_after += 1
            out.write(b"\xff\xd8")
            if not xmp_at and insert_after == 0:
                out.write(_xmp_segment(xmp.build_packet(value)))
            for index, segment in enumerate(segments):
                if index in xmp_at:
                    payload = _payload(handle, segment)[len(xmp.XMP_JPEG_SIGNATURE) :]
                    packet = xmp.decode_packet(payload)
                    edited = xmp.set_value(packet, value) if index == xmp_at[0] else None
                    out.write(_xmp_segment(edited or xmp.remove_values(packet)))
                else:
                    handle.seek(segment.offset)
                    out.write(read_exact(handle, segment.end - segment.offset, "JPEG segment"))
                if not xmp_at and index == insert_after - 1:
                    out.write(_xmp_segment(xmp.build_packet(value)))
            _check_eoi(handle, sos)
            copy_range(handle, out, sos, file_size(handle) - sos)
