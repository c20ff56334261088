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


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_audit_on_a_running_cluster_by_address(corpus: Path, tmp_path: Path) -> None:
    """``hegui corpus audit --executor ray --address`` joins a cluster started apart (here a
    ``ray start --head`` process, as an operator would run it) and gives the local report."""
    import json
    import os
    import subprocess
    import sys
    import tempfile
    import time

    port = _free_port()
    ray_cli = Path(sys.executable).with_name("ray")
    # Ray's token authentication off on both sides (a real cluster would share the token)
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}
    log = (tmp_path / "head.log").open("w")  # a file: an unread pipe would fill and stall it
    head = subprocess.Popen(
        [str(ray_cli), "start", "--head", "--block", f"--port={port}", "--num-cpus=2",
         "--include-dashboard=false"],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )  # fmt: skip
    try:
        address = f"127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:  # the head is up once a client can connect
            connect = f"import ray; ray.init(address='{address}'); ray.shutdown()"
            probe = subprocess.run(
                [sys.executable, "-c", connect], capture_output=True, env=env, timeout=60
            )
            if probe.returncode == 0:
                break
            assert head.poll() is None, (tmp_path / "head.log").read_text()[-2000:]
            assert time.monotonic() < deadline, probe.stderr.decode()[-2000:]
            time.sleep(1)
        out = tmp_path / "out"
        done = subprocess.run(
            [sys.executable, "-m", "hegui", "corpus", "audit", "--manifest", str(corpus),
             "--executor", "ray", "--address", address, "--workers", "2", "--out", str(out),
             "--quiet"],
            capture_output=True, text=True, env=env, check=False, timeout=300,
        )  # fmt: skip
        assert done.returncode in (0, 1), done.stderr[-3000:]
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        assert report["execution"]["executor"] == "ray"
        local = run_audit(build_plan(corpus), tmp_path / "local", LocalExecutor(2))
        assert report["totals"] == local.totals.model_dump(mode="json")
    finally:
        head.terminate()
        head.wait(timeout=60)
        log.close()
        # `ray start` leaves its address for later ray.init() calls; it is gone now
        current = Path(tempfile.gettempdir()) / "ray" / "ray_current_cluster"
        if current.exists() and current.read_text().strip().endswith(f":{port}"):
            current.unlink()
