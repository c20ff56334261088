"""WAV: an extra RIFF chunk with id ``AIGC`` holding the JSON (regulation.md §3.4).

The audio chunks are copied unchanged; the label chunk goes after them. Other places a label may
sit in a WAV (an ``AIGC`` entry in ``LIST/INFO``, ``TC260:AIGC`` in an XMP ``_PMX`` chunk) are read
as copies and removed on write, so the file keeps exactly one.
"""

from __future__ import annotations

from pathlib import Path

from hegui.labeling import xmp
from hegui.labeling.containers import _riff
from hegui.labeling.containers.base import Found
from hegui.labeling.errors import CorruptFileError
from hegui.labeling.model import FIELD_NAME, AigcLabel

CHUNK_ID = FIELD_NAME.encode("ascii")
_XMP_ID = b"_PMX"


def _text(payload: bytes) -> str:
    try:
        return payload.rstrip(b"\x00").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorruptFileError(f"AIGC chunk is not UTF-8 text: {exc}") from None


def _info_entries(payload: bytes) -> list[tuple[bytes, bytes]]:
    """Sub-chunks of a ``LIST`` payload after its 4-byte list type."""
    entries, offset = [], 4
    while offset + 8 <= len(payload):
        cid, size = (
            payload[offset : offset + 4],
            int.from_bytes(payload[offset + 4 : offset + 8], "little"),
        )
        entries.append((cid, payload[offset + 8 : offset + 8 + size]))
        offset += 8 + size + (size & 1)
    return entries


def _check_wave(chunks: list[_riff.Chunk]) -> None:
    ids = {c.id for c in chunks}
    if b"fmt " not in ids or b"data" not in ids:
        raise CorruptFileError("WAV has no 'fmt ' or 'data' chunk")


class WavContainer:
    """RIFF WAVE audio."""

    def read(self, path: Path) -> list[Found]:
        """Label copies in ``AIGC`` chunks, ``LIST/INFO`` entries and XMP."""
        found: list[Found] = []
        with open(path, "rb") as handle:
            chunks = _riff.parse(handle, b"WAVE")
            _check_wave(chunks)
            for chunk in chunks:
                if chunk.id == CHUNK_ID:
                    found.append(Found("RIFF chunk AIGC", _text(_riff.data(handle, chunk))))
                elif chunk.id == b"LIST":
                    payload = _riff.data(handle, chunk)
                    for cid, value in _info_entries(payload) if payload[:4] == b"INFO" else []:
                        if cid == CHUNK_ID:
                            found.append(Found("RIFF LIST/INFO AIGC", _text(value)))
                elif chunk.id == _XMP_ID:
                    packet = xmp.decode_packet(_riff.data(handle, chunk))
                    found += [Found("XMP TC260:AIGC in _PMX", v) for v in xmp.find_values(packet)]
        return found

    def write(self, src: Path, dst: Path, label: AigcLabel) -> None:
        """Copy every chunk but old label copies, then append the ``AIGC`` chunk."""
        with open(src, "rb") as handle, open(dst, "wb") as out:
            chunks = _riff.parse(handle, b"WAVE")
            _check_wave(chunks)
            parts: list[_riff.Chunk | bytes] = []
            for chunk in chunks:
                if chunk.id == CHUNK_ID:
                    continue
                if chunk.id == b"LIST" and chunk.size < 1 << 20:
                    payload = _riff.data(handle, chunk)
                    entries = _info_entries(payload) if payload[:4] == b"INFO" else []
                    if any(cid == CHUNK_ID for cid, _ in entries):
                        kept = b"".join(_riff.make_chunk(c, v) for c, v in entries if c != CHUNK_ID)
                        parts.append(_riff.make_chunk(b"LIST", b"INFO" + kept))
                        continue
                if chunk.id == _XMP_ID:
                    packet = xmp.decode_packet(_riff.data(handle, chunk))
                    if xmp.find_values(packet):
                        edited = xmp.remove_values(packet).encode("utf-8")
                        parts.append(_riff.make_chunk(_XMP_ID, edited))
                        continue
                parts.append(chunk)
            parts.append(_riff.make_chunk(CHUNK_ID, label.to_json().encode("ascii")))
            _riff.rewrite(handle, out, b"WAVE", parts)
