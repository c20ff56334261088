"""A real kill: SIGKILL the audit's process group mid-run, relaunch, get the full report."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from hegui.corpus import LocalExecutor, build_plan, run_audit
from tests.corpus.conftest import write_manifest
from tests.corpus.factory import documents, write_jsonl, write_keywords
from tests.corpus.helpers import comparable

SHARDS = 8


def test_killed_audit_resumes_where_it_stopped(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    for i in range(SHARDS):
        write_jsonl(tmp_path / "d" / f"{i}.jsonl", list(documents(i, 200, chars=1200,
                    keyword_rate=0.02, pii_rate=0.05, near_rate=0.05)))  # fmt: skip
    write_keywords(tmp_path / "kw.tsv")
    manifest = write_manifest(
        tmp_path,
        """
        keywords: [kw.tsv]
        options: {clean: mask}
        sources:
          - {id: s, type: open_source, licence: MIT, origin: domestic, paths: ["d/*.jsonl"]}
        """,
    )
    out = tmp_path / "out"
    command = [
        sys.executable, "-c", "from hegui.cli.corpus import app; app()",
        "audit", "-m", str(manifest), "-o", str(out), "-w", "2", "-q",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    markers = out / "completions"

    def completed() -> int:  # hidden names are markers being written (temporary files)
        if not markers.is_dir():
            return 0
        return sum(1 for p in markers.iterdir() if not p.name.startswith("."))

    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if completed():
                break
            time.sleep(0.02)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    done = completed()
    assert 0 < done < SHARDS, "the audit should have been killed part-way"
    assert not (out / "report.json").exists()
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert resumed.returncode in (0, 1), resumed.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["execution"]["shards_run"] == SHARDS - done
    assert not list(out.rglob(".*.tmp"))
    reference = run_audit(build_plan(manifest), tmp_path / "ref", LocalExecutor(1))
    expected = comparable(reference)
    got = {k: v for k, v in report.items() if k not in ("execution", "generated_at")}
    assert got == json.loads(json.dumps(expected))
    cleaned = sorted((out / "clean" / "s").iterdir())
    assert [p.read_bytes() for p in cleaned] == [
        p.read_bytes() for p in sorted((tmp_path / "ref" / "clean" / "s").iterdir())
    ]
