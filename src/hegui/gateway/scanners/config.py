"""Scanner entries of a chain in hegui.yaml (``gateway.input.scanners`` and friends).

Each entry is one of the models below, chosen by ``type``. Common fields:

* ``action`` — what a finding leads to: ``block``, ``canned`` (代答), ``redact``, ``flag``;
* ``on_error`` — ``block`` (fail closed, the default) or ``allow`` when the scanner raises or
  runs past ``timeout_ms``; either way the failure is logged and counted;
* ``timeout_ms`` — the scanner's time limit (asynchronous scanners are cancelled at it).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hegui.gateway.records import Action
from hegui.records import RISK_CODE_PATTERN
from hegui.text import Severity
from hegui.text.pii import PiiKind

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class _ScannerBase(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = None
    """Name in events and metrics; defaults to the type (``keyword``, ``keyword-2`` …)."""
    action: Action = Action.BLOCK
    """What a finding leads to."""
    on_error: Literal["block", "allow"] = "block"
    """Fail closed (``block``) or open (``allow``) when the scanner errors or times out."""
    timeout_ms: float = Field(default=1000.0, gt=0)

    @field_validator("action")
    @classmethod
    def _not_allow(cls, value: Action) -> Action:
        if value is Action.ALLOW:
            raise ValueError("a scanner's action must be block, canned, redact or flag")
        return value


def _check_risk(value: str | None) -> str | None:
    if value is not None and not RISK_CODE_PATTERN.match(value):
        raise ValueError(f"{value!r} is not a risk code like A.1.4")
    return value


class KeywordTerm(BaseModel):
    """A keyword given inline, with its risk code."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    keyword: str = Field(min_length=1)
    risk: str

    _risk = field_validator("risk")(_check_risk)


class KeywordScannerConfig(_ScannerBase):
    """The keyword engine of :mod:`hegui.text` over the provider's libraries (附件4 tables)."""

    type: Literal["keyword"]
    libraries: list[str] = Field(default_factory=list)
    """Keyword library files (TSV, CSV, XLSX, TXT); relative paths are against hegui.yaml."""
    terms: list[str | KeywordTerm] = Field(default_factory=list)
    """Keywords given inline: strings (of risk ``risk``) or ``{keyword, risk}``."""
    risk: str | None = None
    """Risk code of the plain-string ``terms``."""
    severity_actions: dict[Severity, Action] = Field(default_factory=dict)
    """Actions by the matched keyword's severity (``low: flag``); others take ``action``."""
    homophones: bool = False
    """Also look for homophone spellings (发轮功 for 法轮功) as ``suspect`` matches. Off by
    default on the hot path: the tier costs about 0.4 ms per short text, and its matches are
    for review, never a block on their own."""
    suspect_action: Action = Action.FLAG
    """Action for homophone ``suspect`` matches: ``flag`` by default, ``allow`` ignores."""
    replacement: str = "*"
    """With ``redact``: each character of a match becomes this string."""

    _risk = field_validator("risk")(_check_risk)


class ClassifierScannerConfig(_ScannerBase):
    """A linear text classifier (``hegui-linear/1`` model file, see hegui.judges.linear)."""

    type: Literal["classifier"]
    model: str = Field(min_length=1)
    """A model file (relative paths are against hegui.yaml), or the name of a model shipped
    with hegui: ``harm`` (harmful/harmless, Chinese first)."""
    label: str = Field(min_length=1)
    """The model class that means a violation (``harmful`` for ``harm``)."""
    threshold: float = Field(default=0.5, gt=0, le=1)
    """Probability of ``label`` at or above which ``action`` applies."""
    flag_threshold: float | None = Field(default=None, gt=0, le=1)
    """Probability at or above which (below ``threshold``) the text is flagged."""
    risk: str | None = None
    """Risk code recorded with the classifier's findings."""
    length_features: bool = False
    """Add the length features the model was trained with (see the model's ``meta``)."""

    _risk = field_validator("risk")(_check_risk)


class PiiScannerConfig(_ScannerBase):
    """Personal information (hegui.text.pii): resident ID, mobile, bank card and e-mail."""

    type: Literal["pii"]
    action: Action = Action.REDACT
    kinds: list[PiiKind] = Field(default_factory=lambda: list(PiiKind))
    style: Literal["tag", "stars"] = "tag"
    """``tag`` replaces a number with ``[手机号]``; ``stars`` keeps its length."""
    risk: str | None = "A.4.6"
    """Risk code recorded with findings (A.4.6 personal-information rights)."""

    _risk = field_validator("risk")(_check_risk)


class LlmScannerConfig(_ScannerBase):
    """A guard model behind an OpenAI-compatible endpoint (Qwen3Guard, a vendor model)."""

    type: Literal["llm"]
    base_url: str
    model: str = Field(min_length=1)
    api_key_env: str | None = None
    timeout_ms: float = Field(default=10_000.0, gt=0)
    template: str = "{text}"
    """The user turn sent to the guard model; ``{text}`` is replaced by the scanned text."""
    system_prompt: str | None = None
    unsafe_pattern: str = r"(?i)safety:\s*unsafe"
    """A regular expression on the guard's answer that means ``action``."""
    flag_pattern: str | None = r"(?i)safety:\s*controversial"
    """A regular expression that means ``flag``."""
    safe_pattern: str = r"(?i)safety:\s*safe"
    """A regular expression that means ``allow``; an answer matching none of the three is an
    error (and so blocks, by ``on_error``): the answer is never guessed."""
    max_chars: int = Field(default=8000, ge=1)
    """Longer texts are cut to their first and last halves of this size."""
    risk: str | None = None

    _risk = field_validator("risk")(_check_risk)

    @field_validator("unsafe_pattern", "flag_pattern", "safe_pattern")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {exc}") from None
        return value

    @field_validator("template")
    @classmethod
    def _template(cls, value: str) -> str:
        if "{text}" not in value:
            raise ValueError("the template must contain {text}")
        return value

    @field_validator("api_key_env")
    @classmethod
    def _env(cls, value: str | None) -> str | None:
        if value is not None and not _ENV_NAME.match(value):
            raise ValueError(f"{value!r} is not an environment variable name")
        return value


class JudgeScannerConfig(_ScannerBase):
    """Any hegui judge by name (``hegui.judges.build_judge``), acting on chosen labels."""

    type: Literal["judge"]
    judge: str = Field(min_length=1)
    options: dict[str, Any] = Field(default_factory=dict)
    """Passed to ``build_judge`` (e.g. ``keywords: [lib.tsv]``)."""
    labels: list[str] = Field(min_length=1)
    """Verdict labels that trigger ``action`` (e.g. ``[hit]``, ``[unacceptable]``)."""


AnyScannerConfig = Annotated[
    KeywordScannerConfig
    | ClassifierScannerConfig
    | PiiScannerConfig
    | LlmScannerConfig
    | JudgeScannerConfig,
    Field(discriminator="type"),
]
"""One scanner entry, chosen by ``type``."""

SCANNER_TYPES = ("keyword", "classifier", "pii", "llm", "judge")
