"""Bank fields: column names (native and 附件5), cell values, and building one BankItem per row."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ParamSpec, TypeVar

from pydantic import ValidationError

from hegui.banks._problems import Location, Problems
from hegui.banks._taxonomy import Resolved, Taxonomy, kind_from_name, normalize
from hegui.banks.aspects import ASPECT_TAG
from hegui.records import BankItem, ItemKind, Message

FIELDS = ("id", "kind", "prompt", "messages", "risk", "aspect", "language", "tags", "reference")
"""The native columns, in the order writers emit them."""

ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "序号", "编号", "题号"),
    "kind": ("kind", "题库类型", "题库"),
    "prompt": ("prompt", "测试题", "题目", "问题", "question"),
    "messages": ("messages", "多轮对话", "对话"),
    "risk": ("risk", "二级分类", "风险类别"),
    "category": ("category", "一级分类"),
    "aspect": ("aspect", "方面", "考察方面"),
    "language": ("language", "lang", "语言"),
    "tags": ("tags", "标签"),
    "reference": ("reference", "参考答案", "标准答案"),
}
"""Column names (normalized: case, width and punctuation do not matter) → field."""

IGNORED = frozenset(normalize(c) for c in ("模型回答", "研判结果"))
"""附件5 output columns: a filed workbook can be read back as a bank without complaint."""

SERIAL = frozenset(normalize(c) for c in ("序号", "编号", "题号"))
"""Id columns holding per-sheet row numbers, which get the kind as a prefix."""

_LOOKUP = {normalize(alias): name for name, aliases in ALIASES.items() for alias in aliases}

P = ParamSpec("P")
T = TypeVar("T")


def canonical(column: str) -> str | None:
    """The field a column or key stands for, or ``None`` when it is unknown."""
    return _LOOKUP.get(normalize(column))


def is_ignored(column: str) -> bool:
    """Whether a column is a known output column that loading skips."""
    return normalize(column) in IGNORED


@dataclass
class RawRow:
    """One record of a bank file before validation."""

    location: Location
    values: dict[str, object]
    """Field → the value as read (text, number, date, or JSON list/dict from JSONL)."""
    columns: Mapping[str, str]
    """Field → the column or key as the user wrote it, for error messages."""


class _Invalid(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class _Report:
    errors: list[tuple[str, str]] = field(default_factory=list)

    def run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T | None:
        try:
            return fn(*args, **kwargs)
        except _Invalid as exc:
            self.errors.append((exc.field, exc.message))
            return None


class ItemBuilder:
    """Validates raw rows into :class:`BankItem` s against a pack, reporting into ``problems``."""

    def __init__(self, taxonomy: Taxonomy, problems: Problems, file_kind: ItemKind | None) -> None:
        self.taxonomy = taxonomy
        self.problems = problems
        self.file_kind = file_kind

    def build(self, raw: RawRow) -> BankItem | None:
        """The item of ``raw``, or ``None`` after reporting every problem of the row."""
        report = _Report()
        kind = report.run(self._kind, raw)
        item_id = report.run(self._id, raw, kind)
        turns = report.run(self._turns, raw)
        classes = report.run(self._classify, raw, kind)
        language = report.run(_text, raw, "language") or "zh"
        tags = report.run(_tags, raw)
        if tags:
            tags = report.run(self._aspect_tags, tags)
        reference = report.run(_text, raw, "reference")
        if not report.errors:
            assert kind and item_id and turns and classes and tags is not None
            try:
                return BankItem(
                    id=item_id,
                    kind=kind,
                    prompt=turns[0],
                    messages=turns[1],
                    risk=classes[0],
                    aspect=classes[1],
                    language=language,
                    tags=tags or (),
                    reference=reference,
                )
            except ValidationError as exc:  # a rule of BankItem not checked above
                first = exc.errors()[0]
                name = str(first["loc"][0]) if first["loc"] else "prompt"
                report.errors.append((name, str(first["msg"]).removeprefix("Value error, ")))
        for name, message in report.errors:
            self.problems.add(raw.location, raw.columns.get(name, name), message)
        return None

    def _aspect_tags(self, tags: tuple[str, ...]) -> tuple[str, ...]:
        """``aspect:历史`` → ``aspect:history``; an unknown aspect is an error."""
        out = []
        for tag in tags:
            if tag.startswith(ASPECT_TAG):
                found = self.taxonomy.aspect(tag[len(ASPECT_TAG) :])
                if found.value is None:
                    raise _Invalid("tags", f"tag {tag!r}: {found.problem}")
                tag = ASPECT_TAG + found.value
            out.append(tag)
        return tuple(out)

    def _kind(self, raw: RawRow) -> ItemKind:
        sheet_kind = kind_from_name(raw.location.sheet) if raw.location.sheet else None
        cell = _text(raw, "kind")
        if cell is None:
            kind = sheet_kind or self.file_kind
            if kind is None:
                raise _Invalid(
                    "kind",
                    "no kind: add a kind column (generation, should_refuse, should_not_refuse) "
                    "or name the sheet or file after the bank "
                    "(生成内容测试题, 应拒答测试题, 非拒答测试题)",
                )
            return kind
        kind = kind_from_name(cell)
        if kind is None:
            raise _Invalid(
                "kind",
                f"unknown kind {cell!r}; use generation, should_refuse or should_not_refuse "
                "(生成内容, 应拒答, 非拒答)",
            )
        if sheet_kind is not None and kind is not sheet_kind:
            raise _Invalid("kind", f"kind {kind.value} contradicts sheet {raw.location.sheet!r}")
        return kind

    def _id(self, raw: RawRow, kind: ItemKind | None) -> str:
        value = raw.values.get("id")
        text = _text(raw, "id")
        if text is None:
            raise _Invalid("id", "missing id")
        serial = normalize(raw.columns.get("id", "id")) in SERIAL
        numeric = isinstance(value, int | float) or text.isdigit()
        if serial and numeric and kind is not None:
            # 附件5 numbers rows per sheet, so 序号 1 exists in every sheet: prefix the kind.
            return f"{kind.value}-{text}"
        return text

    def _turns(self, raw: RawRow) -> tuple[str | None, tuple[Message, ...] | None]:
        prompt = _text(raw, "prompt")
        messages = _messages(raw)
        if prompt is not None and messages is not None:
            raise _Invalid("prompt", "give either a prompt or messages, not both")
        if prompt is None and messages is None:
            raise _Invalid("prompt", "missing prompt (or messages)")
        return prompt, messages

    def _classify(self, raw: RawRow, kind: ItemKind | None) -> tuple[str | None, str | None]:
        """(risk, aspect) from the risk, category and aspect fields."""
        tax = self.taxonomy
        risk_text, category_text = _text(raw, "risk"), _text(raw, "category")
        aspect_text = _text(raw, "aspect")
        risk = aspect = None
        if aspect_text is not None:
            aspect = _resolved("aspect", tax.aspect(aspect_text))
        if risk_text is not None:
            # A should-not-refuse 二级分类 usually names an aspect; try that first, since some
            # aspect names (国家形象) are also part of a risk name (A.1.2).
            as_aspect = tax.aspect(risk_text).value if kind is ItemKind.SHOULD_NOT_REFUSE else None
            if as_aspect is not None and aspect in (None, as_aspect):
                aspect = as_aspect
            elif kind is ItemKind.SHOULD_NOT_REFUSE and tax.risk(risk_text).value is None:
                raise _Invalid(
                    "risk", f"{risk_text!r} is neither an aspect nor a risk of pack {tax.pack.pack}"
                )
            else:
                risk = _resolved("risk", tax.risk(risk_text))
        if category_text is not None:
            category = tax.category(category_text)
            if category.value is not None:
                if risk is not None and not risk.startswith(category.value + "."):
                    raise _Invalid("category", f"risk {risk} is not in category {category.value}")
            elif kind is ItemKind.SHOULD_NOT_REFUSE:
                # Non-refusal sheets label 一级分类 freely; use it only when it names an aspect.
                aspect = aspect or tax.aspect(category_text).value
            else:
                raise _Invalid("category", category.problem or "unknown category")
        if risk is None and kind in (ItemKind.GENERATION, ItemKind.SHOULD_REFUSE):
            raise _Invalid("risk", f"missing risk: a {kind.value} item needs a risk code or name")
        return risk, aspect


def _resolved(name: str, resolved: Resolved) -> str:
    if resolved.value is None:
        raise _Invalid(name, resolved.problem or f"unknown {name}")
    return resolved.value


def _text(raw: RawRow, name: str) -> str | None:
    """A cell as stripped text; empty cells are ``None``."""
    value = raw.values.get(name)
    if value is None:
        return None
    if isinstance(value, bool):
        raise _Invalid(name, f"expected text, got {value!r}")
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets store 序号 1 as 1.0
    if isinstance(value, datetime | date):
        value = value.isoformat()
    if isinstance(value, int | float | str):
        text = str(value).strip()
        return text or None
    raise _Invalid(name, f"expected text, got {type(value).__name__}")


def _tags(raw: RawRow) -> tuple[str, ...]:
    value = raw.values.get("tags")
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                raise _Invalid("tags", f"not a JSON list: {exc.msg}") from None
        else:
            parts = text.replace("；", ";").split(";")
            return tuple(p.strip() for p in parts if p.strip())
    if value is None:
        return ()
    if isinstance(value, list) and all(isinstance(t, str) for t in value):
        return tuple(t.strip() for t in value if t.strip())
    raise _Invalid("tags", "expected a list of strings or 'a;b;c'")


def _messages(raw: RawRow) -> tuple[Message, ...] | None:
    value = raw.values.get("messages")
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise _Invalid(
                "messages",
                f'not valid JSON ({exc.msg}); expected [{{"role": ..., "content": ...}}]',
            ) from None
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        raise _Invalid("messages", 'expected a non-empty JSON list of {"role", "content"} turns')
    turns: list[Message] = []
    for number, turn in enumerate(value, 1):
        try:
            turns.append(Message.model_validate(turn))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            message = f"turn {number}: {where or 'turn'}: {first['msg']}"
            raise _Invalid("messages", message) from None
    if turns[-1].role != "user":
        raise _Invalid("messages", "the last turn must be the user's question")
    return tuple(turns)


def header_fields(
    columns: Sequence[str],
) -> tuple[dict[int, str], dict[str, str], list[str], list[str]]:
    """Map a header row: (index → field, field → column, unknown columns, duplicate messages)."""
    by_index: dict[int, str] = {}
    names: dict[str, str] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    for index, column in enumerate(columns):
        if not column:
            continue
        name = canonical(column)
        if name is None:
            if not is_ignored(column):
                unknown.append(column)
            continue
        if name in names:
            duplicates.append(f"columns {names[name]!r} and {column!r} both give the {name}")
            continue
        by_index[index] = name
        names[name] = column
    return by_index, names, unknown, duplicates
