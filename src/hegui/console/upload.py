"""Defensive reading of uploaded review workbooks (XLSX): size, zip structure, then the parser."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from hegui.console.errors import ConsoleError
from hegui.judges.review_sheet import import_workbook
from hegui.store.store import Review

MAX_ENTRIES = 2000
MAX_EXPANSION = 40
"""Largest ratio of unpacked to packed size (a zip bomb goes far beyond)."""


def read_review_upload(
    data: bytes, filename: str, run_id: str, *, reviewer: str, limit: int
) -> tuple[list[Review], int]:
    """The reviews in an uploaded workbook (and the number of blank rows).

    Checks the size, that it is a zip with few entries and a bounded unpacked size, then parses
    it with :func:`hegui.judges.review_sheet.import_workbook`. Raises :class:`ConsoleError`
    (field ``file``) or the workbook's :class:`~hegui.judges.review_sheet.ReviewError`.
    """
    name = Path(filename or "upload.xlsx").name
    if not data:
        raise ConsoleError("the file is empty; choose the filled review workbook", field="file")
    if len(data) > limit:
        raise ConsoleError(
            f"{name} has {len(data)} bytes; the limit is {limit} (split the review)", field="file"
        )
    if not name.lower().endswith(".xlsx"):
        raise ConsoleError(f"{name} is not an .xlsx workbook", field="file")
    with tempfile.TemporaryDirectory(prefix="hegui-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            with zipfile.ZipFile(path) as archive:
                entries = archive.infolist()
        except zipfile.BadZipFile:
            raise ConsoleError(
                f"{name} is not an XLSX workbook (not a zip file)", field="file"
            ) from None
        unpacked = sum(e.file_size for e in entries)
        if len(entries) > MAX_ENTRIES or unpacked > max(limit, len(data) * MAX_EXPANSION):
            raise ConsoleError(
                f"{name} unpacks to {unpacked} bytes in {len(entries)} parts; refused as unsafe",
                field="file",
            )
        return import_workbook(path, run_id, reviewer=reviewer)
