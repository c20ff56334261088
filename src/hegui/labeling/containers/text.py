"""Text formats: Markdown front matter, an HTML ``<meta>`` tag, a sidecar file for plain text.

* Markdown: a YAML front-matter line ``AIGC: {"Label":"1",…}``. The value is the exact JSON, which
  YAML also reads as a mapping, so both readers of the observed nested form and JSON readers work.
  Nested YAML (``AIGC:`` then indented ``Label: "1"``) is accepted on read.
* HTML: ``<meta name="AIGC" content="{…}">`` right after ``<head>``.
* Plain text: ``<file>.aigc.json`` next to the file, holding the Appendix E form ``{"AIGC":{…}}``;
  the text itself is not changed. No standard placement for plain text is known (regulation.md §6).

Files must be UTF-8 (a byte-order mark is kept); line endings are kept.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from hegui.labeling.containers.base import Found
from hegui.labeling.errors import CorruptFileError
from hegui.labeling.model import FIELD_NAME, AigcLabel

SIDECAR_SUFFIX = ".aigc.json"
_BOM = "\ufeff"
_FRONT = re.compile(r"\A(---[ \t]*\r?\n)(.*?)(^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z))", re.S | re.M)
_KEY_LINE = re.compile(rf"{FIELD_NAME}[ \t]*:(.*)")
_META = re.compile(r"<meta\b[^>]*>", re.I)
_MAX_TEXT = 64 << 20


def _load(path: Path) -> tuple[str, str]:
    """(byte-order mark or '', text) of a UTF-8 file."""
    if path.stat().st_size > _MAX_TEXT:
        raise CorruptFileError("text file is larger than 64 MiB; label it as a document instead")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorruptFileError(f"not UTF-8 text: {exc}") from None
    return (_BOM, text[1:]) if text.startswith(_BOM) else ("", text)


def _newline(text: str) -> str:
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


# --- Markdown ---------------------------------------------------------------------------------


def _blocks(front: str) -> list[tuple[int, int, str]]:
    """(start, end, first-line value) of each top-level ``AIGC:`` entry with its indented lines."""
    lines = front.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    blocks, i = [], 0
    while i < len(lines):
        match = _KEY_LINE.match(lines[i])
        if match is None:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and lines[j][:1] in (" ", "\t"):
            j += 1
        blocks.append((starts[i], starts[j], match.group(1).strip()))
        i = j
    return blocks


def _block_value(front: str, start: int, end: int, inline: str) -> str:
    if inline.startswith("{"):
        try:
            json.loads(inline)
            return inline  # exact JSON text: key order and quoting as stored
        except ValueError:
            pass
    try:
        loaded: Any = yaml.safe_load(front[start:end])
    except yaml.YAMLError as exc:
        return f"<unparsable YAML: {exc}>"
    value = loaded.get(FIELD_NAME) if isinstance(loaded, dict) else None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class MarkdownContainer:
    """Markdown with YAML front matter."""

    def read(self, path: Path) -> list[Found]:
        """``AIGC`` entries of the front matter."""
        _, text = _load(path)
        match = _FRONT.match(text)
        if match is None:
            return []
        front = match.group(2)
        return [
            Found("front matter AIGC", _block_value(front, s, e, inline))
            for s, e, inline in _blocks(front)
        ]

    def write(self, src: Path, dst: Path, label: AigcLabel) -> None:
        """Set the single ``AIGC`` line of the front matter, adding a front matter if needed."""
        bom, text = _load(src)
        nl = _newline(text)
        line = f"{FIELD_NAME}: {label.to_json()}{nl}"
        match = _FRONT.match(text)
        if match is None:
            text = f"---{nl}{line}---{nl}{text}"
        else:
            front = match.group(2)
            for start, end, _ in reversed(_blocks(front)):
                front = front[:start] + front[end:]
            text = match.group(1) + line + front + text[match.start(3) :]
        dst.write_bytes((bom + text).encode("utf-8"))


# --- HTML -------------------------------------------------------------------------------------


class _MetaParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            found = dict(attrs)
            if (found.get("name") or "").upper() == FIELD_NAME:
                self.values.append(found.get("content") or "")


def _meta_values(markup: str) -> list[str]:
    parser = _MetaParser()
    parser.feed(markup)
    parser.close()
    return parser.values


class HtmlContainer:
    """HTML documents."""

    def read(self, path: Path) -> list[Found]:
        """``<meta name="AIGC">`` tags."""
        _, text = _load(path)
        return [Found('HTML <meta name="AIGC">', v) for v in _meta_values(text)]

    def write(self, src: Path, dst: Path, label: AigcLabel) -> None:
        """Remove old AIGC meta tags and add one after ``<head>`` (or at the start)."""
        bom, text = _load(src)
        text = _META.sub(lambda m: "" if _meta_values(m.group(0)) else m.group(0), text)
        tag = f'<meta name="{FIELD_NAME}" content="{html.escape(label.to_json(), quote=True)}">'
        head = re.search(r"<head\b[^>]*>", text, re.I)
        if head is None:
            html_tag = re.search(r"<html\b[^>]*>", text, re.I)
            if html_tag is not None:
                at = html_tag.end()
                text = f"{text[:at]}<head>{tag}</head>{text[at:]}"
            else:
                text = tag + _newline(text) + text
        else:
            text = text[: head.end()] + tag + text[head.end() :]
        dst.write_bytes((bom + text).encode("utf-8"))


# --- plain text -------------------------------------------------------------------------------


def sidecar_path(path: Path) -> Path:
    """Where the label of a plain-text file lives: ``<name>.aigc.json`` beside it."""
    return path.with_name(path.name + SIDECAR_SUFFIX)


class SidecarContainer:
    """Plain text. ``read`` takes the text file; ``write`` and ``read_sidecar`` the sidecar."""

    def read(self, path: Path) -> list[Found]:
        """The sidecar's label, if the sidecar exists (the text must be UTF-8)."""
        _load(path)
        sidecar = sidecar_path(path)
        return self.read_sidecar(sidecar) if sidecar.exists() else []

    def read_sidecar(self, sidecar: Path) -> list[Found]:
        """The label stored in a sidecar file."""
        try:
            text = sidecar.read_text("utf-8")
        except UnicodeDecodeError as exc:
            raise CorruptFileError(f"sidecar {sidecar.name} is not UTF-8: {exc}") from None
        return [Found(f"sidecar {sidecar.name}", text.strip())]

    def write(self, src: Path, dst: Path, label: AigcLabel) -> None:
        """Write the sidecar content for ``src`` to ``dst``."""
        _load(src)
        dst.write_text(label.to_json(wrapped=True) + "\n", "utf-8")
