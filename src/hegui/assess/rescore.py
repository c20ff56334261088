"""Re-judge a stored run's answers without calling the target (``hegui rescore``)."""

from __future__ import annotations

from collections.abc import Mapping

from hegui.assess.execute import judge_attempt
from hegui.assess.session import (
    build_judges,
    close_judges,
    judge_names_by_kind,
    used_judge_options,
)
from hegui.config import ProjectConfig
from hegui.errors import ConfigError
from hegui.policy import Pack
from hegui.records import Attempt, Verdict
from hegui.store import JudgingInfo, RunStore

METHODS = ("keyword", "classifier", "manual", "refusal")


async def rescore(
    config: ProjectConfig,
    store: RunStore,
    run_id: str,
    pack: Pack,
    method_judges: Mapping[str, str | None] | None = None,
) -> int:
    """Judge every stored answer again, as a new judging that becomes the run's current one.

    ``method_judges`` replaces the judge of some methods (``{"classifier": "acceptable"}``);
    the others keep the judges of the run's current judging. Returns the new judging number.
    """
    stored = store.get_run(run_id)
    methods = dict(store.judging_info(run_id, stored.judging).methods)
    for method, judge in (method_judges or {}).items():
        if method not in METHODS:
            raise ConfigError(
                f"unknown assessment method {method!r}; use one of {', '.join(METHODS)}"
            )
        methods[method] = judge
    names = judge_names_by_kind(pack, methods)
    judges = build_judges(config, names)
    items = {p.key: p for p in store.plan(run_id)}
    results: list[tuple[tuple[str, int], list[Verdict]]] = []
    try:
        for stored_attempt in store.attempts(run_id):
            planned = items[(stored_attempt.item_id, stored_attempt.sample)]
            attempt = Attempt(
                run_id=run_id,
                item=planned.item,
                sample=planned.sample,
                response=stored_attempt.response,
            )
            results.append((planned.key, await judge_attempt(judges[planned.item.kind], attempt)))
    finally:
        await close_judges(judges)
    versions = {j.name: j.version for kind in judges.values() for j in kind}
    options = used_judge_options(config, names)
    judging = store.new_judging(
        run_id, JudgingInfo(methods=methods, judges=versions, options=options)
    )
    store.store_judging(run_id, judging, results)
    return judging
