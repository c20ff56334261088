"""Labelled answer sets that measure a judge: readers for public formats and hegui's own JSONL.

Every reader yields :class:`LabelledExample` records with a gold ``refusal`` label
(``comply``/``refuse``/``partial``) and/or a gold ``harm`` label (``harmful``/``harmless``).
Formats (``hegui judge eval --format``):

* ``xstest`` — XSTest v2 completion CSV (``completion``, ``final_label``): refusal labels.
* ``jade`` — JADE-DB v3 CSV (``问题``, ``违规回答``, ``安全有用回答``; UTF-8 or GB18030): each row
  gives an unsafe answer (comply, harmful) and a safe answer (refuse, harmless).
* ``cold`` — COLDataset CSV (``TEXT``, ``label``, ``topic``): harm labels, A.2 risk codes.
* ``toxicn`` — ToxiCN JSON list (``content``, ``toxic``, ``target``) or its CSV: harm labels.
* ``chineseharm`` — ChineseHarm-Bench JSON list (``文本``, ``标签``): harm labels, risk codes.
* ``hegui`` — JSONL, one object a line: ``response`` (or ``text``), optional ``prompt``, ``id``,
  ``risk``, ``lang`` and ``label`` — one of comply/refuse/partial or harmful/harmless (also
  acceptable/unacceptable, 合格/不合格).

Bad input raises :class:`~hegui.errors.JudgeError` naming the file, the row and the field.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hegui.errors import JudgeError
from hegui.records import RISK_CODE_PATTERN

FORMATS = ("xstest", "jade", "cold", "toxicn", "chineseharm", "hegui")

COLD_TOPIC_RISK = {"race": "A.2.1", "region": "A.2.4", "gender": "A.2.5"}
"""COLD topics → Appendix A codes (race is closest to 民族歧视, A.2.1)."""
TOXICN_TARGET_RISK = ("A.2.9", "A.2.4", "A.2.5", "A.2.1", "A.2.9")
"""ToxiCN target one-hot order (LGBTQ, region, sexism, racism, others) → Appendix A codes."""
CHINESEHARM_RISK = {
    "博彩": "A.1.8",
    "低俗色情": "A.1.6",
    "谩骂引战": "A.4.3",
    "欺诈": "A.3.5",
    "黑产广告": "A.1.8",
}
"""ChineseHarm-Bench labels → the closest Appendix A code (不违规 is harmless)."""

_REFUSAL = {"comply": "comply", "refuse": "refuse", "partial": "partial"}
_XSTEST = {
    "1_full_compliance": "comply",
    "2_full_refusal": "refuse",
    "3_partial_refusal": "partial",
}
_HARM = {
    "harmful": "harmful",
    "harmless": "harmless",
    "unacceptable": "harmful",
    "acceptable": "harmless",
    "不合格": "harmful",
    "合格": "harmless",
}


@dataclass(frozen=True, slots=True)
class LabelledExample:
    """One answer with its gold label(s)."""

    id: str
    response: str
    prompt: str = ""
    refusal: str | None = None
    """Gold refusal label: ``comply``, ``refuse`` or ``partial``."""
    harm: str | None = None
    """Gold harm label: ``harmful`` or ``harmless``."""
    risk: str | None = None
    """Appendix A code of a harmful answer, when the source says."""
    category: str | None = None
    """The source's own label (e.g. ChineseHarm-Bench 博彩), for per-category breakdowns."""
    lang: str = "zh"
    group: str = ""
    """Source subset (model name, split); examples of one group share a prompt set."""


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (recorded with every measurement)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_examples(path: str | Path, fmt: str) -> list[LabelledExample]:
    """Read a labelled set in ``fmt`` (see :data:`FORMATS`)."""
    source = Path(path)
    readers: dict[str, Callable[[Path], Iterator[LabelledExample]]] = {
        "xstest": _xstest,
        "jade": _jade,
        "cold": _cold,
        "toxicn": _toxicn,
        "chineseharm": _chineseharm,
        "hegui": _hegui,
    }
    if fmt not in readers:
        raise JudgeError(f"unknown data format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if not source.is_file():
        raise JudgeError(f"labelled data file not found: {source}")
    examples = list(readers[fmt](source))
    if not examples:
        raise JudgeError(f"{source}: no labelled examples found (format {fmt})")
    return examples


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """CSV rows (numbered from 2, the header being row 1), checking the required columns."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise JudgeError(f"{path}: neither UTF-8 nor GB18030 text")
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in required if c not in (reader.fieldnames or ())]
    if missing:
        raise JudgeError(f"{path}, row 1: missing column(s) {', '.join(map(repr, missing))}")
    yield from enumerate(reader, start=2)


def _field(path: Path, row: int, record: dict[str, Any], name: str) -> str:
    value = record.get(name)
    if not isinstance(value, str):
        raise JudgeError(f"{path}, row {row}, field {name!r}: expected text")
    return value


def _xstest(path: Path) -> Iterator[LabelledExample]:
    group = path.stem.rsplit("_", 1)[-1]
    for number, row in _rows(path, ("completion", "final_label")):
        label = _XSTEST.get(row["final_label"].strip())
        if label is None:
            raise JudgeError(
                f"{path}, row {number}, field 'final_label': {row['final_label']!r} is not one "
                f"of {', '.join(_XSTEST)}"
            )
        yield LabelledExample(
            id=f"{group}-{row.get('id') or number}",
            response=row["completion"],
            prompt=row.get("prompt") or "",
            refusal=label,
            lang="en",
            group=group,
        )


def _jade(path: Path) -> Iterator[LabelledExample]:
    for number, row in _rows(path, ("问题", "违规回答", "安全有用回答")):
        key = row.get("ID") or str(number)
        prompt = row["问题"]
        yield LabelledExample(
            f"{key}-unsafe", row["违规回答"], prompt, "comply", "harmful", group=path.stem
        )
        yield LabelledExample(
            f"{key}-safe", row["安全有用回答"], prompt, "refuse", "harmless", group=path.stem
        )


def _binary(path: Path, row: int, value: Any, field: str) -> bool:
    if str(value).strip() in ("0", "1"):
        return str(value).strip() == "1"
    raise JudgeError(f"{path}, row {row}, field {field!r}: expected 0 or 1, got {value!r}")


def _cold(path: Path) -> Iterator[LabelledExample]:
    for number, row in _rows(path, ("TEXT", "label")):
        harmful = _binary(path, number, row["label"], "label")
        topic = row.get("topic") or ""
        yield LabelledExample(
            id=f"{row.get('split') or path.stem}-{number}",
            response=row["TEXT"],
            harm="harmful" if harmful else "harmless",
            risk=COLD_TOPIC_RISK.get(topic) if harmful else None,
            category=topic or None,
            group=row.get("split") or path.stem,
        )


def _json_list(path: Path) -> list[Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise JudgeError(f"{path}: not a JSON file: {exc}") from None
    if not isinstance(data, list):
        raise JudgeError(f"{path}: expected a JSON list of objects")
    return data


def _toxicn(path: Path) -> Iterator[LabelledExample]:
    if path.suffix.lower() == ".csv":
        for number, row in _rows(path, ("content", "toxic")):
            harmful = _binary(path, number, row["toxic"], "toxic")
            yield LabelledExample(
                f"{path.stem}-{number}", row["content"], harm=_harm(harmful), group=path.stem
            )
        return
    for number, record in enumerate(_json_list(path), start=1):
        if not isinstance(record, dict):
            raise JudgeError(f"{path}, row {number}: expected an object")
        harmful = _binary(path, number, record.get("toxic"), "toxic")
        target = record.get("target")
        risk = None
        if harmful and isinstance(target, list) and 1 in target[:5]:
            risk = TOXICN_TARGET_RISK[target.index(1)]
        yield LabelledExample(
            id=f"{path.stem}-{number}",
            response=_field(path, number, record, "content"),
            harm=_harm(harmful),
            risk=risk,
            group=path.stem,
        )


def _chineseharm(path: Path) -> Iterator[LabelledExample]:
    for number, record in enumerate(_json_list(path), start=1):
        if not isinstance(record, dict):
            raise JudgeError(f"{path}, row {number}: expected an object")
        label = _field(path, number, record, "标签")
        if label != "不违规" and label not in CHINESEHARM_RISK:
            raise JudgeError(f"{path}, row {number}, field '标签': unknown label {label!r}")
        yield LabelledExample(
            id=f"chb-{number}",
            response=_field(path, number, record, "文本"),
            harm=_harm(label != "不违规"),
            risk=CHINESEHARM_RISK.get(label),
            category=label,
            group=path.stem,
        )


def _hegui(path: Path) -> Iterator[LabelledExample]:
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise JudgeError(f"{path}, line {number}: not JSON: {exc.msg}") from None
            if not isinstance(record, dict):
                raise JudgeError(f"{path}, line {number}: expected a JSON object")
            text = record.get("response", record.get("text"))
            if not isinstance(text, str):
                raise JudgeError(f"{path}, line {number}, field 'response': expected text")
            label = record.get("label")
            if label not in _REFUSAL and label not in _HARM:
                known = ", ".join([*_REFUSAL, *_HARM])
                raise JudgeError(
                    f"{path}, line {number}, field 'label': {label!r} is not one of {known}"
                )
            risk = record.get("risk")
            if risk is not None and (
                not isinstance(risk, str) or not RISK_CODE_PATTERN.match(risk)
            ):
                raise JudgeError(
                    f"{path}, line {number}, field 'risk': {risk!r} is not a code like A.1.4"
                )
            yield LabelledExample(
                id=str(record.get("id", number)),
                response=text,
                prompt=str(record.get("prompt") or ""),
                refusal=_REFUSAL.get(label),
                harm=_HARM.get(label),
                risk=risk,
                category=str(record["style"]) if "style" in record else None,
                lang=str(record.get("lang") or "zh"),
                group=path.stem,
            )


def _harm(harmful: bool) -> str:
    return "harmful" if harmful else "harmless"
