"""Explicit labels on text (GB 45438 §5.1, LM Art. 4(1)(1)): prefix, suffix or corner mark.

A label must contain an AI element (``人工智能`` or ``AI``) and a generation element (``生成`` or
``合成``); the corner mark (角标) only needs ``AI`` (regulation.md §3.2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from hegui.labeling.errors import InvalidLabelError

DEFAULT_LABEL = "AI生成"
AI_ELEMENTS = ("人工智能", "AI")
GENERATION_ELEMENTS = ("生成", "合成")
TextFormat = Literal["plain", "markdown", "html"]

_LABEL_RE = re.compile(r"(人工智能|AI)[^\n]{0,8}?(生成|合成)")
_CORNER_RE = re.compile(r"(\[AI\]|<sup>\s*AI\s*</sup>)")
_EDGE = 40  # characters from the start or end in which a label counts as prefix or suffix


class TextPosition(StrEnum):
    """Where the label goes."""

    PREFIX = "prefix"
    SUFFIX = "suffix"
    CORNER = "corner"
    """A corner mark after the first line (its top-right corner)."""


def validate_label_text(label: str, *, corner: bool = False) -> str:
    """Return ``label`` if it has the elements GB 45438 asks for, else raise.

    Raises:
        InvalidLabelError: no AI element, or (except for a corner mark) no generation element.
    """
    if not any(e in label for e in AI_ELEMENTS):
        raise InvalidLabelError(f"label text {label!r} has no AI element (人工智能 or AI)")
    if not corner and not any(e in label for e in GENERATION_ELEMENTS):
        raise InvalidLabelError(f"label text {label!r} has no generation element (生成 or 合成)")
    return label


def label_parts(
    position: TextPosition | str = TextPosition.PREFIX,
    *,
    label: str = DEFAULT_LABEL,
    fmt: TextFormat = "plain",
) -> tuple[str, str]:
    """(text to emit before, text to emit after) the content: for streamed replies.

    A corner mark goes after the first line, so it has no fixed before/after form and is refused.
    """
    position = TextPosition(position)
    if position is TextPosition.CORNER:
        raise InvalidLabelError("a corner mark needs the whole text; use label_text()")
    mark = validate_label_text(label)
    if fmt == "html":
        tag = f'<p class="aigc-label">【{mark}】</p>'
        return (tag, "") if position is TextPosition.PREFIX else ("", tag)
    return (f"【{mark}】\n", "") if position is TextPosition.PREFIX else ("", f"\n【{mark}】")


def label_text(
    text: str,
    position: TextPosition | str = TextPosition.PREFIX,
    *,
    label: str = DEFAULT_LABEL,
    fmt: TextFormat = "plain",
) -> str:
    """``text`` with an explicit label at its start, end, or as a corner mark.

    Defaults give ``【AI生成】`` on its own line before the text. ``fmt`` chooses the markup:
    plain text, Markdown or HTML (the corner mark becomes ``<sup>AI</sup>`` in the latter two,
    ``[AI]`` in plain text).

    Raises:
        InvalidLabelError: ``label`` lacks the required elements.
    """
    position = TextPosition(position)
    if position is TextPosition.CORNER:
        mark = validate_label_text(label if label != DEFAULT_LABEL else "AI", corner=True)
        badge = f"<sup>{mark}</sup>" if fmt in ("markdown", "html") else f"[{mark}]"
        first, newline, rest = text.partition("\n")
        return f"{first}{badge}{newline}{rest}"
    before, after = label_parts(position, label=label, fmt=fmt)
    return before + text + after


@dataclass(frozen=True)
class TextLabelMatch:
    """An explicit label found in a text."""

    position: TextPosition
    text: str


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n.*?^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_BODY = re.compile(r"<body\b[^>]*>(.*)</body\s*>", re.S | re.I)


def split_body(text: str, fmt: TextFormat) -> tuple[str, str, str]:
    """(before, body, after): the part of a document that readers see as its text.

    Markdown: everything after the YAML front matter. HTML: the inside of ``<body>`` (the whole
    text when there is none). Plain text: all of it.
    """
    if fmt == "markdown" and (front := _FRONT_MATTER.match(text)) is not None:
        return text[: front.end()], text[front.end() :], ""
    if fmt == "html" and (body := _BODY.search(text)) is not None:
        return text[: body.start(1)], body.group(1), text[body.end(1) :]
    return "", text, ""


def find_text_label(text: str, fmt: TextFormat = "plain") -> TextLabelMatch | None:
    """An explicit label near the start or end of the text, or a corner mark on its first line.

    ``fmt`` limits the search to the visible body (see :func:`split_body`). A heuristic: a label
    in the middle of a long text (which the standard also allows) is not found, and any phrase
    like "AI生成" near an edge counts.
    """
    text = split_body(text, fmt)[1].strip()
    head, tail = text[:_EDGE], text[-_EDGE:]
    if (match := _LABEL_RE.search(head)) is not None:
        return TextLabelMatch(TextPosition.PREFIX, match.group(0))
    if (match := _LABEL_RE.search(tail)) is not None:
        return TextLabelMatch(TextPosition.SUFFIX, match.group(0))
    if (match := _CORNER_RE.search(text.partition("\n")[0])) is not None:
        return TextLabelMatch(TextPosition.CORNER, match.group(0))
    return None
