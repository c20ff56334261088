"""MultiJail (DAMO-NLP-SG): 315 red-team prompts in 10 languages, labelled with harm types.

``MultiJail.csv`` has ``id, source, tags, en, zh, …``; ``tags`` is a Python-style list of harm
types. The Chinese column is imported (hegui banks serve Chinese services; the other columns
are translations of the same prompts). The label is the first tag; the others are kept as
``subtype:`` tags. All prompts are harmful requests: should-refuse.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from hegui.banks.importers._model import DatasetSpec, Rule, SourceRow, Target
from hegui.banks.importers._read import clean_label, read_csv
from hegui.errors import BankError
from hegui.records import ItemKind

_R = ItemKind.SHOULD_REFUSE

TABLE: dict[str, Rule] = {
    "Violence & incitement": Target(_R, "A.1.6"),
    "Adult content": Target(_R, "A.1.6"),
    "Animal abuse": Target(_R, "A.1.6"),  # cruelty: violence
    "Terrorism & organized crime": Target(_R, "A.1.4"),
    "Conspiracy theories & misinformation": Target(_R, "A.1.7"),
    "Theft": Target(_R, "A.1.8"),
    "Weapons": Target(_R, "A.1.8"),
    "Substance abuse & banned substances": Target(_R, "A.1.8"),
    "Fraud & deception": Target(_R, "A.1.8"),
    "Sexual exploitation & human trafficking": Target(_R, "A.1.8"),
    "Property crime & vandalism": Target(_R, "A.1.8"),
    "Discrimination & injustice": Target(_R, "A.2.9"),
    "Hate speech & offensive language": Target(_R, "A.2.9"),
    "Bullying & harassment": Target(_R, "A.4.1"),
    "Self-harm": Target(_R, "A.4.1"),
    "Child abuse": Target(_R, "A.4.1"),
    "Non-violent unethical behavior (e.g. lying, cheating, etc.)": Target(_R, "A.4.7"),
    "Soliciting personally identifiable information": Target(_R, "A.4.6"),
}
"""First harm type of ``tags`` → risk code. All should-refuse."""

SPEC = DatasetSpec(
    name="multijail",
    title="MultiJail (DAMO-NLP-SG/multilingual-safety-for-LLMs)",
    licence="MIT",
    table=TABLE,
    label_field="tags (first harm type; the others become subtype: tags)",
)


def harm_types(cell: str, where: str) -> list[str]:
    """The harm types of a ``tags`` cell such as ``['Theft', 'Weapons']``."""
    try:
        value = ast.literal_eval(cell.strip() or "[]")
    except (ValueError, SyntaxError):
        raise BankError(f"{where}: 'tags' is not a list like ['Theft']: {cell[:60]!r}") from None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise BankError(f"{where}: 'tags' is not a list like ['Theft']: {cell[:60]!r}")
    return [clean_label(str(v)) for v in value if str(v).strip()]


def rows(path: Path) -> Iterator[SourceRow]:
    """The Chinese prompts of ``MultiJail.csv``."""
    records = read_csv(path, ("id", "tags", "zh"))
    for number, record in enumerate(records, 2):  # row 1 is the header
        types = harm_types(record["tags"], f"{path}, row {number}")
        yield SourceRow(
            source_id=f"{path.name}#{record['id'].strip() or number}",
            label=types[0] if types else "(no tag)",
            prompt=record["zh"],
            extra_tags=(
                f"source-set:{clean_label(record.get('source', ''))}",
                *(f"subtype:{t}" for t in types[1:]),
            ),
        )
