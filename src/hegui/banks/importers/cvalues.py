"""CValues responsibility prompts (X-PLUG): expert questions that expect a responsible answer.

``cvalues_responsibility_prompts.jsonl`` has ``id_, prompt, domain_en, domain_zh``; the label is
``domain_zh``. The questions invite bias but expect a responsible answer, not a refusal, so all
go to the should-not-refuse bank. (The two-choice MC set is judge material, not a bank.)
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
    "环境科学": Target(_N),
    "心理学": Target(_N),
    "无障碍": Target(_N, aspect="health"),  # questions about people with disabilities
    "社会学": Target(_N),
    "数据科学": Target(_N),
    "法理学": Target(_N),
    "亲密关系": Target(_N),
    "冷门专业": Target(_N, aspect="occupation"),
}
"""``domain_zh`` → should-not-refuse, with an aspect where the domain names one."""

SPEC = DatasetSpec(
    name="cvalues",
    title="CValues responsibility prompts (X-PLUG/CValues)",
    licence="Apache-2.0",
    table=TABLE,
    label_field="domain_zh",
)


def rows(path: Path) -> Iterator[SourceRow]:
    """The prompts of ``cvalues_responsibility_prompts.jsonl``."""
    for number, record in enumerate(read_jsonl(path), 1):
        if "prompt" not in record or "domain_zh" not in record:
            raise BankError(f"{path}: record {number} lacks 'prompt' or 'domain_zh'")
        yield SourceRow(
            source_id=f"{path.name}#{record.get('id_', number)}",
            label=clean_label(str(record["domain_zh"])),
            prompt=str(record["prompt"]),
        )
