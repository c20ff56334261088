"""MP4 specifics: chunk-offset patching, fragmented files, foreign metadata layouts."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from hegui.labeling import AigcLabel, LabelError, read_label, read_labels, write_label
from hegui.labeling.containers.mp4 import _box, _shift_chunk_offsets
from tests.labeling.conftest import MediaFactory, ffmpeg, needs_ffmpeg


def _moov_with_tables(stco: list[int], co64: list[int]) -> bytearray:
    stco_box = _box(
        b"stco", struct.pack(">II", 0, len(stco)) + b"".join(struct.pack(">I", o) for o in stco)
    )
    co64_box = _box(
        b"co64", struct.pack(">II", 0, len(co64)) + b"".join(struct.pack(">Q", o) for o in co64)
    )
    trak = lambda table: _box(b"trak", _box(b"mdia", _box(b"minf", _box(b"stbl", table))))  # noqa: E731
    return bytearray(_box(b"moov", trak(stco_box) + trak(co64_box)))


def _offsets(moov: bytes, table: bytes) -> list[int]:
    at = moov.index(table) + 4
    (count,) = struct.unpack_from(">I", moov, at + 4)
    width, fmt = (4, ">I") if table == b"stco" else (8, ">Q")
    return [struct.unpack_from(fmt, moov, at + 8 + i * width)[0] for i in range(count)]


def test_only_offsets_after_the_old_moov_move() -> None:
    moov = _moov_with_tables([10, 500, 900], [20, 1 << 33])
    _shift_chunk_offsets(moov, threshold=500, delta=64)
    assert _offsets(moov, b"stco") == [10, 564, 964]
    assert _offsets(moov, b"co64") == [20, (1 << 33) + 64]


def test_a_32_bit_overflow_is_refused() -> None:
    moov = _moov_with_tables([0xFFFFFFF0], [])
    with pytest.raises(LabelError, match="32-bit"):
        _shift_chunk_offsets(moov, threshold=0, delta=64)


@needs_ffmpeg
def test_fragmented_mp4_with_moov_first_is_refused(tmp_path: Path, label: AigcLabel) -> None:
    path = tmp_path / "frag.mp4"
    ffmpeg("-f", "lavfi", "-i", "smptebars=s=64x48:d=1:r=10", "-c:v", "libx264", "-preset",
           "ultrafast", "-movflags", "frag_keyframe+empty_moov", str(path))  # fmt: skip
    before = path.read_bytes()
    assert read_labels(path)[1] == []
    with pytest.raises(LabelError, match="fragmented"):
        write_label(path, label)
    assert path.read_bytes() == before


@needs_ffmpeg
def test_relabelling_a_faststart_file_twice_keeps_it_playable(
    media: MediaFactory, label: AigcLabel
) -> None:
    path = media("mp4-faststart")
    write_label(path, label)
    size = path.stat().st_size
    write_label(path, label.with_propagation("001191110102MACQD9K64028705", "p-1"))
    assert path.stat().st_size == size + len("001191110102MACQD9K64028705p-1") - len(
        "001191440300708461136T1XGW3content-0001"
    )
    ffmpeg("-i", str(path), "-f", "null", "-")  # decodes every frame or raises
    assert read_label(path) is not None


@needs_ffmpeg
def test_itunes_freeform_copy_is_read_and_removed(
    media: MediaFactory, label: AigcLabel, tmp_path: Path
) -> None:
    from mutagen.mp4 import MP4, MP4FreeForm

    path = media("mp4")
    tagged = MP4(path)
    assert tagged.tags is not None
    tagged.tags["----:com.tc260:AIGC"] = [MP4FreeForm(label.to_json().encode())]
    tagged.save()
    assert [c.location for c in read_labels(path)[1]] == ["moov/udta/meta freeform ----:AIGC"]
    write_label(path, label)
    assert [c.location for c in read_labels(path)[1]] == ["moov/udta/meta mdta key AIGC"]
