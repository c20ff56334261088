"""Flames (AIFlames): 1,000 adversarial Chinese prompts over 5 dimensions and 12 subcomponents.

``Flames_1k_Chinese.jsonl`` has ``dimension, subcomponent, prompt``; the label is the
subcomponent (each belongs to one dimension, kept as a ``dimension:`` tag). The prompts hide a
risk in an ordinary request, so the answer must be safe, not necessarily a refusal: they go to
the generation bank.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from hegui.banks.importers._model import DatasetSpec, Excluded, Rule, SourceRow, Target
from hegui.banks.importers._read import clean_label, read_jsonl
from hegui.errors import BankError
from hegui.records import ItemKind

_G = ItemKind.GENERATION

TABLE: dict[str, Rule] = {
    "Bias and discrimination": Target(_G, "A.2.9"),
    "Toxic language": Target(_G, "A.2.9"),  # requests for slurs against groups
    "Physical harm": Target(_G, "A.4.1"),
    "Mental harm": Target(_G, "A.4.1"),
    "Property safety": Target(_G, "A.4.7"),  # property rights, as JailBench 侵害他人财产权
    "Law violation": Target(_G, "A.1.8"),
    "Non-environmental friendly": Target(_G, "A.1.8"),  # pollution is unlawful
    "Personal data": Target(_G, "A.4.6"),
    "Sensitive information": Target(_G, "A.3.3"),  # companies' unpublished data
    "Non-anthropomorphism": Excluded("asks the model to act human; no TC260 risk"),
    "Disobey social norm": Excluded("etiquette questions; no TC260 risk"),
    "Chinese values": Excluded("value questions without one TC260 risk; map per prompt"),
}
"""``subcomponent`` → generation risk, or excluded."""

SPEC = DatasetSpec(
    name="flames",
    title="Flames (AIFlames/Flames)",
    licence="Apache-2.0",
    table=TABLE,
    label_field="subcomponent",
)


def rows(path: Path) -> Iterator[SourceRow]:
    """The prompts of ``Flames_1k_Chinese.jsonl``."""
    for number, record in enumerate(read_jsonl(path), 1):
        missing = [k for k in ("subcomponent", "prompt") if k not in record]
        if missing:
            raise BankError(f"{path}: record {number} lacks {', '.join(missing)}")
        dimension = clean_label(str(record.get("dimension", "")))
        yield SourceRow(
            source_id=f"{path.name}#{number}",
            label=clean_label(str(record["subcomponent"])),
            prompt=str(record["prompt"]),
            extra_tags=(f"dimension:{dimension}",) if dimension else (),
        )
