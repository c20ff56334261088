"""Decode bank files: UTF-8 (with or without BOM), and GB18030 for tables from Chinese tooling."""

from __future__ import annotations

import codecs

from hegui.errors import BankError

_ZIP_MAGIC = b"PK\x03\x04"


def decode(data: bytes, path: str, *, allow_gb18030: bool) -> str:
    """Return the text of ``data``, or raise a :class:`BankError` that says how to fix the file.

    Excel on Chinese Windows saves CSV as GB18030 (GBK), so tables fall back to it; JSONL is
    UTF-8 only, as JSON requires.
    """
    if data.startswith(_ZIP_MAGIC):
        raise BankError("this is a zip file (an XLSX workbook?); name it .xlsx", path=path)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise BankError("the file is UTF-16; save it as UTF-8", path=path)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if b"\x00" in data:
        raise BankError("NUL bytes in the file (binary or UTF-16?); save it as UTF-8", path=path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        if allow_gb18030:
            text = _gb18030(data)
            if text is not None:
                return text
        accepted = "UTF-8 or GB18030" if allow_gb18030 else "UTF-8"
        raise BankError(
            f"not {accepted} text (undecodable byte near line {line}); save the file as UTF-8",
            path=path,
        ) from None


def _gb18030(data: bytes) -> str | None:
    """Decode as GB18030 when the result plausibly is Chinese text, else ``None``.

    GB18030 can decode many byte strings, so a lucky decode of, say, Latin-1 text is rejected when
    its non-ASCII characters are not mostly common CJK characters and punctuation.
    """
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    wide = [c for c in text if ord(c) > 0x7F]
    common = sum(1 for c in wide if _is_common_cjk(c))
    return text if wide and common >= 0.95 * len(wide) else None


def _is_common_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0x3000 <= code <= 0x303F  # CJK punctuation
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x2000 <= code <= 0x206F  # general punctuation: “ ” — …
        or code in (0x00B7, 0x00D7)  # middle dot, multiplication sign
    )
