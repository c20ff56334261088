"""JADE-DB (whitzard-ai): v1/v2 questions labelled ``违规类型`` / ``违规子类``; v3 triples.

v1/v2 columns are ``ID, 问题, 违规类型, 违规子类``. The label is the sub-type (``违规子类``),
stripped of stray spaces; a cell listing several sub-types joined by ``|`` is mapped by the first
and tagged with all. The generic sub-types ``其他`` and ``侵害权益`` say little on their own, so
they are keyed together with the type: ``违法犯罪/其他``. All questions are harmful requests and go
to the should-refuse bank.

v3 files (``ID, 问题, 违规回答, 安全有用回答``; the originals are GB18030) carry no violation
label: they are read (GB18030 or UTF-8) and reported as excluded rows, since a should-refuse item
needs a risk.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from hegui.banks.importers._model import DatasetSpec, Excluded, Rule, SourceRow, Target
from hegui.banks.importers._read import clean_label, read_csv
from hegui.records import ItemKind

_R = ItemKind.SHOULD_REFUSE
_CRIME = "其他法律、行政法规禁止的内容 (crime types)"

V3_LABEL = "(v3 无违规子类)"
"""The label given to v3 rows, which have none."""

GENERIC_SUBTYPES = frozenset({"其他", "侵害权益"})
"""Sub-types keyed together with their type (``违法犯罪/其他``)."""

_TYPE_ALIASES = {"侵犯权益": "侵害权益"}

TABLE: dict[str, Rule] = {
    # A.1 values
    "危害国家利益、损害国家形象": Target(_R, "A.1.2"),
    "侵害国家利益、侵害国家形象": Target(_R, "A.1.2"),
    "宣扬恐怖主义、极端主义": Target(_R, "A.1.4"),
    "宣扬暴力、淫秽色情": Target(_R, "A.1.6"),
    "宣扬淫秽色情": Target(_R, "A.1.6"),
    "宣扬暴力": Target(_R, "A.1.6"),
    "传播虚假有害信息": Target(_R, "A.1.7"),
    # crime types → A.1.8 其他法律、行政法规禁止的内容
    "其他犯罪类型": Target(_R, "A.1.8"),
    "违法犯罪/其他": Target(_R, "A.1.8"),
    "偷窃": Target(_R, "A.1.8"),
    "抢劫": Target(_R, "A.1.8"),
    "勒索": Target(_R, "A.1.8"),
    "诈骗": Target(_R, "A.1.8"),
    "网络欺诈与犯罪": Target(_R, "A.1.8"),
    "非法侵入": Target(_R, "A.1.8"),
    "非法持有武器": Target(_R, "A.1.8"),
    "非法伪造": Target(_R, "A.1.8"),
    "非法走私": Target(_R, "A.1.8"),
    "贩卖毒品": Target(_R, "A.1.8"),
    "贩卖赃物": Target(_R, "A.1.8"),
    "虐待与贩卖人口": Target(_R, "A.1.8"),
    "赌博与开设赌场": Target(_R, "A.1.8"),
    "赌博或开设赌场": Target(_R, "A.1.8"),
    "贪污腐败": Target(_R, "A.1.8"),
    "酒后驾车": Target(_R, "A.1.8"),
    "酗酒驾车": Target(_R, "A.1.8"),
    # A.2 discrimination
    "民族歧视内容": Target(_R, "A.2.1"),
    "宣扬民族歧视": Target(_R, "A.2.1"),
    "信仰歧视内容": Target(_R, "A.2.2"),
    "国别歧视内容": Target(_R, "A.2.3"),
    "地域歧视内容": Target(_R, "A.2.4"),
    "性别歧视内容": Target(_R, "A.2.5"),
    "年龄歧视内容": Target(_R, "A.2.6"),
    "职业歧视内容": Target(_R, "A.2.7"),
    "健康歧视内容": Target(_R, "A.2.8"),
    "其他方面歧视内容": Target(_R, "A.2.9"),
    "歧视偏见/其他": Target(_R, "A.2.9"),
    "种族歧视内容": Target(_R, "A.2.9"),  # race is not 民族 (A.2.1)
    "肤色歧视内容": Target(_R, "A.2.9"),
    "服装歧视内容": Target(_R, "A.2.9"),
    # A.3 business
    "违反商业道德": Target(_R, "A.3.2"),
    "泄露他人商业秘密": Target(_R, "A.3.3"),
    "内幕交易": Target(_R, "A.3.5"),
    # A.4 rights
    "危害他人身心健康": Target(_R, "A.4.1"),
    "侵害他人身心健康": Target(_R, "A.4.1"),
    "故意伤害他人": Target(_R, "A.4.1"),
    "侵害他人肖像权": Target(_R, "A.4.2"),
    "侵害他人名誉权": Target(_R, "A.4.3"),
    "侵害他人隐私权": Target(_R, "A.4.5"),
    "侵害他人个人信息权益": Target(_R, "A.4.6"),
    "非法获取私人信息": Target(_R, "A.4.6"),
    "侵犯他人其他合法权益": Target(_R, "A.4.7"),
    "侵害他人其他合法权益": Target(_R, "A.4.7"),
    "侵害其他合法权益": Target(_R, "A.4.7"),
    "侵害权益/其他": Target(_R, "A.4.7"),
    "违法犯罪/侵害权益": Target(_R, "A.4.7"),
    V3_LABEL: Excluded("JADE v3 triples have no violation label, so no risk code"),
}
"""``违规子类`` (or ``违规类型/违规子类`` for generic ones) → risk code. All should-refuse."""

SPEC = DatasetSpec(
    name="jade",
    title="JADE-DB v1–v3 (whitzard-ai/jade-db)",
    licence="MIT",
    table=TABLE,
    label_field="违规子类 (first of '|'-joined; 违规类型/违规子类 for 其他, 侵害权益)",
)


def subtypes(kind: str, cell: str) -> list[str]:
    """The mapping keys of a ``违规类型`` / ``违规子类`` pair, in order."""
    kind = clean_label(kind)
    kind = _TYPE_ALIASES.get(kind, kind)
    keys: list[str] = []
    for part in cell.split("|"):
        part = clean_label(part)
        if part:
            keys.append(f"{kind}/{part}" if part in GENERIC_SUBTYPES else part)
    return keys or [f"{kind}/"]


def rows(path: Path) -> Iterator[SourceRow]:
    """The questions of a v1, v2 or v3 file (v3 detected by its ``违规回答`` column)."""
    records = read_csv(path, ("ID", "问题"))
    language = "en" if path.stem.endswith("_en") else "zh"
    for record in records:
        source_id = f"{path.name}#{record['ID'].strip()}"
        if "违规回答" in record:
            yield SourceRow(source_id=source_id, label=V3_LABEL, prompt=record["问题"])
            continue
        keys = subtypes(record.get("违规类型", ""), record.get("违规子类", ""))
        yield SourceRow(
            source_id=source_id,
            label=keys[0],
            prompt=record["问题"],
            language=language,
            extra_tags=tuple(f"subtype:{key}" for key in keys[1:]),
        )
