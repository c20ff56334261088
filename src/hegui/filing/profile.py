"""The provider profile (``profile:`` in hegui.yaml): who files, for which service and model.

Every field is optional in the file so that ``hegui filing build --draft`` can run on a half-filled
profile; :func:`missing_fields` names what a real filing still needs. A unified social credit code
that is present is always checked (GB 32100-2015 check character), draft or not.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hegui.errors import ConfigError

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters of a unified social credit code (no I, O, Z, S, V)."""
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

ServiceMode = Literal["app", "web", "api", "mini-program", "other"]
MODE_ZH: dict[str, str] = {
    "app": "App",
    "web": "网页",
    "api": "API 接口",
    "mini-program": "小程序",
    "other": "其他",
}


def uscc_check_char(first17: str) -> str:
    """The 18th (check) character of a unified social credit code, from its first 17."""
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(code: str) -> str:
    """Return ``code`` (upper-cased) when it is a valid GB 32100-2015 code, else raise ValueError.

    Checks length 18, the character set, the 6-digit administrative division code (positions
    3–8) and the check character.
    """
    value = code.strip().upper()
    if len(value) != 18:
        raise ValueError(f"unified social credit code {code!r} must have 18 characters")
    bad = sorted({c for c in value if c not in USCC_CHARSET})
    if bad:
        raise ValueError(
            f"unified social credit code {code!r} contains {''.join(bad)!r}; only digits and "
            "the letters ABCDEFGHJKLMNPQRTUWXY occur (no I, O, Z, S, V)"
        )
    if not value[2:8].isdigit():
        raise ValueError(
            f"unified social credit code {code!r}: characters 3-8 must be the 6-digit "
            "administrative division code"
        )
    expected = uscc_check_char(value[:17])
    if value[17] != expected:
        raise ValueError(
            f"unified social credit code {code!r}: check character is {value[17]!r} but the "
            f"first 17 characters give {expected!r} (GB 32100-2015); copy the code again from "
            "the business licence"
        )
    return value


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BaseModelInfo(_Section):
    """The base model the service builds on (备案表: 所使用的已备案基础模型)."""

    name: str | None = None
    filing_number: str | None = None
    """The base model's filing number (备案号); ``null`` for a self-developed model."""
    self_developed: bool = False
    """True when there is no separate base model (自研)."""


class CorpusInfo(_Section):
    """Training corpus size and source split (备案表: 语料情况)."""

    tokens: int | None = Field(default=None, ge=0)
    items: int | None = Field(default=None, ge=0)
    open_source: float | None = Field(default=None, ge=0, le=1)
    """Share of open-source corpora (开源语料)."""
    self_collected: float | None = Field(default=None, ge=0, le=1)
    """Share of self-collected corpora (自采语料)."""
    commercial: float | None = Field(default=None, ge=0, le=1)
    """Share of commercially obtained corpora (商业语料)."""
    foreign_open_source: float | None = Field(default=None, ge=0, le=1)
    """Share of foreign open-source corpora in the whole corpus (must not exceed 30%)."""


class AnnotationInfo(_Section):
    """Annotation work (备案表: 标注情况; 附件3)."""

    involved: bool = True
    """False when the service involves no annotation (附件3 then states 不涉及 with ``reason``)."""
    reason: str | None = None
    staff: int | None = Field(default=None, ge=0)
    volume: int | None = Field(default=None, ge=0)
    """Annotated items."""
    functional_rules: str | None = None
    """Summary of the functional annotation rules (功能性标注规则)."""
    safety_rules: str | None = None
    """Summary of the safety annotation rules (安全性标注规则)."""


class ComputeInfo(_Section):
    """Inference compute (备案表: 算力情况)."""

    inference: str | None = None
    """E.g. ``8 × NVIDIA A800 80GB``."""
    cloud: str | None = None
    """Cloud provider and region, or ``自建机房``."""


class ContactInfo(_Section):
    """The person responsible for the filing (安全负责人 / 联系人)."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None


class PublishedInfo(_Section):
    """Where the service publishes what users must see (附件2, complaint channel)."""

    agreement_url: str | None = None
    privacy_url: str | None = None
    complaint_channels: list[str] = Field(default_factory=list)
    """Phone, e-mail, in-app window… (REQ-OPS-04)."""
    complaint_deadline_published: bool = False
    """True when the feedback deadline (gateway ``complaints.feedback_days``) is published."""


class ProviderProfile(_Section):
    """``profile:`` — the provider and the service being filed."""

    organisation: str | None = None
    """The provider's registered name (单位名称)."""
    uscc: str | None = None
    """Unified social credit code (统一社会信用代码), 18 characters, checksum validated."""
    address: str | None = None
    service_name: str | None = None
    model_name: str | None = None
    model_version: str | None = None
    """Default: the top-level ``model_version`` of hegui.yaml."""
    base_model: BaseModelInfo = BaseModelInfo()
    service_modes: list[ServiceMode] = Field(default_factory=list)
    functions: list[str] = Field(default_factory=list)
    """人机对话, 文字生成, 图片生成, 声音合成, 视频合成, 代码生成或优化…"""
    domains: list[str] = Field(default_factory=list)
    """Fields of application (应用领域), e.g. 通用, 教育."""
    users: str | None = None
    """Intended users (服务对象), e.g. 面向公众 or 企业用户."""
    corpus: CorpusInfo = CorpusInfo()
    annotation: AnnotationInfo = AnnotationInfo()
    compute: ComputeInfo = ComputeInfo()
    contact: ContactInfo = ContactInfo()
    published: PublishedInfo = PublishedInfo()
    measures: dict[str, str] = Field(default_factory=dict)
    """Equivalent measure or remediation plan for a non-conformant clause, by requirement id
    (REQ-ASSESS-02); written into 附件1 beside the clause."""

    @field_validator("uscc")
    @classmethod
    def _uscc(cls, value: str | None) -> str | None:
        return None if value is None else validate_uscc(value)


REQUIRED_FIELDS: tuple[str, ...] = (
    "organisation",
    "uscc",
    "service_name",
    "model_name",
    "model_version",
    "service_modes",
    "functions",
    "domains",
    "corpus.tokens",
    "corpus.open_source",
    "corpus.self_collected",
    "corpus.commercial",
    "corpus.foreign_open_source",
    "compute.inference",
    "contact.name",
    "contact.phone",
)
"""Fields the filing form cannot go without (dotted paths under ``profile:``)."""


def field_value(profile: ProviderProfile, dotted: str) -> Any:
    """The value at a dotted path such as ``corpus.tokens``."""
    value: Any = profile
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


def missing_fields(profile: ProviderProfile) -> list[str]:
    """Required fields that are empty, plus conditional ones (base model, annotation)."""
    missing = [f for f in REQUIRED_FIELDS if field_value(profile, f) in (None, "", [])]
    if not profile.base_model.self_developed:
        missing += [
            f"base_model.{f}"
            for f in ("name", "filing_number")
            if getattr(profile.base_model, f) in (None, "")
        ]
    annotation = profile.annotation
    if annotation.involved:
        missing += [
            f"annotation.{f}"
            for f in ("staff", "volume", "functional_rules", "safety_rules")
            if getattr(annotation, f) in (None, "")
        ]
    elif not annotation.reason:
        missing.append("annotation.reason")
    return missing


def parse_profile(
    data: Any, *, source: str | None = None, model_version: str | None = None
) -> ProviderProfile:
    """Validate a ``profile:`` mapping; :class:`ConfigError` names the first bad field.

    ``model_version`` (hegui.yaml's top-level one) fills ``model_version`` when the profile has
    none.
    """
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("the profile section must be a mapping", source=source, field="profile")
    try:
        profile = ProviderProfile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(["profile", *(str(p) for p in first["loc"])])
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown field (see docs/filing.md for the profile fields)"
        raise ConfigError(message, source=source, field=loc) from None
    if profile.model_version is None and model_version:
        profile = profile.model_copy(update={"model_version": model_version})
    return profile
