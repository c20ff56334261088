"""XMP packets carrying the label: property ``AIGC`` in the TC260 namespace (regulation.md §3.4).

Reading is namespace-aware (ElementTree) and accepts the property as an element or an attribute,
in any namespace, so foreign writers are recognised. Writing edits the packet *text*: the first
existing property is replaced in place and any others are removed; when there is none a new
``rdf:Description`` is added. Everything else in the packet stays byte for byte, as the guide asks
("update the property, do not overwrite the whole namespace").
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

from hegui.labeling.errors import CorruptFileError, LabelError
from hegui.labeling.model import FIELD_NAME

TC260_NS = "http://www.tc260.org.cn/ns/AIGC/1.0/"
TC260_PREFIX = "TC260"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XMP_JPEG_SIGNATURE = b"http://ns.adobe.com/xap/1.0/\x00"
"""Prefix of a JPEG APP1 segment holding standard XMP."""
PNG_XMP_KEYWORD = b"XML:com.adobe.xmp"

_NS_DECL = re.compile(r"""xmlns:([A-Za-z_][\w.-]*)\s*=\s*(["'])(.*?)\2""", re.S)


def build_packet(value: str) -> str:
    """A complete XMP packet holding only ``TC260:AIGC`` = ``value``."""
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        f' <rdf:RDF xmlns:rdf="{RDF_NS}">\n'
        f"  {_description(value)}\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )


def _description(value: str) -> str:
    return (
        f'<rdf:Description rdf:about="" xmlns:{TC260_PREFIX}="{TC260_NS}">'
        f"<{TC260_PREFIX}:{FIELD_NAME}>{escape(value)}</{TC260_PREFIX}:{FIELD_NAME}>"
        "</rdf:Description>"
    )


def decode_packet(data: bytes) -> str:
    """Decode an XMP packet stored as bytes (UTF-8, or UTF-16 with a byte-order mark)."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorruptFileError(f"XMP packet is not valid UTF-8/UTF-16: {exc}") from None


def _parse(packet: str) -> ET.Element:
    # XMP never needs a DTD; refusing one rules out entity-expansion attacks.
    if re.search(r"<!(DOCTYPE|ENTITY)", packet):
        raise CorruptFileError("XMP packet contains a DTD, which XMP does not allow")
    try:
        return ET.fromstring(packet.strip().strip("\x00").strip())
    except ET.ParseError as exc:
        raise CorruptFileError(f"XMP packet is not well-formed XML: {exc}") from None


def find_values(packet: str) -> list[str]:
    """Every ``AIGC`` property value in ``packet`` (element text or attribute), in any namespace."""
    values: list[str] = []
    for element in _parse(packet).iter():
        for name, value in element.attrib.items():
            if _local(name) == FIELD_NAME:
                values.append(value)
        if isinstance(element.tag, str) and _local(element.tag) == FIELD_NAME:
            # Simple property; an rdf:Alt/Seq wrapper keeps the text in its first rdf:li.
            items = list(element.iter(f"{{{RDF_NS}}}li"))
            values.append((items[0].text if items else element.text) or "")
    return values


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _aigc_patterns(packet: str) -> list[re.Pattern[str]]:
    prefixes = sorted({m.group(1) for m in _NS_DECL.finditer(packet)})
    patterns: list[re.Pattern[str]] = []
    for prefix in prefixes:
        name = re.escape(f"{prefix}:{FIELD_NAME}")
        patterns.append(re.compile(rf"<{name}\b[^>]*/>|<{name}\b[^>]*>.*?</{name}\s*>", re.S))
        patterns.append(re.compile(rf"""\s{name}\s*=\s*("[^"]*"|'[^']*')"""))
    return patterns


def _occurrences(packet: str) -> list[tuple[int, int, bool]]:
    """(start, end, is_attribute) of every AIGC property, in text order."""
    found: list[tuple[int, int, bool]] = []
    for pattern in _aigc_patterns(packet):
        is_attr = pattern.pattern.startswith(r"\s")
        found.extend((m.start(), m.end(), is_attr) for m in pattern.finditer(packet))
    return sorted(found)


def remove_values(packet: str) -> str:
    """``packet`` without any ``AIGC`` property."""
    for start, end, _ in reversed(_occurrences(packet)):
        packet = packet[:start] + packet[end:]
    return packet


def set_value(packet: str | None, value: str) -> str:
    """``packet`` with exactly one ``AIGC`` property holding ``value`` (a new packet if None).

    Raises:
        CorruptFileError: the existing packet is not well-formed or has no ``rdf:RDF``.
        LabelError: the edit did not give exactly one property with ``value``.
    """
    if packet is None or not packet.strip().strip("\x00"):
        return build_packet(value)
    _parse(packet)  # refuse to edit a malformed packet
    occurrences = _occurrences(packet)
    if occurrences:
        start, end, is_attr = occurrences[0]
        prefix = _prefix_at(packet, start, is_attr)
        name = f"{prefix}:{FIELD_NAME}"
        new = f" {name}={quoteattr(value)}" if is_attr else f"<{name}>{escape(value)}</{name}>"
        for s, e, _ in reversed(occurrences[1:]):
            packet = packet[:s] + packet[e:]
        packet = packet[:start] + new + packet[end:]
    else:
        closing = _rdf_closing(packet)
        packet = packet[:closing] + _description(value) + "\n " + packet[closing:]
    if find_values(packet) != [value]:
        raise LabelError("internal: XMP edit did not leave exactly one AIGC property")
    return packet


def _prefix_at(packet: str, start: int, is_attr: bool) -> str:
    text = packet[start:].lstrip() if is_attr else packet[start + 1 :]
    return text.split(":", 1)[0]


def _rdf_closing(packet: str) -> int:
    for match in _NS_DECL.finditer(packet):
        if match.group(3) == RDF_NS:
            closing = packet.rfind(f"</{match.group(1)}:RDF")
            if closing >= 0:
                return closing
    raise CorruptFileError("XMP packet has no rdf:RDF element to add the label to")
