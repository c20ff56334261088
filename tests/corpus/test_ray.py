"""The Ray Data executor on a real local cluster gives the local executor's report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hegui.corpus import LocalExecutor, RayExecutor, build_plan, run_audit
from tests.corpus.conftest import HAVE_RAY
from tests.corpus.helpers import RecordingSink, comparable

pytestmark = pytest.mark.skipif(
    not HAVE_RAY, reason="ray is not installed: pip install 'hegui[ray]'"
)


def test_ray_and_local_agree(corpus: Path, tmp_path: Path, ray_session: Any) -> None:
    plan = build_plan(corpus, options={"clean": "drop"})
    local = run_audit(plan, tmp_path / "local", LocalExecutor(2))
    sink = RecordingSink()
    distributed = run_audit(plan, tmp_path / "ray", RayExecutor(workers=2), sink)
    assert distributed.execution.executor == "ray"
    assert comparable(distributed) == comparable(local)
    for name in ("review_sample.jsonl",):
        assert (tmp_path / "ray" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
    cleaned = sorted(p.relative_to(tmp_path / "ray") for p in (tmp_path / "ray").rglob("clean/*/*"))
    assert cleaned == sorted(
        p.relative_to(tmp_path / "local") for p in (tmp_path / "local").rglob("clean/*/*")
    )
    assert sorted(sink.shards) == list(range(len(plan.shards)))
    assert sink.docs == local.totals.docs
    # A relaunch on Ray resumes: nothing left to run.
    again = run_audit(plan, tmp_path / "ray", RayExecutor(workers=2))
    assert again.execution.shards_run == 0
