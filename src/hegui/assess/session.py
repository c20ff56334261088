"""One assessment from a project config: resolve, plan, execute, and record — the library API.

>>> from hegui.config import load_config
>>> config = load_config("hegui.yaml")                    # doctest: +SKIP
>>> outcome = asyncio.run(run_assessment(config))         # doctest: +SKIP
>>> outcome.run_id                                        # doctest: +SKIP
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hegui import __version__
from hegui.assess.execute import ExecutionResult, ProgressCallback, execute
from hegui.assess.inputs import check_inputs, load_inputs
from hegui.assess.plan import draw_plan
from hegui.config import ProjectConfig
from hegui.errors import ConfigError, StoreError
from hegui.judges import build_judge
from hegui.judges.base import Judge
from hegui.policy import Pack, available_packs, load_pack
from hegui.records import ItemKind, RunSpec
from hegui.store import PlannedItem, RunStore
from hegui.targets import TargetSpec, build_target
from hegui.targets.base import Target


@dataclass(frozen=True)
class RunOutcome:
    """How ``run_assessment`` ended; score the run with :func:`hegui.reports.build_report`."""

    run_id: str
    status: str
    """``complete``, ``interrupted`` or ``aborted`` (error budget exceeded)."""
    execution: ExecutionResult


def new_run_id(now: datetime) -> str:
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def judge_names_by_kind(pack: Pack, methods: dict[str, str | None]) -> dict[ItemKind, list[str]]:
    """Which judges run on each kind of item: those assigned to the kind's assessment methods."""
    names: dict[ItemKind, list[str]] = {kind: [] for kind in ItemKind}
    for req in pack.assessment:
        judge = methods.get(req.method)
        if judge is not None and judge not in names[req.kind]:
            names[req.kind].append(judge)
    return names


def build_judges(
    config: ProjectConfig, names: dict[ItemKind, list[str]]
) -> dict[ItemKind, list[Judge]]:
    """Instantiate each named judge once, sharing instances between kinds."""
    keywords = [str(config.resolve(p)) for p in config.keywords]
    built: dict[str, Judge] = {}
    for name in {n for kind_names in names.values() for n in kind_names}:
        built[name] = build_judge(name, keywords=keywords, **judge_options(config, name))
    return {kind: [built[n] for n in kind_names] for kind, kind_names in names.items()}


def used_judge_options(
    config: ProjectConfig, names: dict[ItemKind, list[str]]
) -> dict[str, dict[str, Any]]:
    """The ``judges.options`` of the named judges that have any (recorded with a judging)."""
    used = {n for kind_names in names.values() for n in kind_names}
    return {name: options for name in sorted(used) if (options := judge_options(config, name))}


def judge_options(config: ProjectConfig, name: str) -> dict[str, Any]:
    """``judges.options.<name>`` of hegui.yaml, with file paths resolved against its folder."""
    options = dict(config.judges.options.get(name, {}))
    for key in ("llm", "library"):
        if isinstance(options.get(key), str):
            options[key] = str(config.resolve(options[key]))
    return options


async def close_judges(judges: dict[ItemKind, list[Judge]]) -> None:
    """Release what judges hold (an LLM judge's HTTP session); most judges hold nothing."""
    unique = {id(j): j for kind in judges.values() for j in kind}
    for judge in unique.values():
        aclose = getattr(judge, "aclose", None)
        if aclose is not None:
            await aclose()


def open_store(config: ProjectConfig) -> RunStore:
    return RunStore(config.store_url())


def configured_target(config: ProjectConfig, spec: dict[str, object] | None) -> Target:
    """The target of a ``target:`` section (or a --target option's spec) of ``config``."""
    if spec is None:
        raise ConfigError(
            "no target configured: add a 'target:' section to hegui.yaml or pass --target",
            source=str(config.path) if config.path else None,
            field="target",
        )
    parsed = TargetSpec.from_config(
        spec, base_dir=config.base_dir, concurrency=config.run.concurrency, source="target"
    )
    return build_target(parsed, base_dir=config.base_dir)


def create_run(config: ProjectConfig, store: RunStore) -> tuple[RunSpec, list[PlannedItem]]:
    """Resolve the config into a recorded run and its fixed plan."""
    pack = config.load_pack()
    target = configured_target(config, config.target)  # connects on the first request
    if not config.banks:
        raise ConfigError(
            "no question banks: list them under 'banks:' or pass --bank", field="banks"
        )
    inputs = load_inputs(config, pack)
    methods = config.judges.as_methods()
    names = judge_names_by_kind(pack, methods)
    judges = build_judges(config, names)
    now = datetime.now(UTC)
    settings = config.run
    spec = RunSpec(
        run_id=new_run_id(now),
        created_at=now,
        hegui_version=__version__,
        project=config.project,
        pack=pack.pack,
        pack_version=pack.version,
        pack_sha256=pack.sha256,
        policy_overrides=dict(config.policy.overrides),
        banks=tuple(b.info for b in inputs.banks),
        target=target.info,
        model_version=config.model_version,
        seed=settings.seed,
        samples_per_item=settings.samples_per_item,
        concurrency=settings.concurrency,
        limit=settings.limit,
        judges={j.name: j.version for kind in judges.values() for j in kind},
        methods=methods,
        judge_options=used_judge_options(config, names),
        error_budget=settings.error_budget,
        cache=settings.cache,
        config_path=str(config.path) if config.path else None,
        input_checks=tuple(check_inputs(inputs, pack)),
    )
    plan = draw_plan(
        inputs.banks,
        pack,
        seed=settings.seed,
        mode=settings.sample,
        samples_per_item=settings.samples_per_item,
        limit=settings.limit,
    )
    store.create_run(spec, plan)
    return spec, plan


async def run_assessment(
    config: ProjectConfig,
    store: RunStore,
    *,
    resume: str | None = None,
    on_start: ProgressCallback | None = None,
    on_progress: ProgressCallback | None = None,
) -> RunOutcome:
    """Create (or resume) a run and execute it to the end, or until interrupted.

    On resume the run's recorded spec is used as it was — plan, seed, judges and target identity —
    and only ``concurrency`` comes from the current config.
    """
    if resume is not None:
        stored = store.get_run(resume)
        spec, plan, judging = stored.spec, store.plan(resume), stored.judging
        if stored.status == "complete" and store.count_attempts(resume) >= len(plan):
            raise StoreError(f"run {resume} is already complete; see: hegui report {resume}")
    else:
        spec, plan = create_run(config, store)
        judging = 1
    target = configured_target(config, config.target)
    if target.info.identity != spec.target.identity:
        await target.aclose()
        raise ConfigError(
            f"run {spec.run_id} was made against {spec.target.identity!r} but the config now "
            f"points at {target.info.identity!r}; resume with the run's original target"
        )
    pack = run_pack(spec, config)
    judges = build_judges(config, judge_names_by_kind(pack, spec.methods))
    return await execute_recorded(
        store,
        spec,
        plan,
        target,
        judges,
        judging=judging,
        concurrency=config.run.concurrency if resume else spec.concurrency,
        on_progress=on_progress,
    )


async def execute_recorded(
    store: RunStore,
    spec: RunSpec,
    plan: Sequence[PlannedItem],
    target: Target,
    judges: dict[ItemKind, list[Judge]],
    *,
    judging: int,
    concurrency: int,
    on_progress: ProgressCallback | None = None,
) -> RunOutcome:
    """Execute a recorded run's plan and record how it ended (``running``, then ``complete``,
    ``aborted`` or ``interrupted``); the target and the judges are closed whatever happens."""
    store.set_status(spec.run_id, "running")
    status = "interrupted"
    result: ExecutionResult | None = None
    try:
        result = await execute(
            store,
            spec.run_id,
            plan,
            target,
            judges,
            concurrency=concurrency,
            judging=judging,
            error_limit=math.floor(spec.error_budget * len(plan)),
            use_cache=spec.cache,
            on_progress=on_progress,
        )
        status = "aborted" if result.aborted else "complete"
    finally:
        await target.aclose()
        await close_judges(judges)
        store.set_status(spec.run_id, status, add_seconds=result.seconds if result else 0.0)
    return RunOutcome(run_id=spec.run_id, status=status, execution=result)


def plan_kinds(plan: Sequence[PlannedItem]) -> dict[ItemKind, int]:
    counts = dict.fromkeys(ItemKind, 0)
    for p in plan:
        counts[p.item.kind] += 1
    return counts


def run_pack(spec: RunSpec, config: ProjectConfig) -> Pack:
    """The pack a stored run was made with, with the run's overrides.

    A pack given by path in hegui.yaml loads from there (even when it reuses a shipped pack's
    name); otherwise the shipped pack of the run's name. A pack whose content changed since the
    run (another hash) is refused rather than silently used.
    """
    configured = config.pack_source()
    source = spec.pack if configured in available_packs() else configured
    pack = load_pack(source, spec.policy_overrides)
    if pack.sha256 != spec.pack_sha256:
        raise ConfigError(
            f"policy pack {spec.pack} changed since run {spec.run_id} "
            f"(sha256 {spec.pack_sha256[:12]}"
            f"… then, {pack.sha256[:12]}… now); score it with the hegui version that made it"
        )
    return pack
