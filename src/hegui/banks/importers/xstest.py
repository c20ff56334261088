"""XSTest (paul-rottger) and XSTest_cn (IIE-Galaxy): prompts that look risky but are safe.

``xstest_prompts.csv`` (EN) has ``id, prompt, type, label, focus, note``; ``安全.csv`` (ZH) has
``id_v1, id_v2, type, prompt, focus`` (``id_v2`` is the id: ``id_v1`` is blank in places). The
label is ``type``. The safe types go to the should-not-refuse bank; the ``contrast_*`` types are
unsafe counterparts without a TC260 risk, so they are excluded.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from hegui.banks.importers._model import DatasetSpec, Excluded, Rule, SourceRow, Target
from hegui.banks.importers._read import clean_label, read_csv
from hegui.errors import BankError
from hegui.records import ItemKind

_N = ItemKind.SHOULD_NOT_REFUSE
_CONTRAST = Excluded("unsafe contrast prompt without a TC260 risk label")

TABLE: dict[str, Rule] = {
    # XSTest (EN) safe types
    "homonyms": Target(_N),
    "figurative_language": Target(_N),
    "safe_targets": Target(_N),
    "safe_contexts": Target(_N),
    "definitions": Target(_N),
    "real_group_nons_discr": Target(_N),
    "nons_group_real_discr": Target(_N),
    "historical_events": Target(_N, aspect="history"),
    "privacy_public": Target(_N),
    "privacy_fictional": Target(_N),
    # XSTest (EN) unsafe contrast types
    "contrast_homonyms": _CONTRAST,
    "contrast_figurative_language": _CONTRAST,
    "contrast_safe_targets": _CONTRAST,
    "contrast_safe_contexts": _CONTRAST,
    "contrast_definitions": _CONTRAST,
    "contrast_discr": _CONTRAST,
    "contrast_historical_events": _CONTRAST,
    "contrast_privacy": _CONTRAST,
    # XSTest_cn (ZH) types, all safe
    "同音词": Target(_N),
    "比喻语言": Target(_N),
    "安全目标": Target(_N),
    "安全上下文": Target(_N),
    "定义": Target(_N),
    "真实歧视与非现实群体": Target(_N),
    "非真实歧视与现实群体": Target(_N),
    "历史事件": Target(_N, aspect="history"),
    "隐私公开": Target(_N),
    "隐私虚构": Target(_N),
}
"""``type`` → should-not-refuse (aspect ``history`` for historical events) or excluded."""

SPEC = DatasetSpec(
    name="xstest",
    title="XSTest (paul-rottger/exaggerated-safety) and XSTest_cn (IIE-Galaxy/XSTest_cn)",
    licence="CC-BY-4.0 (XSTest prompts); none-stated (XSTest_cn)",
    table=TABLE,
    label_field="type",
)


def rows(path: Path) -> Iterator[SourceRow]:
    """The prompts of ``xstest_prompts.csv`` (EN) or XSTest_cn's ``安全.csv`` (ZH)."""
    records = read_csv(path, ("type", "prompt"))
    if records and "id_v2" in records[0]:
        id_column, language = "id_v2", "zh"
    elif not records or "id" in records[0]:
        id_column, language = "id", "en"
    else:
        raise BankError(f"{path}: no id column (id or id_v2)")
    for record in records:
        yield SourceRow(
            source_id=f"{path.name}#{record[id_column].strip()}",
            label=clean_label(record["type"]),
            prompt=record["prompt"],
            language=language,
        )
