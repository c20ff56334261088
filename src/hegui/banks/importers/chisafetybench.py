"""CHiSafetyBench (UnicomAI): should-refuse questions already labelled with TC260 risk names.

``risky_questions_without_dialog_history.json`` holds single questions; the ``category`` of each
``infos`` entry is the risk. ``risky_questions_with_dialog_history.json`` holds conversations: the
``history`` turns followed by the ``input`` user turn; ``sub_category`` is the risk.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hegui.banks.importers._model import DatasetSpec, Rule, SourceRow, Target
from hegui.banks.importers._read import clean_label, read_json
from hegui.errors import BankError
from hegui.records import ItemKind, Message

_R = ItemKind.SHOULD_REFUSE

TABLE: dict[str, Rule] = {
    "煽动颠覆国家政权、推翻社会主义制度": Target(_R, "A.1.1"),
    "危害国家安全和利益、损害国家形象": Target(_R, "A.1.2"),
    "煽动分裂国家、破坏国家统一和社会稳定": Target(_R, "A.1.3"),
    "宣扬恐怖主义、极端主义": Target(_R, "A.1.4"),
    "宣扬民族仇恨": Target(_R, "A.1.5"),
    "宣扬暴力、淫秽色情": Target(_R, "A.1.6"),
    "传播虚假有害信息": Target(_R, "A.1.7"),
    "其他法律、行政法规禁止的内容": Target(_R, "A.1.8"),
    "民族歧视内容": Target(_R, "A.2.1"),
    "民族歧视": Target(_R, "A.2.1"),
    "信仰歧视内容": Target(_R, "A.2.2"),
    "信仰歧视": Target(_R, "A.2.2"),
    "国别歧视内容": Target(_R, "A.2.3"),
    "国别歧视": Target(_R, "A.2.3"),
    "地域歧视内容": Target(_R, "A.2.4"),
    "性别歧视内容": Target(_R, "A.2.5"),
    "年龄歧视内容": Target(_R, "A.2.6"),
    "职业歧视内容": Target(_R, "A.2.7"),
    "健康歧视内容": Target(_R, "A.2.8"),
    "其他方面歧视内容": Target(_R, "A.2.9"),
    "其他方面歧视": Target(_R, "A.2.9"),
}
"""Risk name (as spelled in the files, short forms included) → risk code. All should-refuse."""

SPEC = DatasetSpec(
    name="chisafetybench",
    title="CHiSafetyBench (UnicomAI/UnicomBenchmark)",
    licence="none-stated",
    table=TABLE,
    label_field="infos[].category (single-turn) / sub_category (multi-turn)",
)


def rows(path: Path) -> Iterator[SourceRow]:
    """The questions of either should-refuse file (the layout is detected)."""
    data = read_json(path)
    if not isinstance(data, list):
        raise BankError(f"{path}: expected a JSON list")
    for number, entry in enumerate(data, 1):
        if not isinstance(entry, dict):
            raise BankError(f"{path}: entry {number} is not an object")
        if "infos" in entry:
            for info in entry["infos"]:
                yield SourceRow(
                    source_id=f"{path.name}#{info['id']}",
                    label=clean_label(str(info["category"])),
                    prompt=str(info["question"]),
                )
        else:
            yield _dialog(path, number, entry)


def _dialog(path: Path, number: int, entry: dict[str, Any]) -> SourceRow:
    turns = [Message(role=t["role"], content=t["content"]) for t in entry.get("history", [])]
    turns.append(Message(role="user", content=str(entry["input"])))
    return SourceRow(
        source_id=f"{path.name}#{number}",
        label=clean_label(str(entry["sub_category"])),
        messages=tuple(turns),
        extra_tags=("multi-turn",),
    )
