"""The background report cache: built once per run version, stale while a rebuild runs, never
more than one build of a run in flight."""

from __future__ import annotations

import threading

import pytest

from hegui.config import ProjectConfig
from hegui.console import reportcache
from hegui.console.reportcache import ReportCache
from hegui.store import RunStore
from hegui.store.store import Review


def test_reports_follow_the_run_version(
    project: ProjectConfig, run_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = RunStore(project.store_url())
    gate = threading.Event()
    builds: list[str] = []
    real = reportcache.build_project_report

    def slow_build(*args, **kwargs):  # type: ignore[no-untyped-def]
        builds.append("build")
        gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(reportcache, "build_project_report", slow_build)
    cache = ReportCache(store, project)
    try:
        assert cache.get(run_id) is None and cache.get(run_id) is None
        gate.set()
        first = cache.wait(run_id)
        assert first.report is not None and not first.stale and len(builds) == 1
        assert cache.get(run_id) is first  # served from the cache

        # a review changes the version: the old report is served as stale during the rebuild
        gate.clear()
        answered = next(iter(store.answered_keys(run_id)))
        store.add_reviews(run_id, [Review(answered[0], answered[1], "甲", "acceptable")])
        stale = cache.get(run_id)
        assert stale is not None and stale.stale and stale.report is first.report
        store.add_reviews(run_id, [Review(answered[0], answered[1], "乙", "acceptable")])
        assert cache.get(run_id) is not None
        assert len(builds) <= 2  # still one build in flight, not a second queued
        gate.set()
        fresh = cache.wait(run_id)
        assert not fresh.stale and fresh.report is not None and fresh.report.review is not None
        assert fresh.report.review.reviewed == 1 and len(builds) == 3
    finally:
        gate.set()
        cache.close()
        store.close()


def test_a_failed_build_is_shown_not_raised(
    project: ProjectConfig, run_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(reportcache, "build_project_report", broken)
    store = RunStore(project.store_url())
    cache = ReportCache(store, project)
    try:
        result = cache.wait(run_id)
        assert result.report is None and result.error == "RuntimeError: boom"
    finally:
        cache.close()
        store.close()
