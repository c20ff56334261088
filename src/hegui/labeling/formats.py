"""File-type detection from content (magic bytes), with the extension only for text formats."""

from __future__ import annotations

import zipfile
from enum import StrEnum
from pathlib import Path

from hegui.labeling.errors import CorruptFileError, LabelError, UnsupportedFormatError


class Format(StrEnum):
    """Containers hegui can label; the value is the short name used in reports."""

    PNG = "png"
    JPEG = "jpeg"
    WEBP = "webp"
    WAV = "wav"
    MP3 = "mp3"
    MP4 = "mp4"
    """ISO base media / QuickTime: MP4, MOV, M4V, M4A."""
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    PPTX = "pptx"
    MARKDOWN = "markdown"
    HTML = "html"
    TEXT = "text"
    """Plain text: the label goes to a sidecar file ``<name>.aigc.json``."""

    @property
    def kind(self) -> str:
        """``image``, ``audio``, ``video``, ``document`` or ``text``."""
        return _KINDS[self]


_KINDS = {
    Format.PNG: "image",
    Format.JPEG: "image",
    Format.WEBP: "image",
    Format.WAV: "audio",
    Format.MP3: "audio",
    Format.MP4: "video",
    Format.PDF: "document",
    Format.DOCX: "document",
    Format.XLSX: "document",
    Format.PPTX: "document",
    Format.MARKDOWN: "text",
    Format.HTML: "text",
    Format.TEXT: "text",
}
_TEXT_EXTENSIONS = {
    ".md": Format.MARKDOWN,
    ".markdown": Format.MARKDOWN,
    ".html": Format.HTML,
    ".htm": Format.HTML,
    ".xhtml": Format.HTML,
    ".txt": Format.TEXT,
    ".text": Format.TEXT,
}
_MP4_BRANDS = {b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip"}
_OOXML = {"word/": Format.DOCX, "xl/": Format.XLSX, "ppt/": Format.PPTX}


def detect_format(path: Path) -> Format:
    """The container of ``path``, decided by its first bytes (text formats by extension).

    Raises:
        LabelError: the file cannot be read.
        UnsupportedFormatError: the content matches no supported container.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(64)
    except FileNotFoundError:
        raise LabelError("file not found", path=path) from None
    except OSError as exc:
        raise LabelError(f"cannot read: {exc.strerror}", path=path) from None
    found = _sniff(head, path)
    if found is not None:
        return found
    suffix = path.suffix.lower()
    if suffix in _TEXT_EXTENSIONS and b"\x00" not in head:
        return _TEXT_EXTENSIONS[suffix]
    raise UnsupportedFormatError(
        "unsupported file type; hegui labels PNG, JPEG, WebP, WAV, MP3, MP4/MOV, PDF, "
        "DOCX/XLSX/PPTX, Markdown, HTML and plain text (.txt)",
        path=path,
    )


def _sniff(head: bytes, path: Path) -> Format | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Format.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return Format.JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Format.WEBP
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Format.WAV
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return Format.MP3
    if head[4:8] in _MP4_BRANDS:
        return Format.MP4
    if head.startswith(b"%PDF-"):
        return Format.PDF
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_kind(path)
    return None


def _ooxml_kind(path: Path) -> Format | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, EOFError):
        if path.suffix.lower() in (".docx", ".xlsx", ".pptx"):
            raise CorruptFileError("damaged Office package (zip) (truncated?)", path=path) from None
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, fmt in _OOXML.items():
        if any(name.startswith(prefix) for name in names):
            return fmt
    return None
