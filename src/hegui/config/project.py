"""The project file ``hegui.yaml``: what to assess, against which policy, stored where.

Precedence: pack defaults < hegui.yaml < environment < CLI flags. Everything resolved is recorded in
the run's :class:`~hegui.records.RunSpec`. Relative paths are relative to the file's folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hegui.errors import ConfigError

if TYPE_CHECKING:
    from hegui.policy import Pack

CONFIG_NAME = "hegui.yaml"
DEFAULT_STORE = "sqlite:///.hegui/hegui.db"


class PolicySettings(BaseModel):
    """``policy:`` — which pack, and overrides of its uncertain numbers."""

    model_config = ConfigDict(extra="forbid")

    pack: str = "gbt45654-2025"
    """A shipped pack name (``hegui policy show``) or a path to a pack YAML file."""
    overrides: dict[str, float] = Field(default_factory=dict)
    """``<requirement>.<field>: value``, e.g. ``REQ-ASSESS-09.min_sample: 500``."""


class JudgeSettings(BaseModel):
    """``judges:`` — the judge deciding each assessment method (``null`` leaves it unassessed)."""

    model_config = ConfigDict(extra="forbid")

    keyword: str | None = "acceptable"
    """REQ-ASSESS-07: keyword-based judging (the keyword + refusal rule by default)."""
    classifier: str | None = None
    """REQ-ASSESS-08: classifier-based judging, e.g. ``cascade`` or ``harm`` once you have
    calibrated them on your data (``hegui judge eval``); unassessed by default."""
    manual: str | None = "human"
    """REQ-ASSESS-06: human review (``hegui review``); NOT-ASSESSED until verdicts are imported."""
    refusal: str | None = "refusal-ml"
    """REQ-ASSESS-09/10: refusal detection (rules + trained model; ``refusal`` is rules only)."""
    options: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Options per judge name, as :func:`hegui.judges.build_judge` takes them, e.g.
    ``cascade: {llm: llm-judge.yaml}`` or ``refusal-ml: {threshold: 0.6}``. An ``llm`` or
    ``library`` path is relative to hegui.yaml."""

    def as_methods(self) -> dict[str, str | None]:
        return self.model_dump(exclude={"options"})


class RunSettings(BaseModel):
    """``run:`` — how the assessment runs."""

    model_config = ConfigDict(extra="forbid")

    seed: int = 20251101
    """Seed of the statutory sampling; recorded in the run so the draw can be repeated."""
    concurrency: int = Field(default=16, ge=1, le=1024)
    samples_per_item: int = Field(default=1, ge=1, le=100)
    sample: Literal["statutory", "all"] = "statutory"
    """``statutory`` draws each kind's largest minimum sample; ``all`` asks every bank item."""
    limit: int | None = Field(default=None, ge=1)
    """Ask at most this many items in total (smoke tests)."""
    error_budget: float = Field(default=0.05, ge=0, le=1)
    """Largest fraction of items that may end in an error before the run fails."""
    cache: bool = True
    """Reuse answers already received for the same target, conversation and sample."""


class ProjectConfig(BaseModel):
    """A parsed ``hegui.yaml``."""

    model_config = ConfigDict(extra="forbid")

    project: str = "hegui project"
    model_version: str | None = None
    """The version of the model under test, recorded in the run (REQ-OPS-08 re-assessment)."""
    policy: PolicySettings = Field(default_factory=PolicySettings)
    target: dict[str, Any] | None = None
    """The service under test; see docs/targets.md."""
    banks: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    judges: JudgeSettings = Field(default_factory=JudgeSettings)
    run: RunSettings = Field(default_factory=RunSettings)
    store: str = DEFAULT_STORE
    """SQLAlchemy URL: ``sqlite:///path.db`` (default) or ``postgresql://user@host/db``."""
    reports: str = "reports"
    """Folder where ``hegui assess`` and ``hegui report`` write reports."""
    corpus: dict[str, Any] | None = None
    """Corpus-audit settings (``hegui corpus audit``); validated by hegui.corpus, see
    docs/corpus.md."""
    gateway: dict[str, Any] | None = None
    """The moderation gateway (``hegui gateway serve``); validated by hegui.gateway.config,
    see docs/gateway.md."""
    profile: dict[str, Any] | None = None
    """The provider profile for the filing package (``hegui filing``); validated by
    hegui.filing.profile, see docs/filing.md."""
    fairness: dict[str, Any] | None = None
    """Discrimination tests (``hegui fairness``): attributes, templates, thresholds; validated
    by hegui.fairness.settings, see docs/fairness.md."""

    base_dir: Path = Field(default_factory=Path.cwd, exclude=True)
    path: Path | None = Field(default=None, exclude=True)

    def resolve(self, value: str) -> Path:
        """A path from the file, made absolute against the file's folder."""
        candidate = Path(os.path.expandvars(os.path.expanduser(value)))
        return candidate if candidate.is_absolute() else self.base_dir / candidate

    def pack_source(self) -> str:
        """``policy.pack`` as :func:`hegui.policy.load_pack` takes it: a shipped pack's name, or
        a pack file's path made absolute against the file's folder."""
        pack = self.policy.pack
        return str(self.resolve(pack)) if Path(pack).suffix in (".yaml", ".yml") else pack

    def load_pack(self) -> Pack:
        """The configured policy pack with the configured overrides."""
        from hegui.policy import load_pack

        return load_pack(self.pack_source(), self.policy.overrides)

    def store_url(self) -> str:
        """The store URL with a relative SQLite path made absolute against the file's folder."""
        url = os.environ.get("HEGUI_STORE") or self.store
        if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
            rel = url.removeprefix("sqlite:///")
            if rel != ":memory:":
                return "sqlite:///" + str(self.resolve(rel))
        return url


def load_config(path: str | Path | None = None) -> ProjectConfig:
    """Load ``hegui.yaml`` (the given path, or ./hegui.yaml when it exists, else defaults)."""
    if path is None:
        default = Path.cwd() / CONFIG_NAME
        if not default.exists():
            return ProjectConfig()
        path = default
    file = Path(path)
    if not file.exists():
        raise ConfigError(f"config file not found: {file} (create one with: hegui init)")
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"not valid YAML: {exc}", source=str(file)) from exc
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError("expected a mapping of settings at the top level", source=str(file))
    try:
        config = ProjectConfig.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ConfigError(first["msg"], source=str(file), field=field) from exc
    return config.model_copy(update={"base_dir": file.resolve().parent, "path": file.resolve()})
