"""The ``target:`` section of hegui.yaml as typed, validated configuration.

``TargetSpec.model_validate(data)`` accepts one of three shapes, told apart by ``kind``:
:class:`OpenAISpec`, :class:`ReplaySpec` and :class:`CallableSpec`. :func:`parse_target_spec`
does the same but raises :class:`~hegui.errors.ConfigError` naming the offending field.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError, field_validator

from hegui.errors import ConfigError
from hegui.targets.policy import RateLimit, RetryPolicy

_RESERVED_BODY_KEYS = frozenset({"model", "messages", "stream"})
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = None
    """Display name in reports; defaults to the model name, file name or function name."""


class OpenAISpec(_Spec):
    """An OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, SGLang, Ollama, vendors)."""

    kind: Literal["openai"] = "openai"
    base_url: str
    """Up to and including the API version, e.g. ``http://localhost:8000/v1``;
    ``/chat/completions`` is appended."""
    model: str = Field(min_length=1)
    api_key_env: str | None = "OPENAI_API_KEY"
    """Name of the environment variable holding the API key; ``null`` for endpoints without one."""
    system_prompt: str | None = None
    """Sent as the first turn of every conversation that has no system turn of its own."""
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1)
    top_p: float | None = Field(default=None, gt=0, le=1)
    seed: int | None = None
    """Sampling seed; sample ``n`` of an item is sent ``seed + n`` so repeated samples differ."""
    stop: str | tuple[str, ...] | None = None
    extra_body: dict[str, Any] = Field(default_factory=dict)
    """Extra request fields passed through as they are (``top_k``, ``chat_template_kwargs``…)."""
    headers: dict[str, str] = Field(default_factory=dict)
    """Extra HTTP headers. Not recorded with the run; still, keep secrets in ``api_key_env``."""
    stream: bool = False
    timeout_s: float = Field(default=60.0, gt=0)
    """Limit for one whole request, including reading a streamed answer to the end."""
    retry: RetryPolicy = RetryPolicy()
    rate_limit: RateLimit | None = None
    concurrency: int = Field(default=16, ge=1, le=10_000)
    """Connections kept open to the endpoint; must be at least the run's concurrency."""
    trust_env: bool = False
    """Use ``HTTP(S)_PROXY``/``NO_PROXY`` from the environment."""

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL like http://localhost:8000/v1")
        if value.rstrip("/").endswith("/chat/completions"):
            raise ValueError("give the base URL without /chat/completions (it is appended)")
        return value.rstrip("/")

    @field_validator("api_key_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and not _ENV_NAME.match(value):
            raise ValueError(
                f"{value!r} is not an environment variable name; give the variable's name "
                "(e.g. OPENAI_API_KEY), never the key itself"
            )
        return value

    @field_validator("extra_body")
    @classmethod
    def _no_reserved(cls, value: dict[str, Any]) -> dict[str, Any]:
        clash = sorted(_RESERVED_BODY_KEYS & value.keys())
        if clash:
            raise ValueError(f"{clash} are set by hegui; use the target's own fields")
        return value

    def generation_params(self) -> dict[str, Any]:
        """The request fields besides model, messages and stream (unset ones left out)."""
        params: dict[str, Any] = {}
        for key in ("temperature", "max_tokens", "top_p", "seed"):
            value = getattr(self, key)
            if value is not None:
                params[key] = value
        if self.stop is not None:
            params["stop"] = self.stop if isinstance(self.stop, str) else list(self.stop)
        params.update(self.extra_body)
        return params

    def identity(self) -> str:
        """Stable description of what answers: endpoint, model, parameters (never the key)."""
        params = json.dumps(
            self.generation_params(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        system = (
            hashlib.sha256(self.system_prompt.encode()).hexdigest()[:16]
            if self.system_prompt is not None
            else "-"
        )
        return f"openai|{self.base_url}|{self.model}|{params}|system={system}"


class ReplaySpec(_Spec):
    """Answers recorded earlier, read from a JSONL file (see docs/targets.md for the format)."""

    kind: Literal["replay"] = "replay"
    path: str = Field(min_length=1)
    """The JSONL file; a relative path is resolved against the config file's folder."""


class CallableSpec(_Spec):
    """A Python function ``fn(messages) -> str | TargetResponse``, sync or async."""

    kind: Literal["callable"] = "callable"
    function: str = Field(pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")
    """Import path ``package.module:function`` (the module must be importable)."""
    version: str | None = None
    """Bump this when the function's behaviour changes, so cached answers are not reused."""


AnyTargetSpec = OpenAISpec | ReplaySpec | CallableSpec


class TargetSpec(RootModel[Annotated[AnyTargetSpec, Field(discriminator="kind")]]):
    """The ``target:`` section: one of :class:`OpenAISpec`, :class:`ReplaySpec`,
    :class:`CallableSpec`, chosen by ``kind``. The concrete spec is ``.root``."""

    model_config = ConfigDict(frozen=True)

    @classmethod
    def from_config(
        cls,
        data: Mapping[str, Any],
        *,
        base_dir: str | Path | None = None,
        concurrency: int | None = None,
        source: str | None = None,
    ) -> TargetSpec:
        """Validate a ``target:`` mapping from hegui.yaml and resolve it for use.

        A relative replay ``path`` becomes absolute against ``base_dir`` (the config file's
        folder). ``concurrency`` (the run's) raises an OpenAI target's connection pool to at
        least that size, so the pool never caps the run below its concurrency.
        """
        spec = parse_target_spec(data, source=source).root
        if isinstance(spec, ReplaySpec) and base_dir is not None:
            path = Path(spec.path)
            if not path.is_absolute():
                spec = spec.model_copy(update={"path": str(Path(base_dir) / path)})
        if isinstance(spec, OpenAISpec) and concurrency and spec.concurrency < concurrency:
            spec = spec.model_copy(update={"concurrency": concurrency})
        return cls(spec)


def parse_target_spec(data: Mapping[str, Any], *, source: str | None = None) -> TargetSpec:
    """Validate a ``target:`` mapping; :class:`ConfigError` names the first bad field.

    ``source`` (e.g. ``hegui.yaml``) is put in the message.
    """
    if not isinstance(data, Mapping):
        raise ConfigError("the target section must be a mapping", source=source, field="target")
    if data.get("kind") not in ("openai", "replay", "callable"):
        raise ConfigError(
            f"kind is {data.get('kind')!r}; use one of openai, replay, callable",
            source=source,
            field="target.kind",
        )
    try:
        return TargetSpec.model_validate(dict(data))
    except ValidationError as exc:
        raise config_error(exc, source=source) from None


def config_error(exc: ValidationError, *, source: str | None = None) -> ConfigError:
    """Turn a pydantic error on a target spec into a ConfigError naming field ``target.…``."""
    errors = exc.errors()
    # A misspelt field also shows up as a missing one: name the misspelling first.
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    # The union member's tag ("openai") is part of the location; it is not a field name.
    loc = [str(p) for p in first["loc"] if p not in ("openai", "replay", "callable")]
    field = ".".join(["target", *loc])
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown field (check its spelling in docs/targets.md)"
    more = len(errors) - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return ConfigError(message, source=source, field=field)
