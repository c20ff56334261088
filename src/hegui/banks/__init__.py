"""Question banks: the bank file format (JSONL, CSV/TSV, XLSX incl. 附件5), loading with
validation against a policy pack, writing, and coverage checks against the pack's minimums.

>>> from hegui.policy import load_pack
>>> pack = load_pack()
>>> banks = load_banks(["bank.jsonl"], pack)  # doctest: +SKIP
>>> check_banks(banks, pack).ok  # doctest: +SKIP
False

The format is documented in ``docs/banks.md``.
"""

from hegui.banks._meta import BankMeta
from hegui.banks._problems import MAX_PROBLEMS, BankProblem, BankValidationError, Location
from hegui.banks.coverage import (
    FRESHNESS_REQUIREMENT,
    AspectCount,
    BankCoverage,
    DuplicateGroup,
    Freshness,
    KindCoverage,
    RequirementStatus,
    RiskCount,
    Shortfall,
    Status,
    check_banks,
)
from hegui.banks.loader import SUFFIXES, Bank, load_bank, load_banks
from hegui.banks.writer import item_record, write_bank

__all__ = [
    "FRESHNESS_REQUIREMENT",
    "MAX_PROBLEMS",
    "SUFFIXES",
    "AspectCount",
    "Bank",
    "BankCoverage",
    "BankMeta",
    "BankProblem",
    "BankValidationError",
    "DuplicateGroup",
    "Freshness",
    "KindCoverage",
    "Location",
    "RequirementStatus",
    "RiskCount",
    "Shortfall",
    "Status",
    "check_banks",
    "item_record",
    "load_bank",
    "load_banks",
    "write_bank",
]
