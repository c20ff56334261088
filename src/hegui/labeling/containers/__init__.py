"""One module per container family; :func:`container_for` picks the one for a format."""

from __future__ import annotations

from hegui.labeling.containers.base import Container, Found
from hegui.labeling.containers.jpeg import JpegContainer
from hegui.labeling.containers.mp3 import Mp3Container
from hegui.labeling.containers.mp4 import Mp4Container
from hegui.labeling.containers.ooxml import OoxmlContainer
from hegui.labeling.containers.pdf import PdfContainer
from hegui.labeling.containers.png import PngContainer
from hegui.labeling.containers.text import HtmlContainer, MarkdownContainer, SidecarContainer
from hegui.labeling.containers.wav import WavContainer
from hegui.labeling.containers.webp import WebpContainer
from hegui.labeling.formats import Format

_CONTAINERS: dict[Format, Container] = {
    Format.PNG: PngContainer(),
    Format.JPEG: JpegContainer(),
    Format.WEBP: WebpContainer(),
    Format.WAV: WavContainer(),
    Format.MP3: Mp3Container(),
    Format.MP4: Mp4Container(),
    Format.PDF: PdfContainer(),
    Format.DOCX: OoxmlContainer(),
    Format.XLSX: OoxmlContainer(),
    Format.PPTX: OoxmlContainer(),
    Format.MARKDOWN: MarkdownContainer(),
    Format.HTML: HtmlContainer(),
    Format.TEXT: SidecarContainer(),
}

PLACEMENTS: dict[Format, str] = {
    Format.PNG: "XMP TC260:AIGC in an iTXt chunk (XML:com.adobe.xmp)",
    Format.JPEG: "XMP TC260:AIGC in an APP1 segment",
    Format.WEBP: "XMP TC260:AIGC in the 'XMP ' chunk (VP8X)",
    Format.WAV: "RIFF chunk 'AIGC'",
    Format.MP3: "ID3v2 TXXX frame, description AIGC",
    Format.MP4: "moov/udta/meta (mdta): key AIGC in keys, value in ilst",
    Format.PDF: "/AIGC in the Document Information dictionary",
    Format.DOCX: "docProps/custom.xml property AIGC (vt:lpwstr)",
    Format.XLSX: "docProps/custom.xml property AIGC (vt:lpwstr)",
    Format.PPTX: "docProps/custom.xml property AIGC (vt:lpwstr)",
    Format.MARKDOWN: "YAML front matter key AIGC",
    Format.HTML: '<meta name="AIGC" content="…"> in <head>',
    Format.TEXT: "sidecar file <name>.aigc.json",
}
"""Where hegui writes the label, per format (regulation.md §3.4)."""


def container_for(fmt: Format) -> Container:
    """The container implementation for ``fmt``."""
    return _CONTAINERS[fmt]


__all__ = ["PLACEMENTS", "Container", "Found", "container_for"]
