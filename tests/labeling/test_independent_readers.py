"""Labels written by hegui are read by independent tools: exiftool (XMP, ID3, PDF, OOXML),
ffprobe (MP4)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from hegui.labeling import AigcLabel, write_label
from tests.labeling.conftest import MediaFactory, ffmpeg, needs_exiftool, needs_ffmpeg


def exiftool(path: Path) -> dict[str, str]:
    output = subprocess.run(
        ["exiftool", "-j", "-a", "-G1", str(path)], capture_output=True, check=True, text=True
    ).stdout
    record: dict[str, str] = json.loads(output)[0]
    return record


@needs_exiftool
@pytest.mark.parametrize(
    ("kind", "tag"),
    [
        ("png", "XMP-TC260:Aigc"),
        ("jpg", "XMP-TC260:Aigc"),
        ("webp", "XMP-TC260:Aigc"),
        ("webp-lossless", "XMP-TC260:Aigc"),
        ("pdf", "PDF:AIGC"),
        ("docx", "XML:AIGC"),
        ("xlsx", "XML:AIGC"),
    ],
)
def test_exiftool_reads_the_label(
    kind: str, tag: str, media: MediaFactory, label: AigcLabel
) -> None:
    path = media(kind)
    write_label(path, label)
    found = exiftool(path)
    assert found[tag] == label.to_json()
    assert not any(k.endswith(":Warning") or k.endswith(":Error") for k in found), found


@needs_exiftool
def test_exiftool_reads_the_id3_frame(media: MediaFactory, label: AigcLabel) -> None:
    path = media("mp3")
    write_label(path, label)
    frames = [v for k, v in exiftool(path).items() if k.endswith(":UserDefinedText")]
    assert frames == [f"(AIGC) {label.to_json()}"]


@needs_ffmpeg
@pytest.mark.parametrize("kind", ["mp4", "mp4-faststart", "mov"])
def test_ffprobe_reads_the_mp4_tag(kind: str, media: MediaFactory, label: AigcLabel) -> None:
    path = media(kind)
    write_label(path, label)
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format_tags", "-of", "json", str(path)],
        capture_output=True, check=True, text=True,
    ).stdout  # fmt: skip
    tags = json.loads(probe)["format"]["tags"]
    assert tags["AIGC"] == label.to_json()
    assert tags["encoder"].startswith("Lavf"), "the existing iTunes-style tags stay readable"


@needs_ffmpeg
def test_label_written_by_ffmpeg_is_read_and_overwritten(
    media: MediaFactory, label: AigcLabel, tmp_path: Path
) -> None:
    from hegui.labeling import read_label, read_labels

    source = media("mp4")
    tagged = tmp_path / "ffmpeg-tagged.mp4"
    old = AigcLabel.first_write("001191110102MACQD9K64018705", "by-ffmpeg")
    ffmpeg("-i", str(source), "-c", "copy", "-metadata", f"AIGC={old.to_json()}",
           "-movflags", "use_metadata_tags", str(tagged))  # fmt: skip
    assert read_label(tagged) == old
    write_label(tagged, label)
    assert [c.location for c in read_labels(tagged)[1]] == ["moov/udta/meta mdta key AIGC"]
    assert read_label(tagged) == label
