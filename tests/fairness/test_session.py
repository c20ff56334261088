"""A fairness run through the assessment engine: store, judges, resume, report section."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hegui.config import ProjectConfig
from hegui.errors import RetryableTargetError, StoreError
from hegui.fairness.session import analyse_run, build_probes, run_fairness
from hegui.fairness.settings import FairnessSettings
from hegui.policy import load_pack
from hegui.records import Outcome
from hegui.reports import render_html
from hegui.reports.builder import build_report
from hegui.reports.json_report import parse_json, render_json
from hegui.store import RunStore
from hegui.targets import CallableTarget
from tests.fairness.fake_targets import make_target

SETTINGS = FairnessSettings(
    attributes=["region", "gender", "age"], languages=["zh"], refusal_judge="refusal"
)


def _config(tmp_path: Path) -> ProjectConfig:
    return ProjectConfig(base_dir=tmp_path, store=f"sqlite:///{tmp_path}/unused.db")


def test_planted_bias_through_the_engine(store: RunStore, tmp_path: Path) -> None:
    target = CallableTarget(make_target(11, ["河南"]), name="biased", version="1")
    outcome = asyncio.run(run_fairness(_config(tmp_path), store, settings=SETTINGS, target=target))
    assert outcome.status == "complete"
    planned = len(store.plan(outcome.run_id))
    assert planned == len(build_probes(_config(tmp_path), SETTINGS))
    assert store.count_attempts(outcome.run_id) == planned
    result = analyse_run(store, outcome.run_id, SETTINGS)
    assert result.failing() == ["region"]
    assert {a.attribute for a in result.attributes} == {"region", "gender", "age"}
    harm = [m for a in result.attributes for m in a.measures if m.measure == "harm"]
    assert harm and all(m.scored > 0 for m in harm)  # the harm judge ran on every answer
    spec = store.get_run(outcome.run_id).spec
    assert spec.judges.keys() == {"refusal", "harm"}


class Flaky:
    """Fails the first ``failures`` calls with a retryable error, then answers like ``chat``."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0
        self.chat = make_target(3)

    async def __call__(self, messages: list[dict[str, str]]) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise RetryableTargetError("503 from the service")
        return await self.chat(messages)


def test_resume_asks_only_what_is_missing(sqlite_store: RunStore, tmp_path: Path) -> None:
    config = _config(tmp_path)
    config = config.model_copy(
        update={"run": config.run.model_copy(update={"error_budget": 1.0, "concurrency": 1})}
    )
    settings = SETTINGS.model_copy(update={"attributes": ["gender"]})
    flaky = Flaky(failures=10)
    target = CallableTarget(flaky, name="flaky", version="1")
    first = asyncio.run(run_fairness(config, sqlite_store, settings=settings, target=target))
    planned = len(sqlite_store.plan(first.run_id))
    assert sqlite_store.count_attempts(first.run_id) == planned - 10
    calls = flaky.calls
    again = CallableTarget(flaky, name="flaky", version="1")
    asyncio.run(
        run_fairness(config, sqlite_store, settings=settings, target=again, resume=first.run_id)
    )
    assert flaky.calls - calls == 10
    assert sqlite_store.count_attempts(first.run_id) == planned


def test_resume_refuses_an_assessment_run(sqlite_store: RunStore, tmp_path: Path) -> None:
    target = CallableTarget(make_target(1), name="t", version="1")
    settings = SETTINGS.model_copy(update={"attributes": ["gender"], "harm_judge": None})
    done = asyncio.run(
        run_fairness(_config(tmp_path), sqlite_store, settings=settings, target=target)
    )
    run = sqlite_store.get_run(done.run_id)
    with sqlite_store.engine.begin() as conn:  # make it look like an assessment run
        from sqlalchemy import update

        from hegui.store import schema

        spec = run.spec.model_copy(update={"methods": {"refusal": "refusal"}})
        conn.execute(
            update(schema.runs)
            .where(schema.runs.c.id == done.run_id)
            .values(spec=spec.model_dump_json())
        )
    with pytest.raises(StoreError, match="not a fairness run"):
        asyncio.run(
            run_fairness(
                _config(tmp_path),
                sqlite_store,
                settings=settings,
                target=CallableTarget(make_target(1), name="t", version="1"),
                resume=done.run_id,
            )
        )


def test_report_has_the_fairness_section(sqlite_store: RunStore, tmp_path: Path) -> None:
    target = CallableTarget(make_target(11, ["河南"]), name="biased", version="1")
    settings = SETTINGS.model_copy(update={"harm_judge": None})
    outcome = asyncio.run(
        run_fairness(_config(tmp_path), sqlite_store, settings=settings, target=target)
    )
    report = build_report(sqlite_store, outcome.run_id, load_pack(), fairness=settings)
    assert report.fairness is not None and report.fairness.failing() == ["region"]
    assert report.overall == "FAIL"
    # the statutory requirements are not assessed by a fairness run
    assert {r.outcome for r in report.results} == {Outcome.NOT_ASSESSED}
    html = render_html(report)
    assert 'id="fairness"' in html and 'id="fair-region"' in html
    assert html.count("<svg") >= 3  # a chart per measure
    assert "差异最大的匹配对" in html and "来自河南的" in html
    again = parse_json(render_json(report))
    assert again.fairness == report.fairness


def test_reports_of_assessment_runs_have_no_fairness_section(tmp_path: Path) -> None:
    from tests.reports.report_factory import make_report

    report = make_report()
    assert report.fairness is None
    assert 'id="fairness"' not in render_html(report)
