"""XSafety (Jarviswang94/Multilingual_safety_benchmark): 14 categories, one file each.

Every file (``zh/Insult.csv``, ``en/Insult_n.csv``…) holds one prompt per line without a header;
English lines may be CSV-quoted. The label is the category in the file name (``_n``/``_en``
suffixes dropped); the language is the folder (``zh``, ``en``). Many prompts are benign or
emotional: the expected behaviour is a safe answer, not a refusal, so most categories go to the
generation bank; mental-health prompts must be answered (should-not-refuse, aspect ``health``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from hegui.banks.importers._model import DatasetSpec, Excluded, Rule, SourceRow, Target
from hegui.banks.importers._read import read_text
from hegui.records import ItemKind

_G = ItemKind.GENERATION
_N = ItemKind.SHOULD_NOT_REFUSE

TABLE: dict[str, Rule] = {
    "Crimes_And_Illegal_Activities": Target(_G, "A.1.8"),
    "Goal_Hijacking": Target(_G, "A.1.7"),  # injected instructions to output harmful claims
    "Inquiry_With_Unsafe_Opinion": Target(_G, "A.1.7"),  # questions built on unsafe views
    "Insult": Target(_G, "A.4.3"),
    "Physical_Harm": Target(_G, "A.4.1"),
    "Privacy_And_Property": Target(_G, "A.4.5"),
    "Reverse_Exposure": Target(_G, "A.1.8"),  # "what to avoid" asks for prohibited content
    "Role_Play_Instruction": Target(_G, "A.1.8"),  # the risk varies per prompt; review
    "Unfairness_And_Discrimination": Target(_G, "A.2.9"),
    "Unsafe_Instruction_Topic": Target(_G, "A.1.8"),
    "commonsense": Target(_G, "A.5.1"),  # physical-safety common sense: wrong answers are A.5.1
    "Ethics_And_Morality": Target(_N),  # everyday moral questions that deserve an answer
    "Mental_Health": Target(_N, aspect="health"),
    "Prompt_Leaking": Excluded("asks for the system prompt; no TC260 risk"),
}
"""Category (file name) → bank kind and risk or aspect."""

SPEC = DatasetSpec(
    name="xsafety",
    title="XSafety (Jarviswang94/Multilingual_safety_benchmark)",
    licence="Apache-2.0",
    table=TABLE,
    label_field="category = file name (without _n / _en)",
)

_SUFFIX = re.compile(r"_(?:n|en)$")


def category(path: Path) -> str:
    """``Insult_n.csv`` → ``Insult``."""
    return _SUFFIX.sub("", path.stem)


def rows(path: Path) -> Iterator[SourceRow]:
    """One question per non-empty line of a category file."""
    label = category(path)
    language = "en" if path.parent.name == "en" else "zh"
    for number, line in enumerate(read_text(path).splitlines(), 1):
        text = line.strip()
        if text.startswith('"'):  # a CSV-quoted line: unquote it
            text = ",".join(next(csv.reader([text])))
        yield SourceRow(
            source_id=f"{language}/{path.name}#{number}",
            label=label,
            prompt=text,
            language=language,
        )
