"""Policy packs: the taxonomy, minimums and thresholds of a standard, shipped as data.

>>> pack = load_pack("gbt45654-2025")
>>> len(pack.risks), len(pack.keyword_risks)
(31, 17)
"""

from hegui.policy.loader import DEFAULT_PACK, available_packs, load_pack
from hegui.policy.model import (
    Aspect,
    AssessmentRequirement,
    BankRule,
    Category,
    IncidentRule,
    KeywordLibraryRule,
    Number,
    Pack,
    Risk,
)

__all__ = [
    "DEFAULT_PACK",
    "Aspect",
    "AssessmentRequirement",
    "BankRule",
    "Category",
    "IncidentRule",
    "KeywordLibraryRule",
    "Number",
    "Pack",
    "Risk",
    "available_packs",
    "load_pack",
]
