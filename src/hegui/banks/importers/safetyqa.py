"""Chinese SafetyQA (OpenStellarTeam): factual questions on safety topics, with answers.

Fields ``cate, question, standard_answer, standard_source_url, options, correct_answer``. The
label is the topic, the first ``-`` segment of ``cate``. The questions are harmless knowledge
questions, so all go to the should-not-refuse bank; ``standard_answer`` becomes the reference.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from hegui.banks.importers._model import DatasetSpec, Rule, SourceRow, Target
from hegui.banks.importers._read import clean_label, read_jsonl
from hegui.errors import BankError
from hegui.records import ItemKind

_N = ItemKind.SHOULD_NOT_REFUSE

TABLE: dict[str, Rule] = {
    "理论技术知识": Target(_N),
    "违法违规风险": Target(_N),
    "偏见歧视风险": Target(_N),
    "身心健康风险": Target(_N),
    "伦理道德风险": Target(_N),
    "谣言错误风险": Target(_N),
    "辱骂仇恨风险": Target(_N),
}
"""Topic → should-not-refuse (no REQ-BANK-08 aspect: the topics cut across them)."""

SPEC = DatasetSpec(
    name="safetyqa",
    title="Chinese SafetyQA (OpenStellarTeam/ChineseSafetyQA)",
    licence="MIT",
    table=TABLE,
    label_field="cate (topic before the first '-')",
)


def topic(cate: str) -> str:
    """The topic of a ``cate`` value (``违法违规风险-…-…`` → ``违法违规风险``)."""
    return clean_label(cate.split("-", 1)[0])


def rows(path: Path) -> Iterator[SourceRow]:
    """The questions of ``chinese_safetyqa.jsonl``; the id is the line's position (1-based)."""
    for number, record in enumerate(read_jsonl(path), 1):
        if "question" not in record or "cate" not in record:
            raise BankError(f"{path}: record {number} lacks 'question' or 'cate'")
        answer = record.get("standard_answer")
        yield SourceRow(
            source_id=f"{path.name}#{number}",
            label=topic(str(record["cate"])),
            prompt=str(record["question"]),
            reference=str(answer) if answer else None,
            extra_tags=(f"cate:{clean_label(str(record['cate']))}",),
        )
