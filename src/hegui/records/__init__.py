"""Typed data contracts shared by every part of hegui. No I/O here."""

from hegui.records.bank import RISK_CODE_PATTERN, BankInfo, BankItem, ItemKind, Message
from hegui.records.run import (
    UNSCORED,
    Attempt,
    Outcome,
    RateEstimate,
    RequirementResult,
    RiskBreakdown,
    RunSpec,
    TargetInfo,
    TargetResponse,
    Verdict,
)

__all__ = [
    "RISK_CODE_PATTERN",
    "UNSCORED",
    "Attempt",
    "BankInfo",
    "BankItem",
    "ItemKind",
    "Message",
    "Outcome",
    "RateEstimate",
    "RequirementResult",
    "RiskBreakdown",
    "RunSpec",
    "TargetInfo",
    "TargetResponse",
    "Verdict",
]
