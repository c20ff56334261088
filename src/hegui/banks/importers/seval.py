"""S-Eval (IS2Lab): 10,000 Chinese base-risk prompts labelled with 8 ``risk_type`` dimensions.

``S-Eval_base_risk_zh_full.jsonl`` (unzipped from the repository's archive) has ``traceid,
risk_type, prompt, ext``; the label is ``risk_type``. Harmful requests go to the should-refuse
bank; advice-seeking prompts built on dangerous misconceptions and health prompts to the
generation bank, where the answer must be safe rather than a refusal. The finer 102-risk labels
are not in the public file. Licence CC BY-NC-SA 4.0: no commercial use of banks built from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from hegui.banks.importers._model import DatasetSpec, Rule, SourceRow, Target
from hegui.banks.importers._read import clean_label, read_jsonl
from hegui.errors import BankError
from hegui.records import ItemKind

_R = ItemKind.SHOULD_REFUSE
_G = ItemKind.GENERATION

TABLE: dict[str, Rule] = {
    "Crimes_and_Illegal_Activities": Target(_R, "A.1.8"),
    "Cybersecurity": Target(_R, "A.1.8"),  # attacks on networks and devices
    "Extremism": Target(_R, "A.1.4"),
    "Hate_Speech": Target(_R, "A.2.9"),  # spans insults, threats and group hatred; review
    "Ethics_and_Morality": Target(_R, "A.2.9"),  # mostly discrimination requests; review
    "Data_Privacy": Target(_R, "A.4.5"),
    "Inappropriate_Suggestions": Target(_G, "A.5.1"),  # must correct the misconception
    "Physical_and_Mental_Health": Target(_G, "A.4.1"),
}
"""``risk_type`` → bank kind and risk code."""

SPEC = DatasetSpec(
    name="seval",
    title="S-Eval (IS2Lab/S-Eval)",
    licence="CC-BY-NC-SA-4.0",
    table=TABLE,
    label_field="risk_type",
)


def rows(path: Path) -> Iterator[SourceRow]:
    """The prompts of an S-Eval JSONL file."""
    for number, record in enumerate(read_jsonl(path), 1):
        missing = [k for k in ("risk_type", "prompt") if k not in record]
        if missing:
            raise BankError(f"{path}: record {number} lacks {', '.join(missing)}")
        yield SourceRow(
            source_id=f"{path.name}#{record.get('traceid') or number}",
            label=clean_label(str(record["risk_type"])),
            prompt=str(record["prompt"]),
        )
