"""MP4 / MOV: key ``AIGC`` in the ``mdta`` metadata of ``moov/udta/meta`` (regulation.md §3.4).

This is what ``ffmpeg -metadata AIGC=… -movflags use_metadata_tags -c copy`` writes (``hdlr`` of
type ``mdta``, a ``keys`` box naming the key, an ``ilst`` item holding a UTF-8 ``data`` box), done
here without ffmpeg: only the ``moov`` box is loaded and rebuilt; every other top-level box
(``mdat`` included) is copied range by range, so memory does not grow with the file. When
``moov`` precedes the media data and changes size, the chunk offsets in ``stco``/``co64`` are
shifted by the difference.

Read as copies too, and removed on write: ``AIGC`` keys in a ``moov/meta`` (QuickTime) ``mdta``
list, and iTunes freeform items (``----`` with name ``AIGC``).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from hegui.labeling._io import copy_range, file_size, read_exact
from hegui.labeling.containers.base import Found
from hegui.labeling.errors import CorruptFileError, LabelError
from hegui.labeling.model import FIELD_NAME, AigcLabel

KEY = FIELD_NAME.encode("ascii")
_STBL_PATH = (b"trak", b"mdia", b"minf", b"stbl")
_MAX_MOOV = 512 << 20  # a moov this large is not a real file; refuse rather than load it


@dataclass(frozen=True)
class _Box:
    type: bytes
    start: int
    header: int
    end: int

    @property
    def body(self) -> int:
        return self.start + self.header


def _box(btype: bytes, payload: bytes) -> bytes:
    if len(payload) + 8 <= 0xFFFFFFFF:
        return struct.pack(">I4s", len(payload) + 8, btype) + payload
    return struct.pack(">I4sQ", 1, btype, len(payload) + 16) + payload


def _children(buf: bytes, start: int, end: int) -> tuple[list[_Box], int]:
    """Boxes in ``buf[start:end]`` and where they stop (a 4-byte zero terminator may follow)."""
    boxes: list[_Box] = []
    offset = start
    while offset + 8 <= end:
        size, btype = struct.unpack_from(">I4s", buf, offset)
        header = 8
        if size == 1:
            if offset + 16 > end:
                break
            (size,) = struct.unpack_from(">Q", buf, offset + 8)
            header = 16
        elif size == 0:
            size = end - offset
        if size < header or offset + size > end:
            raise CorruptFileError(f"MP4 box {btype!r} at {offset} runs past its parent")
        boxes.append(_Box(btype, offset, header, offset + size))
        offset += size
    return boxes, offset


def _top_level(handle: BinaryIO) -> list[_Box]:
    size = file_size(handle)
    boxes: list[_Box] = []
    offset = 0
    while offset < size:
        handle.seek(offset)
        head = read_exact(handle, min(16, size - offset), "MP4 box header")
        if len(head) < 8:
            raise CorruptFileError("MP4 ends inside a box header (truncated?)")
        length, btype = struct.unpack_from(">I4s", head)
        header = 8
        if length == 1 and len(head) >= 16:
            (length,) = struct.unpack_from(">Q", head, 8)
            header = 16
        elif length == 0:
            length = size - offset
        if length < header or offset + length > size:
            raise CorruptFileError(f"MP4 box {btype!r} runs past the end of the file (truncated?)")
        boxes.append(_Box(btype, offset, header, offset + length))
        offset += length
    moovs = [b for b in boxes if b.type == b"moov"]
    if len(moovs) != 1:
        raise CorruptFileError(f"MP4 must have one moov box, found {len(moovs)}")
    if moovs[0].end - moovs[0].start > _MAX_MOOV:
        raise CorruptFileError("MP4 moov box is implausibly large")
    return boxes


def _read_moov(handle: BinaryIO, boxes: list[_Box]) -> tuple[_Box, bytes]:
    moov = next(b for b in boxes if b.type == b"moov")
    handle.seek(moov.start)
    return moov, read_exact(handle, moov.end - moov.start, "MP4 moov box")


# --- meta boxes ---------------------------------------------------------------------------------


def _meta_children(buf: bytes, meta: _Box) -> tuple[bool, list[_Box]]:
    """(is ISO full box, children) of a ``meta``: ISO has 4 version/flag bytes, QuickTime none."""
    full = buf[meta.body + 4 : meta.body + 8] != b"hdlr"
    children, _ = _children(buf, meta.body + (4 if full else 0), meta.end)
    return full, children


def _handler(buf: bytes, children: list[_Box]) -> bytes:
    hdlr = next((c for c in children if c.type == b"hdlr"), None)
    return buf[hdlr.body + 8 : hdlr.body + 12] if hdlr else b""


def _mdta_items(buf: bytes, children: list[_Box]) -> list[tuple[bytes, bytes, bytes | None]]:
    """(namespace, key, ilst item payload or None) for each key of an ``mdta`` meta."""
    keys = next((c for c in children if c.type == b"keys"), None)
    ilst = next((c for c in children if c.type == b"ilst"), None)
    entries: list[tuple[bytes, bytes]] = []
    if keys is not None:
        entry_boxes, _ = _children(buf, keys.body + 8, keys.end)
        entries = [(e.type, buf[e.body : e.end]) for e in entry_boxes]
    items: dict[int, bytes] = {}
    if ilst is not None:
        for item in _children(buf, ilst.body, ilst.end)[0]:
            items.setdefault(int.from_bytes(item.type, "big"), buf[item.body : item.end])
    return [(ns, key, items.get(i)) for i, (ns, key) in enumerate(entries, 1)]


def _data_values(payload: bytes) -> list[str]:
    values = []
    for data in _children(payload, 0, len(payload))[0]:
        if data.type == b"data":
            values.append(payload[data.body + 8 : data.end].decode("utf-8", "replace"))
    return values


def _freeform_name(payload: bytes) -> bytes:
    for child in _children(payload, 0, len(payload))[0]:
        if child.type == b"name":
            return payload[child.body + 4 : child.end]
    return b""


def _meta_values(buf: bytes, meta: _Box, where: str) -> list[Found]:
    _, children = _meta_children(buf, meta)
    if _handler(buf, children) == b"mdta":
        return [
            Found(f"{where} mdta key AIGC", v)
            for _, key, item in _mdta_items(buf, children)
            if key == KEY and item is not None
            for v in _data_values(item)[:1]
        ]
    found = []
    for ilst in (c for c in children if c.type == b"ilst"):
        for item in _children(buf, ilst.body, ilst.end)[0]:
            payload = buf[item.body : item.end]
            if item.type == b"----" and _freeform_name(payload) == KEY:
                found += [
                    Found(f"{where} freeform ----:AIGC", v) for v in _data_values(payload)[:1]
                ]
    return found


def _new_mdta_meta(value: str) -> bytes:
    hdlr = _box(b"hdlr", b"\x00" * 8 + b"mdta" + b"\x00" * 13)
    return _box(b"meta", b"\x00" * 4 + hdlr + _mdta_boxes([(b"mdta", KEY, _item(value))]))


def _item(value: str) -> bytes:
    return _box(b"data", struct.pack(">II", 1, 0) + value.encode("utf-8"))


def _mdta_boxes(entries: list[tuple[bytes, bytes, bytes | None]]) -> bytes:
    keys = b"".join(_box(ns, key) for ns, key, _ in entries)
    ilst = b"".join(
        _box(i.to_bytes(4, "big"), item) for i, (_, _, item) in enumerate(entries, 1) if item
    )
    return _box(b"keys", struct.pack(">II", 0, len(entries)) + keys) + _box(b"ilst", ilst)


def _rebuild_meta(buf: bytes, meta: _Box, value: str | None) -> bytes:
    """``meta`` without AIGC copies and, when ``value`` is given, with it as the mdta key."""
    full, children = _meta_children(buf, meta)
    out = [buf[meta.body : meta.body + 4]] if full else []
    if _handler(buf, children) == b"mdta":
        entries = [e for e in _mdta_items(buf, children) if e[1] != KEY]
        if value is not None:
            entries.append((b"mdta", KEY, _item(value)))
        out += [buf[c.start : c.end] for c in children if c.type not in (b"keys", b"ilst")]
        out.append(_mdta_boxes(entries))
    else:
        for child in children:
            if child.type != b"ilst":
                out.append(buf[child.start : child.end])
                continue
            items = [
                buf[i.start : i.end]
                for i in _children(buf, child.body, child.end)[0]
                if not (i.type == b"----" and _freeform_name(buf[i.body : i.end]) == KEY)
            ]
            out.append(_box(b"ilst", b"".join(items)))
    return _box(b"meta", b"".join(out))


def _is_mdta(buf: bytes, meta: _Box) -> bool:
    return _handler(buf, _meta_children(buf, meta)[1]) == b"mdta"


# --- moov ---------------------------------------------------------------------------------------


def _moov_values(moov: bytes) -> list[Found]:
    found: list[Found] = []
    for child in _children(moov, 8, len(moov))[0]:
        if child.type == b"meta":
            found += _meta_values(moov, child, "moov/meta")
        elif child.type == b"udta":
            for box in _children(moov, child.body, child.end)[0]:
                if box.type == b"meta":
                    found += _meta_values(moov, box, "moov/udta/meta")
    return found


def _rebuild_udta(moov: bytes, udta: _Box | None, value: str) -> bytes:
    parts: list[bytes] = []
    placed = False
    if udta is not None:
        boxes, stop = _children(moov, udta.body, udta.end)
        for box in boxes:
            if box.type != b"meta":
                parts.append(moov[box.start : box.end])
            elif _is_mdta(moov, box) and not placed:
                parts.append(_rebuild_meta(moov, box, value))
                placed = True
            else:
                parts.append(_rebuild_meta(moov, box, None))
        if not placed:
            parts.append(_new_mdta_meta(value))
        parts.append(moov[stop : udta.end])  # keep a QuickTime zero terminator, if any
    else:
        parts.append(_new_mdta_meta(value))
    return _box(b"udta", b"".join(parts))


def _rebuild_moov(moov: bytes, value: str) -> bytearray:
    children, _ = _children(moov, 8, len(moov))
    udta = next((c for c in children if c.type == b"udta"), None)
    parts: list[bytes] = []
    for child in children:
        if child.type == b"udta":
            if child is udta:
                parts.append(_rebuild_udta(moov, udta, value))
        elif child.type == b"meta":
            parts.append(_rebuild_meta(moov, child, None))
        else:
            parts.append(moov[child.start : child.end])
    if udta is None:
        parts.append(_rebuild_udta(moov, None, value))
    return bytearray(_box(b"moov", b"".join(parts)))


def _shift_chunk_offsets(moov: bytearray, threshold: int, delta: int) -> None:
    """Add ``delta`` to every stco/co64 offset at or after ``threshold`` (the old moov end)."""
    buf = bytes(moov)
    for trak in _children(buf, 8, len(buf))[0]:
        boxes = [trak] if trak.type == b"trak" else []
        for btype in _STBL_PATH[1:]:
            boxes = [c for b in boxes for c in _children(buf, b.body, b.end)[0] if c.type == btype]
        for table in (c for b in boxes for c in _children(buf, b.body, b.end)[0]):
            if table.type not in (b"stco", b"co64"):
                continue
            width, fmt = (4, ">I") if table.type == b"stco" else (8, ">Q")
            (count,) = struct.unpack_from(">I", buf, table.body + 4)
            if table.body + 8 + count * width > table.end:
                raise CorruptFileError(f"MP4 {table.type.decode()} table is truncated")
            for pos in range(table.body + 8, table.body + 8 + count * width, width):
                (offset,) = struct.unpack_from(fmt, buf, pos)
                if offset >= threshold:
                    offset += delta
                    if offset > (0xFFFFFFFF if width == 4 else 0xFFFFFFFFFFFFFFFF):
                        raise LabelError("the new chunk offsets do not fit 32-bit stco")
                    struct.pack_into(fmt, moov, pos, offset)


class Mp4Container:
    """ISO base media files and QuickTime movies (MP4, MOV, M4V, M4A)."""

    def read(self, path: Path) -> list[Found]:
        """Label copies in the moov metadata; only the moov box is read."""
        with open(path, "rb") as handle:
            _, moov = _read_moov(handle, _top_level(handle))
        return _moov_values(moov)

    def write(self, src: Path, dst: Path, label: AigcLabel) -> None:
        """Rebuild moov with the label; copy every other box as it is."""
        with open(src, "rb") as handle, open(dst, "wb") as out:
            boxes = _top_level(handle)
            old, moov = _read_moov(handle, boxes)
            new = _rebuild_moov(moov, label.to_json())
            delta = len(new) - len(moov)
            after = [b for b in boxes if b.start >= old.end]
            if delta and after:
                if any(b.type in (b"moof", b"sidx", b"mfra") for b in after):
                    raise LabelError(
                        "fragmented MP4 with moov first cannot change size; remux it "
                        "(ffmpeg -c copy) to a regular MP4 first"
                    )
                _shift_chunk_offsets(new, old.end, delta)
            for box in boxes:
                if box is old:
                    out.write(new)
                else:
                    copy_range(handle, out, box.start, box.end - box.start)
