"""PDF: ``/AIGC`` entry in the Document Information dictionary (regulation.md §3.4), via pypdf.

The document is cloned object by object (page content and image streams are copied, not
re-encoded) and written whole, so no earlier revision with an old label stays in the file. A
``TC260:AIGC`` property in the document's XMP stream counts as a copy and is removed on write.
Encrypted PDFs are refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hegui.errors import MissingExtraError
from hegui.labeling import xmp
from hegui.labeling.containers.base import Found
from hegui.labeling.errors import CorruptFileError, LabelError
from hegui.labeling.model import FIELD_NAME, AigcLabel

KEY = f"/{FIELD_NAME}"


def _pypdf() -> Any:
    try:
        import pypdf
    except ImportError:
        raise MissingExtraError("PDF labels", "label") from None
    return pypdf


def _open(path: Path) -> Any:
    pypdf = _pypdf()
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        handle.seek(max(0, handle.tell() - 2048))
        if b"%%EOF" not in handle.read():
            raise CorruptFileError("PDF has no %%EOF marker at the end (truncated?)")
    try:
        reader = pypdf.PdfReader(path)
        if reader.is_encrypted:
            raise LabelError("encrypted PDFs cannot be labelled; decrypt it first", path=path)
        _ = len(reader.pages)  # forces the page tree to load, exposing broken files now
    except (pypdf.errors.PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise CorruptFileError(f"not a readable PDF: {exc}") from None
    return reader


def _xmp_stream(root: Any) -> Any:
    metadata = root.get("/Metadata")
    return metadata.get_object() if metadata is not None else None


class PdfContainer:
    """PDF documents."""

    def read(self, path: Path) -> list[Found]:
        """The Info ``/AIGC`` value and XMP ``AIGC`` properties."""
        reader = _open(path)
        found: list[Found] = []
        info = reader.metadata
        if info is not None and KEY in info:
            found.append(Found("PDF Info /AIGC", str(info[KEY])))
        stream = _xmp_stream(reader.trailer["/Root"])
        if stream is not None:
            packet = xmp.decode_packet(stream.get_data())
            found += [Found("PDF XMP TC260:AIGC", v) for v in xmp.find_values(packet)]
        return found

    def write(self, src: Path, dst: Path, label: AigcLabel) -> None:
        """Clone ``src`` with ``/AIGC`` set in the Info dictionary."""
        pypdf = _pypdf()
        reader = _open(src)
        try:
            writer = pypdf.PdfWriter(clone_from=reader)
            writer.add_metadata({KEY: label.to_json()})
            stream = _xmp_stream(writer.root_object)
            if stream is not None:
                packet = xmp.decode_packet(stream.get_data())
                if xmp.find_values(packet):
                    stream.set_data(xmp.remove_values(packet).encode("utf-8"))
            with open(dst, "wb") as out:
                writer.write(out)
        except (pypdf.errors.PyPdfError, ValueError, KeyError, TypeError) as exc:
            raise CorruptFileError(f"cannot rewrite the PDF: {exc}") from None
