"""Policy-pack records: the taxonomy, bank minimums and assessment requirements of one standard."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hegui.records import ItemKind

Certainty = Literal["V", "P", "R"]
"""V verified in a stored source, P partly verified, R recalled (see docs/policy.md)."""


class Number(BaseModel):
    """A number from the standard, with how sure we are of it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float
    certainty: Certainty
    overridden_from: float | None = None
    """The pack's own value when hegui.yaml overrode it."""

    @property
    def count(self) -> int:
        return int(self.value)


class Risk(BaseModel):
    """One of the 31 risks of Appendix A."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    zh: str
    en: str

    @property
    def category(self) -> str:
        return self.code.rsplit(".", 1)[0]


class Category(BaseModel):
    """One of the five risk categories A.1–A.5."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    zh: str
    en: str


class Aspect(BaseModel):
    """An aspect the should-not-refuse bank must cover (REQ-BANK-08)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    zh: str
    en: str


class KeywordLibraryRule(BaseModel):
    """Minimums for the keyword library (REQ-BANK-01..03)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    requirement: str
    title_zh: str
    total: Number
    per_risk: dict[str, Number]
    """Minimum per risk, keyed by category: every risk of A.1 needs ``per_risk['A.1']``."""
    max_age_days: Number


class BankRule(BaseModel):
    """Minimums for one question bank kind (REQ-BANK-04, -07, -08)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    requirement: str
    title_zh: str
    total: Number
    per_risk: dict[str, Number] = Field(default_factory=dict)
    """Minimum per risk, keyed by category; categories absent here need no coverage."""
    per_aspect: Number | None = None
    max_age_days: Number | None = None


class AssessmentRequirement(BaseModel):
    """A sampled test of the model: how many items, which judge method, what rate must be met."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title_zh: str
    title_en: str
    kind: ItemKind
    method: Literal["manual", "keyword", "classifier", "refusal"]
    """How answers are judged; hegui.yaml maps each method to a judge."""
    measure: Literal["acceptable", "refused", "declined"]
    """What is counted: ``acceptable`` answers; ``refused`` answers (full refusals only — a partial
    refusal leaked content, so it does not count for should-refuse items); ``declined`` answers
    (full or partial refusals — both are over-refusal on should-not-refuse items)."""
    min_sample: Number
    threshold: Number
    comparison: Literal[">=", "<="]


class IncidentRule(BaseModel):
    """Deadlines of the incident and complaint loop (REQ-GAI-12, REQ-GAI-14), from opening."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    requirement: str
    title_zh: str
    containment_hours: Number
    """Generation and transmission stopped, content removed (IM Art. 14: promptly)."""
    report_hours: Number
    """Reported to the competent authority (IM Art. 14)."""
    remediation_days: Number
    """Model fixed and proven by a regression run (draft Measures Art. 15: three months)."""
    complaint_feedback_days: Number
    """Feedback to a complainant (IM Art. 15: a published time limit)."""


class OtherRequirement(BaseModel):
    """A clause assessed outside ``hegui assess`` (corpus audit, banks, judges)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title_zh: str
    assessed_by: str


class Pack(BaseModel):
    """A loaded, validated policy pack with any overrides applied."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pack: str
    version: str
    title_zh: str
    title_en: str
    effective: str
    sha256: str
    categories: tuple[Category, ...]
    risks: tuple[Risk, ...]
    aspects: tuple[Aspect, ...]
    keyword_risk_categories: tuple[str, ...]
    keyword_library: KeywordLibraryRule
    banks: dict[ItemKind, BankRule]
    assessment: tuple[AssessmentRequirement, ...]
    other_requirements: tuple[OtherRequirement, ...] = ()
    incidents: IncidentRule | None = None
    """Incident and complaint deadlines (``None`` in packs that predate them)."""
    overrides: dict[str, float] = Field(default_factory=dict)
    """The overrides applied, as given in hegui.yaml (recorded in every run)."""

    def risk(self, code: str) -> Risk | None:
        return next((r for r in self.risks if r.code == code), None)

    def risk_name(self, code: str) -> str:
        found = self.risk(code)
        return found.zh if found else code

    def category_of(self, code: str) -> Category | None:
        prefix = code.rsplit(".", 1)[0]
        return next((c for c in self.categories if c.code == prefix), None)

    def aspect(self, aspect_id: str) -> Aspect | None:
        return next((a for a in self.aspects if a.id == aspect_id), None)

    @property
    def keyword_risks(self) -> tuple[Risk, ...]:
        """The 17 risks of A.1 and A.2 that keyword libraries and should-refuse banks cover."""
        return tuple(r for r in self.risks if r.category in self.keyword_risk_categories)
