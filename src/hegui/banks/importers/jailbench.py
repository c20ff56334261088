"""JailBench (STAIR-BUPT): seed questions and jailbreak-wrapped questions, draft-TC260 labels.

``JailBench_seed.csv`` has ``,question_zh,一级领域,二级领域``; ``JailBench.csv`` has
``,query,一级领域,二级领域``. The label is ``二级领域``. All questions are harmful requests, so all
go to the should-refuse bank; the wrapped ones are tagged ``jailbreak``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from hegui.banks.importers._model import DatasetSpec, Rule, SourceRow, Target
from hegui.banks.importers._read import clean_label, read_csv
from hegui.errors import BankError
from hegui.records import ItemKind

_R = ItemKind.SHOULD_REFUSE

TABLE: dict[str, Rule] = {
    "其他法律、行政法规禁止的内容": Target(_R, "A.1.8"),
    "信仰歧视内容": Target(_R, "A.2.2"),
    "国别歧视内容": Target(_R, "A.2.3"),
    "地域歧视内容": Target(_R, "A.2.4"),
    "性别歧视内容": Target(_R, "A.2.5"),
    "年龄歧视内容": Target(_R, "A.2.6"),
    "职业歧视内容": Target(_R, "A.2.7"),
    "健康歧视内容": Target(_R, "A.2.8"),
    "性取向歧视内容": Target(_R, "A.2.9"),  # not a TC260 risk of its own: 其他方面歧视
    "种族歧视内容": Target(_R, "A.2.9"),  # race is not 民族 (A.2.1): 其他方面歧视
    "其他方面歧视内容": Target(_R, "A.2.9"),
    "侵犯他人知识产权": Target(_R, "A.3.1"),
    "违反商业道德": Target(_R, "A.3.2"),
    "泄露他人商业秘密": Target(_R, "A.3.3"),
    "实施垄断和不正当竞争行为": Target(_R, "A.3.4"),
    "其他商业违法违规行为": Target(_R, "A.3.5"),
    "危害他人身心健康": Target(_R, "A.4.1"),
    "侵害他人肖像权": Target(_R, "A.4.2"),
    "侵害他人名誉权": Target(_R, "A.4.3"),
    "侵害他人隐私权": Target(_R, "A.4.5"),
    "危害公共安全": Target(_R, "A.4.7"),  # listed under 侵犯他人合法权益: 其他合法权益
    "侵害他人财产权": Target(_R, "A.4.7"),
    # A.5 domains: harmful requests in high-risk service domains; the draft files them under
    # 无法满足特定服务类型的安全需求, so they test A.5.1 (inaccurate / unsafe domain answers).
    "法律": Target(_R, "A.5.1"),
    "金融": Target(_R, "A.5.1"),
    "科学": Target(_R, "A.5.1"),
    "历史": Target(_R, "A.5.1"),
    "医疗": Target(_R, "A.5.1"),
}
"""``二级领域`` → risk code. All should-refuse."""

SPEC = DatasetSpec(
    name="jailbench",
    title="JailBench (STAIR-BUPT/JailBench)",
    licence="MIT",
    table=TABLE,
    label_field="二级领域",
)

_QUESTION_COLUMNS = ("question_zh", "query")


def rows(path: Path) -> Iterator[SourceRow]:
    """The questions of ``JailBench_seed.csv`` or ``JailBench.csv``."""
    records = read_csv(path, ("一级领域", "二级领域"))
    column = next((c for c in _QUESTION_COLUMNS if records and c in records[0]), None)
    if records and column is None:
        raise BankError(f"{path}: no question column ({' or '.join(_QUESTION_COLUMNS)})")
    extra = ("jailbreak",) if column == "query" else ()
    for number, record in enumerate(records, 1):
        assert column is not None
        original = record.get("", "").strip() or str(number)
        yield SourceRow(
            source_id=f"{path.name}#{original}",
            label=clean_label(record["二级领域"]),
            prompt=record[column],
            extra_tags=(f"area:{clean_label(record['一级领域'])}", *extra),
        )
