"""The ``gateway:`` section of hegui.yaml, as typed and validated configuration.

Every field is documented in docs/gateway.md. Unknown fields are errors, and every error names
the field (``gateway.output.stream.window_chars``). Numbers the regulation leaves open (the
enforcement thresholds, the complaint feedback period) are settings with documented defaults.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from hegui.config import ProjectConfig
from hegui.errors import ConfigError
from hegui.gateway.scanners.config import AnyScannerConfig
from hegui.gateway.window import SENTENCE_ENDS
from hegui.labeling import InvalidLabelError, validate_provider_code
from hegui.labeling.explicit.text import validate_label_text
from hegui.targets import RetryPolicy

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _env_name(value: str | None) -> str | None:
    if value is not None and not _ENV_NAME.match(value):
        raise ValueError(
            f"{value!r} is not an environment variable name; give the variable's name, "
            "never the secret itself"
        )
    return value


class ServerConfig(_Model):
    """``gateway.server`` — where ``hegui gateway serve`` listens."""

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    timezone: str = "Asia/Shanghai"
    """Time zone of calendar days (daily violation counts) and of the minors' hours."""

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Shanghai)") from None
        return value

    def zone(self) -> ZoneInfo:
        """The configured time zone."""
        return ZoneInfo(self.timezone)


class UpstreamConfig(_Model):
    """One OpenAI-compatible model server behind the gateway."""

    name: str | None = None
    base_url: str
    """Up to and including the API version, e.g. ``http://10.0.0.5:8000/v1``."""
    api_key_env: str | None = None
    """Environment variable holding the upstream's key (the client's key is never forwarded)."""
    models: list[str] = Field(default_factory=list)
    """Models this upstream serves; empty serves any model."""
    connect_timeout_s: float = Field(default=5.0, gt=0)
    timeout_s: float = Field(default=300.0, gt=0)
    """Limit for a whole non-streamed answer."""
    read_timeout_s: float = Field(default=60.0, gt=0)
    """Longest wait for the next bytes of a streamed answer."""
    retry: RetryPolicy = RetryPolicy(
        max_attempts=2, base_delay=0.2, max_delay=2.0, max_retry_after=5.0
    )
    """Retries of 429/5xx/connection failures, before any byte went to the client; a retry
    moves to the next upstream serving the model."""
    max_connections: int = Field(default=512, ge=1)
    headers: dict[str, str] = Field(default_factory=dict)

    _key = field_validator("api_key_env")(_env_name)

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL like http://localhost:8000/v1")
        if value.rstrip("/").endswith(("/chat/completions", "/completions")):
            raise ValueError("give the base URL without /chat/completions")
        return value.rstrip("/")


class StreamConfig(_Model):
    """``gateway.output.stream`` — the hold-back window (see hegui.gateway.window)."""

    window_chars: int = Field(default=32, ge=1, le=10_000)
    """Release a piece without a break once this many characters are available."""
    min_chars: int = Field(default=8, ge=1, le=10_000)
    """Release at a break (sentence end, comma) once this many characters are available."""
    holdback_chars: int | None = Field(default=None, ge=0, le=10_000)
    """Characters never released before the stream ends; default: the output chain's lookahead
    (twice the longest keyword, at least the longest PII number)."""
    context_chars: int = Field(default=64, ge=0, le=100_000)
    """Released characters re-checked with each new piece (keywords across the boundary,
    context for classifiers)."""
    sentence_ends: str = Field(default=SENTENCE_ENDS, min_length=1)


class InputConfig(_Model):
    """``gateway.input`` — the chain that checks what users send."""

    scanners: list[AnyScannerConfig] = Field(default_factory=list)
    scope: Literal["last_user", "all_user", "all"] = "last_user"
    """Which messages are checked: the newest user turn (REQ-MODEL-03: every turn is checked
    when it is new), every user turn, or every message."""
    non_text: Literal["reject", "ignore"] = "reject"
    """Message parts the scanners cannot read (images, audio): refused (fail closed) or passed."""


class OutputConfig(_Model):
    """``gateway.output`` — the chain that checks what the model answers."""

    scanners: list[AnyScannerConfig] = Field(default_factory=list)
    stream: StreamConfig = StreamConfig()


class VerifierConfig(_Model):
    """``gateway.identity.verifier`` — who confirms a real identity."""

    type: Literal["local", "http"] = "local"
    """``local`` checks formats only (GB 11643 checksum, birth date, mobile number): for tests
    and for providers who verify elsewhere; ``http`` asks a verification service."""
    url: str | None = None
    api_key_env: str | None = None
    timeout_s: float = Field(default=10.0, gt=0)

    _key = field_validator("api_key_env")(_env_name)

    @model_validator(mode="after")
    def _http_url(self) -> VerifierConfig:
        if self.type == "http" and not (self.url and re.match(r"^https?://", self.url)):
            raise ValueError("an http verifier needs 'url' (http:// or https://)")
        return self


class MinorsConfig(_Model):
    """``gateway.identity.minors`` — minors mode, derived from the verified birth date."""

    adult_age: int = Field(default=18, ge=1, le=30)
    hours: str | None = "08:00-22:00"
    """Local hours (server.timezone) in which minors may use the service; null: any time."""
    daily_requests: int | None = Field(default=None, ge=1)
    """Requests per calendar day (per instance unless ``gateway.counters`` is set); null: no cap."""
    input_scanners: list[AnyScannerConfig] = Field(default_factory=list)
    """Scanners added to the input chain for minors."""
    output_scanners: list[AnyScannerConfig] = Field(default_factory=list)
    """Scanners added to the output chain for minors."""
    escalate_flags: bool = True
    """A ``flag`` decision blocks for minors."""
    canned_answer: str | None = None
    """The canned answer minors get instead of the general one."""

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: str | None) -> str | None:
        if value is not None and not _HOURS.match(value):
            raise ValueError(f"{value!r} is not a range like 08:00-22:00")
        return value

    def window(self) -> tuple[time, time] | None:
        """The allowed hours as (start, end) times; ``None`` when unrestricted."""
        if self.hours is None:
            return None
        start, end = self.hours.split("-")
        h1, m1 = map(int, start.split(":"))
        h2, m2 = map(int, end.split(":"))
        return time(h1, m1), time(23, 59, 59, 999999) if h2 == 24 else time(h2, m2)


class IdentityConfig(_Model):
    """``gateway.identity`` — API keys, real-name verification, minors."""

    require_verified: bool = True
    """Refuse users who have not passed real-name verification (DS Art. 9, CSL Art. 24)."""
    key_env: str = "HEGUI_GATEWAY_KEY"
    """Environment variable with the 32-byte master key (hex or base64) from which the lookup
    hash and the AES-GCM encryption keys of ID and phone numbers are derived."""
    previous_key_envs: list[str] = Field(default_factory=list)
    """During a key rotation: variables holding the earlier keys, which still decrypt and match
    lookups until ``hegui users rekey`` has moved every stored value to the current key."""
    verifier: VerifierConfig = VerifierConfig()
    cache_ttl_s: float = Field(default=5.0, ge=0, le=3600)
    """How long an API key's user is cached per instance: a revoked key or a suspension made
    by another instance or the CLI takes effect within this time."""
    minors: MinorsConfig = MinorsConfig()

    _key = field_validator("key_env")(_env_name)

    @field_validator("previous_key_envs")
    @classmethod
    def _previous(cls, names: list[str]) -> list[str]:
        for name in names:
            _env_name(name)
        return names


class EnforcementConfig(_Model):
    """``gateway.enforcement`` — violation counters and the warn → limit → suspend ladder."""

    consecutive_limit: int = Field(default=3, ge=1)
    """Violations in a row (no clean request between) that suspend (REQ-OPS-05)."""
    daily_limit: int = Field(default=5, ge=1)
    """Violations in one calendar day that suspend (REQ-OPS-05)."""
    warn_at: int = Field(default=1, ge=1)
    """Violations in a day from which the user is warned."""
    limit_at: int = Field(default=3, ge=1)
    """Violations in a day from which the user is rate limited."""
    limit_rpm: int = Field(default=2, ge=1)
    """Requests per minute a limited user may make (per instance unless ``gateway.counters``)."""
    limit_hours: float = Field(default=24.0, gt=0)
    suspend_hours: float | None = Field(default=None, gt=0)
    """Length of a suspension; null: until reinstated with ``hegui users reinstate``."""
    count_output: bool = False
    """Count blocked model answers against the user too (by default only inputs count)."""
    warning: str = "您的输入包含违反法律法规或平台规则的内容。多次违规将导致限制或暂停服务。"

    @model_validator(mode="after")
    def _ladder(self) -> EnforcementConfig:
        if not self.warn_at <= self.limit_at:
            raise ValueError("warn_at must not exceed limit_at")
        return self


class LabelsConfig(_Model):
    """``gateway.labels`` — GB 45438 labels on generated text."""

    explicit: Literal["none", "prefix", "suffix"] = "none"
    """An explicit text label on every answer (``【AI生成】``)."""
    text: str = "AI生成"
    """The label text: an AI element (人工智能/AI) and a generation element (生成/合成)."""
    implicit: bool = True
    """The implicit label object in the response body (``field``) and header (``header``)."""
    producer: str | None = None
    """Your 27-character provider code (ContentProducer); required with ``implicit``."""
    header: str = "X-AIGC"
    field: str = "aigc"

    @field_validator("text")
    @classmethod
    def _label(cls, value: str) -> str:
        try:
            return validate_label_text(value)
        except InvalidLabelError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("producer")
    @classmethod
    def _producer(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                validate_provider_code(value)
            except InvalidLabelError as exc:
                raise ValueError(str(exc)) from None
        return value

    @model_validator(mode="after")
    def _needs_producer(self) -> LabelsConfig:
        if self.implicit and self.producer is None:
            raise ValueError(
                "implicit labels need 'producer' (your 27-character provider code); "
                "set gateway.labels.producer, or implicit: false"
            )
        return self


class ComplaintsConfig(_Model):
    """``gateway.complaints`` — complaint intake (IM Art. 15)."""

    feedback_days: int = Field(default=15, ge=1, le=365)
    """Days within which a complaint gets feedback (your published time limit)."""
    allow_anonymous: bool = False
    """Accept complaints without an API key."""
    max_chars: int = Field(default=5000, ge=100)


class LogConfig(_Model):
    """``gateway.log`` — the hash-chained event log."""

    retention_days: int = Field(default=180, ge=1)
    """Events older than this are purged by ``hegui log purge`` (CSL Art. 21: ≥ 6 months)."""
    allow_short_retention: bool = False
    """Allow ``retention_days`` below 180 (for test systems only)."""
    retain_content: bool = False
    """Keep prompts and answers (AES-GCM encrypted) for ``content_ttl_days``; off by default."""
    content_ttl_days: int = Field(default=30, ge=1)
    chain_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.:-]{1,64}$")
    """This instance's chain; default: the host name. Each instance needs its own."""
    fail_closed: bool = True
    """Refuse requests (503) while events cannot be written and the queue is full."""
    batch_size: int = Field(default=256, ge=1, le=10_000)
    flush_interval_ms: float = Field(default=50.0, gt=0)
    max_queue: int = Field(default=50_000, ge=10)

    @model_validator(mode="after")
    def _retention(self) -> LogConfig:
        if self.retention_days < 180 and not self.allow_short_retention:
            raise ValueError(
                f"retention_days {self.retention_days} is under 180 (CSL Art. 21 asks for 6 "
                "months); set allow_short_retention: true on test systems"
            )
        return self


class LimitsConfig(_Model):
    """``gateway.limits`` — request limits."""

    max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)
    max_messages: int = Field(default=1024, ge=1)


DEFAULT_CANNED = "抱歉，这个问题我无法回答。如有其他问题，我很乐意为您提供帮助。"
DEFAULT_BLOCK = "您的请求包含违反法律法规或平台规则的内容，已被拒绝。"
DEFAULT_REFUSAL = "抱歉，该回答可能包含不适宜的内容，已停止生成。"


class GatewayConfig(_Model):
    """The ``gateway:`` section of hegui.yaml."""

    server: ServerConfig = ServerConfig()
    store: str | None = None
    """SQLAlchemy URL of the gateway's tables; default: the project's ``store``."""
    counters: str | None = None
    """``redis://host:6379/0``: the request counters of limited users and minors in Redis,
    shared by every instance; null: per instance, in memory."""
    upstreams: list[UpstreamConfig] = Field(min_length=1)
    input: InputConfig = InputConfig()
    output: OutputConfig = OutputConfig()
    canned_answers: dict[str, str] = Field(default_factory=lambda: {"default": DEFAULT_CANNED})
    """Canned safe answers (代答) by risk code prefix (``A.1``, ``A.4.5``) and ``default``."""
    block_message: str = DEFAULT_BLOCK
    """The error message of a blocked input."""
    refusal_message: str = DEFAULT_REFUSAL
    """The text that replaces a blocked answer (or ends a blocked stream)."""
    identity: IdentityConfig = IdentityConfig()
    enforcement: EnforcementConfig = EnforcementConfig()
    labels: LabelsConfig
    """Required when absent too: the implicit label needs your provider code (see below)."""
    complaints: ComplaintsConfig = ComplaintsConfig()
    log: LogConfig = LogConfig()
    limits: LimitsConfig = LimitsConfig()
    metrics: bool = True
    """Serve Prometheus metrics at /metrics."""

    @model_validator(mode="before")
    @classmethod
    def _default_labels(cls, data: Any) -> Any:
        # An absent labels section is validated as {} so that its error names gateway.labels.
        if isinstance(data, dict) and "labels" not in data:
            return {**data, "labels": {}}
        return data

    @field_validator("canned_answers")
    @classmethod
    def _canned(cls, value: dict[str, str]) -> dict[str, str]:
        if "default" not in value:
            raise ValueError("canned_answers needs a 'default' entry")
        bad = [k for k in value if k != "default" and not re.match(r"^A\.[1-5](\.\d+)?$", k)]
        if bad:
            raise ValueError(f"{bad[0]!r} is not 'default' or a risk code prefix like A.1")
        return value

    def canned_answer(self, risk: str | None) -> str:
        """The canned answer for a risk code: the longest matching prefix, else ``default``."""
        if risk:
            parts = risk.split(".")
            for n in range(len(parts), 1, -1):
                answer = self.canned_answers.get(".".join(parts[:n]))
                if answer is not None:
                    return answer
        return self.canned_answers["default"]


@dataclass(frozen=True)
class GatewaySettings:
    """Everything :func:`hegui.gateway.create_app` needs."""

    config: GatewayConfig
    store_url: str
    base_dir: Path = Path()
    """Folder relative paths in the configuration are resolved against (hegui.yaml's)."""
    environ: Mapping[str, str] | None = None
    """Environment for keys (default: ``os.environ``)."""


def parse_gateway_config(data: Any, *, source: str | None = None) -> GatewayConfig:
    """Validate a ``gateway:`` mapping; :class:`ConfigError` names the first bad field."""
    if not isinstance(data, dict):
        raise ConfigError("the gateway section must be a mapping", source=source, field="gateway")
    try:
        return GatewayConfig.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        loc = [str(p) for p in first["loc"] if not _is_union_tag(p)]
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown field (see docs/gateway.md for the fields)"
        raise ConfigError(message, source=source, field=".".join(["gateway", *loc])) from None


def _is_union_tag(part: object) -> bool:
    return part in ("keyword", "classifier", "pii", "llm", "judge")


def load_gateway_config(project: ProjectConfig) -> GatewayConfig:
    """The gateway section of a loaded project, or a :class:`ConfigError` saying how to add one."""
    source = str(project.path) if project.path else None
    if project.gateway is None:
        raise ConfigError(
            "hegui.yaml has no 'gateway:' section; add one with at least "
            "'upstreams: [{base_url: http://host:port/v1}]' (see docs/gateway.md)",
            source=source,
        )
    return parse_gateway_config(project.gateway, source=source)


def store_url(config: GatewayConfig, project: ProjectConfig) -> str:
    """The gateway's store URL (a relative SQLite path is against hegui.yaml's folder)."""
    if config.store is None:
        return project.store_url()
    url = config.store
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        rel = url.removeprefix("sqlite:///")
        if rel != ":memory:":
            return "sqlite:///" + str(project.resolve(rel))
    return url


def base_dir(project: ProjectConfig) -> Path:
    """The folder relative paths of the gateway section are resolved against."""
    return project.base_dir
