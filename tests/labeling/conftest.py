"""Media made on the fly for the labeling tests, and the codes they use.

PNG/JPEG/WebP come from Pillow, WAV from the stdlib ``wave``, MP3/MP4 from ffmpeg (tests needing it
are skipped with a reason when it is absent; CI installs it via scripts/install-system).
"""

from __future__ import annotations

import math
import shutil
import subprocess
import wave
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from hegui.labeling import AigcLabel

PRODUCER = "001191440300708461136T1XGW3"
"""A real provider code seen in public material (regulation.md §3.5)."""
PLATFORM = "001191110102MACQD9K64028705"
"""A real propagation-service code (service type 2)."""

HAS_FFMPEG = shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None
HAS_EXIFTOOL = shutil.which("exiftool") is not None
needs_ffmpeg = pytest.mark.skipif(not HAS_FFMPEG, reason="ffmpeg/ffprobe not installed")
needs_exiftool = pytest.mark.skipif(not HAS_EXIFTOOL, reason="exiftool not installed")


@pytest.fixture
def label() -> AigcLabel:
    return AigcLabel.first_write(PRODUCER, "content-0001")


def gradient(width: int = 96, height: int = 64) -> Image.Image:
    """A colourful image whose pixels all differ a little (so re-encoding would show)."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for x in range(width):
        draw.line([(x, 0), (x, height)], fill=(x * 255 // width, 90, 255 - x * 255 // width))
    draw.ellipse((width // 4, height // 4, width // 2, height // 2), fill=(250, 250, 40))
    return image


def write_wav(
    path: Path,
    seconds: float = 0.5,
    rate: int = 8000,
    width: int = 2,
    channels: int = 1,
    tone: float = 440.0,
) -> Path:
    """A sine tone as PCM WAV."""
    full = (1 << (8 * width - 1)) - 1
    frames = bytearray()
    for i in range(int(seconds * rate)):
        level = round(0.3 * full * math.sin(2 * math.pi * tone * i / rate))
        sample = (
            (level + 128).to_bytes(1, "little")
            if width == 1
            else level.to_bytes(width, "little", signed=True)
        )
        frames += sample * channels
    with wave.open(str(path), "wb") as target:
        target.setnchannels(channels)
        target.setsampwidth(width)
        target.setframerate(rate)
        target.writeframes(bytes(frames))
    return path


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-y", "-v", "error", *args], check=True, timeout=120)


def write_docx(path: Path) -> Path:
    """The smallest Word package that Word and exiftool open."""
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>生成的文本</w:t></w:r></w:p></w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("word/document.xml", document)
    return path


MediaFactory = Callable[[str], Path]


@pytest.fixture
def media(tmp_path: Path) -> MediaFactory:
    """``media(kind)`` writes a fresh sample file of that kind into tmp_path and returns it."""

    def make(kind: str) -> Path:
        path = tmp_path / f"sample.{kind}"
        if kind in ("png", "jpg", "webp"):
            fmt = {"png": "PNG", "jpg": "JPEG", "webp": "WEBP"}[kind]
            gradient().save(path, fmt, **({"quality": 90} if kind != "png" else {}))
        elif kind == "webp-lossless":
            path = tmp_path / "sample-lossless.webp"
            gradient().convert("RGBA").save(path, "WEBP", lossless=True)
        elif kind == "wav":
            write_wav(path)
        elif kind in ("mp3", "mp4", "mp4-faststart", "mov"):
            if not HAS_FFMPEG:
                pytest.skip("ffmpeg not installed: cannot make MP3/MP4 samples")
            if kind == "mp3":
                ffmpeg("-f", "lavfi", "-i", "sine=f=440:d=1", "-c:a", "libmp3lame", str(path))
            else:
                suffix = "mov" if kind == "mov" else "mp4"
                path = tmp_path / f"sample-{kind}.{suffix}"
                extra = ["-movflags", "+faststart"] if kind == "mp4-faststart" else []
                ffmpeg(
                    "-f", "lavfi", "-i", "smptebars=s=160x120:d=1:r=10",
                    "-f", "lavfi", "-i", "sine=d=1", "-shortest",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", *extra,
                    str(path),
                )  # fmt: skip
        elif kind == "pdf":
            gradient().save(path, "PDF")
        elif kind == "docx":
            write_docx(path)
        elif kind == "xlsx":
            import openpyxl

            book = openpyxl.Workbook()
            book.active["A1"] = "生成"  # type: ignore[index]
            book.save(path)
        elif kind == "md":
            path.write_text("---\ntitle: 示例\ntags: [a, b]\n---\n# 标题\n\n正文。\n", "utf-8")
        elif kind == "html":
            path.write_text(
                '<!doctype html><html><head><meta charset="utf-8"><title>t</title></head>'
                "<body><p>正文</p></body></html>",
                "utf-8",
            )
        elif kind == "txt":
            path.write_text("生成的纯文本。\n第二行。\n", "utf-8")
        else:
            raise ValueError(kind)
        return path

    return make
