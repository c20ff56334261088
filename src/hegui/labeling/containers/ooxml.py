"""DOCX / XLSX / PPTX: custom property ``AIGC`` in ``docProps/custom.xml`` (regulation.md §3.4).

The property is a ``vt:lpwstr`` holding the JSON. When the package has no custom properties part,
one is added together with its content-type override and package relationship. Other parts are
streamed into the new archive with their names, order, dates and compression kept; their
decompressed bytes are identical (the deflate stream itself may differ).
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from hegui.labeling.containers.base import Found
from hegui.labeling.errors import CorruptFileError
from hegui.labeling.model import FIELD_NAME, AigcLabel

CUSTOM_PART = "docProps/custom.xml"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_MAX_PART = 32 << 20


def _open(path: Path) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
        broken = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise CorruptFileError(f"not a readable Office (zip) package: {exc}") from None
    if broken is not None:
        archive.close()
        raise CorruptFileError(f"Office package member {broken!r} is damaged (bad CRC)")
    if "[Content_Types].xml" not in archive.namelist():
        archive.close()
        raise CorruptFileError("zip file is not an Office Open XML package ([Content_Types].xml)")
    return archive


def _xml(archive: zipfile.ZipFile, name: str) -> str:
    info = archive.getinfo(name)
    if info.file_size > _MAX_PART:
        raise CorruptFileError(f"{name} is implausibly large")
    text = archive.read(name).decode("utf-8-sig")
    if re.search(r"<!(DOCTYPE|ENTITY)", text):
        raise CorruptFileError(f"{name} contains a DTD, which OOXML does not allow")
    return text


def _property_values(custom: str) -> list[str]:
    try:
        root = ET.fromstring(custom)
    except ET.ParseError as exc:
        raise CorruptFileError(f"{CUSTOM_PART} is not well-formed XML: {exc}") from None
    values = []
    for prop in root.iter(f"{{{CUSTOM_NS}}}property"):
        if prop.get("name") == FIELD_NAME:
            values.append("".join(child.text or "" for child in prop))
    return values


_PROPERTY = re.compile(
    r"<(?:\w+:)?property\b[^>]*?\bname\s*=\s*[\"']AIGC[\"'].*?</(?:\w+:)?property\s*>", re.S
)
_PID = re.compile(r"\bpid\s*=\s*[\"'](\d+)[\"']")


def _set_property(custom: str | None, value: str) -> str:
    """``custom.xml`` text with exactly one AIGC property, other properties kept as written."""
    if custom is None:
        custom = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Properties xmlns="{CUSTOM_NS}" xmlns:vt="{VT_NS}"></Properties>'
        )
    _property_values(custom)  # refuse to edit malformed XML
    custom = _PROPERTY.sub("", custom)
    pid = max((int(p) for p in _PID.findall(custom)), default=1) + 1
    vt = _prefix_for(custom, VT_NS)
    if vt is None:
        vt, decl = "vt", f' xmlns:vt="{VT_NS}"'
    else:
        decl = ""
    own = "" if f'xmlns="{CUSTOM_NS}"' in custom else _prefix_for(custom, CUSTOM_NS)
    tag = f"{own}:property" if own else "property"
    prop = (
        f'<{tag} fmtid="{FMTID}" pid="{pid}" name="{FIELD_NAME}"{decl}>'
        f"<{vt}:lpwstr>{escape(value)}</{vt}:lpwstr></{tag}>"
    )
    empty = re.search(r"<((?:\w+:)?Properties)\b([^>]*?)\s*/>", custom)
    if empty:  # <Properties .../> has nowhere to insert into: open it up
        name, attrs = empty.group(1), empty.group(2)
        custom = f"{custom[: empty.start()]}<{name}{attrs}></{name}>{custom[empty.end() :]}"
    return _insert_before_closing(custom, "Properties", prop)


def _prefix_for(text: str, namespace: str) -> str | None:
    match = re.search(rf"xmlns:(\w+)\s*=\s*[\"']{re.escape(namespace)}[\"']", text)
    return match.group(1) if match else None


def _insert_before_closing(text: str, element: str, snippet: str) -> str:
    closing = re.search(rf"</(\w+:)?{element}\s*>", text)
    if closing is None:
        raise CorruptFileError(f"package part has no {element} element")
    return text[: closing.start()] + snippet + text[closing.start() :]


class OoxmlContainer:
    """Office Open XML packages (Word, Excel, PowerPoint)."""

    def read(self, path: Path) -> list[Found]:
        """AIGC custom properties."""
        with _open(path) as archive:
            if CUSTOM_PART not in archive.namelist():
                return []
            values = _property_values(_xml(archive, CUSTOM_PART))
        return [Found(f"{CUSTOM_PART} property AIGC", v) for v in values]

    def write(self, src: Path, dst: Path, label: AigcLabel) -> None:
        """Rewrite the package with the AIGC custom property set."""
        with _open(src) as archive, zipfile.ZipFile(dst, "w") as out:
            names = archive.namelist()
            has_custom = CUSTOM_PART in names
            custom = _set_property(
                _xml(archive, CUSTOM_PART) if has_custom else None, label.to_json()
            )
            for info in archive.infolist():
                if info.filename == CUSTOM_PART:
                    out.writestr(info, custom.encode("utf-8"))
                elif not has_custom and info.filename == "[Content_Types].xml":
                    out.writestr(info, _add_override(_xml(archive, info.filename)).encode("utf-8"))
                elif not has_custom and info.filename == "_rels/.rels":
                    out.writestr(
                        info, _add_relationship(_xml(archive, info.filename)).encode("utf-8")
                    )
                else:
                    with archive.open(info) as part, out.open(info, "w") as copy:
                        shutil.copyfileobj(part, copy, 1 << 20)
            if not has_custom:
                if "_rels/.rels" not in names:
                    raise CorruptFileError("Office package has no _rels/.rels")
                out.writestr(
                    zipfile.ZipInfo(CUSTOM_PART, date_time=(1980, 1, 1, 0, 0, 0)),
                    custom.encode("utf-8"),
                    compress_type=zipfile.ZIP_DEFLATED,
                )


def _add_override(types: str) -> str:
    if f'PartName="/{CUSTOM_PART}"' in types:
        return types
    override = f'<Override PartName="/{CUSTOM_PART}" ContentType="{CUSTOM_TYPE}"/>'
    return _insert_before_closing(types, "Types", override)


def _add_relationship(rels: str) -> str:
    if CUSTOM_REL in rels:
        return rels
    used = set(re.findall(r"\bId\s*=\s*[\"']([^\"']+)[\"']", rels))
    number = 1
    while f"rId{number}" in used:
        number += 1
    rel = f'<Relationship Id="rId{number}" Type="{CUSTOM_REL}" Target="{CUSTOM_PART}"/>'
    return _insert_before_closing(rels, "Relationships", rel)
