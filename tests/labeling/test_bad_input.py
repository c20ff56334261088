"""Bad input: truncated or corrupt files, unsupported formats, invalid codes, failing writes.

Every case must end in a LabelError (a HeguiError) with the input byte-for-byte unchanged and no
temporary file left behind.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hegui.errors import HeguiError
from hegui.labeling import (
    AigcLabel,
    CorruptFileError,
    InvalidLabelError,
    LabelError,
    UnsupportedFormatError,
    make_label,
    read_labels,
    write_label,
)
from hegui.labeling.containers import container_for
from hegui.labeling.formats import Format
from tests.labeling.conftest import MediaFactory


def assert_refused(path: Path, label: AigcLabel, error: type[LabelError]) -> None:
    before = path.read_bytes()
    with pytest.raises(error) as caught:
        write_label(path, label)
    assert str(path) in str(caught.value), "the message names the file"
    assert isinstance(caught.value, HeguiError)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if "hegui" in p.name] == []


@pytest.mark.parametrize(
    "kind", ["png", "jpg", "webp", "wav", "mp4", "mp4-faststart", "pdf", "docx"]
)
@pytest.mark.parametrize("keep", [0.6, 0.97])
def test_truncated_files_are_refused(
    kind: str, keep: float, media: MediaFactory, label: AigcLabel
) -> None:
    path = media(kind)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(CorruptFileError):
        read_labels(path)
    assert_refused(path, label, CorruptFileError)


def test_truncated_id3_tag_is_refused(media: MediaFactory, label: AigcLabel) -> None:
    path = media("mp3")
    write_label(path, label)
    path.write_bytes(path.read_bytes()[:40])
    assert_refused(path, label, CorruptFileError)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bad.png", b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + b"\x00" * 17),  # bad CRC
        ("bad.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20),
        ("bad.webp", b"RIFF\x04\x00\x00\x00WEBP"),
        ("bad.wav", b"RIFF\x04\x00\x00\x00WAVE"),
        ("bad.mp4", b"\x00\x00\x00\x10ftypisom\x00\x00\x00\x00"),  # no moov
        ("bad.pdf", b"%PDF-1.7\nnot really\n%%EOF\n"),
        ("bad.docx", b"PK\x03\x04" + b"\x00" * 40),
    ],
)
def test_corrupt_files_are_refused(
    name: str, content: bytes, tmp_path: Path, label: AigcLabel
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert_refused(path, label, LabelError)


def test_damaged_png_pixel_data_is_detected_by_crc(media: MediaFactory, label: AigcLabel) -> None:
    path = media("png")
    data = bytearray(path.read_bytes())
    idat = data.index(b"IDAT")
    data[idat + 10] ^= 0xFF
    path.write_bytes(bytes(data))
    assert_refused(path, label, CorruptFileError)


def test_unsupported_formats(tmp_path: Path, label: AigcLabel) -> None:
    for name, content in (("x.gif", b"GIF89a" + b"\x00" * 20), ("x.bin", b"\x00\x01\x02"),
                          ("x.zip", b"PK\x05\x06" + b"\x00" * 18)):  # fmt: skip
        path = tmp_path / name
        path.write_bytes(content)
        assert_refused(path, label, UnsupportedFormatError)
    with pytest.raises(LabelError, match="file not found"):
        read_labels(tmp_path / "missing.png")


def test_non_utf8_text_is_refused(tmp_path: Path, label: AigcLabel) -> None:
    path = tmp_path / "gbk.md"
    path.write_bytes("中文".encode("gbk"))
    assert_refused(path, label, CorruptFileError)


def test_invalid_codes_are_refused_before_touching_the_file(
    media: MediaFactory, label: AigcLabel
) -> None:
    path = media("png")
    bad = make_label(Label="1", ContentProducer="001191440300708461136A1XGW3", ProduceID="x",
                     ContentPropagator="001191440300708461136A1XGW3", PropagateID="x")  # fmt: skip
    assert_refused(path, bad, InvalidLabelError)


@pytest.mark.parametrize("kind", ["png", "mp4", "txt"])
def test_a_failing_write_leaves_the_input_untouched(
    kind: str, media: MediaFactory, label: AigcLabel, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = media(kind)
    container = container_for(Format.PNG if kind == "png" else Format.MP4 if kind == "mp4"
                              else Format.TEXT)  # fmt: skip

    def half_then_fail(src: Path, dst: Path, _label: AigcLabel) -> None:
        dst.write_bytes(src.read_bytes()[:10])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(container, "write", half_then_fail)
    assert_refused(path, label, LabelError)


def test_a_read_back_mismatch_aborts_the_write(
    media: MediaFactory, label: AigcLabel, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = media("jpg")
    container = container_for(Format.JPEG)
    real_read = container.read
    monkeypatch.setattr(container, "read", lambda p: real_read(p) * 2)
    assert_refused(path, label, LabelError)
