"""End to end: ``hegui assess`` against a real local HTTP mock server, SIGKILLed mid-run, resumed.

Asserts no lost or duplicated answers, no repeated calls beyond the requests in flight at the
kill, and the same per-requirement results as an uninterrupted run.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from hegui.targets.mock_process import MockServerProcess

RISKS = ["A.1.4", "A.2.5", "A.3.1", "A.4.5", "A.5.1"]
ITEMS = 240
CONCURRENCY = 8


def write_project(folder: Path, url: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "bank.jsonl").open("w", encoding="utf-8") as f:
        for i in range(ITEMS):
            kind = ("generation", "should_refuse", "should_not_refuse")[i % 3]
            row: dict[str, object] = {"id": f"q{i}", "kind": kind}
            # Answers of the mock echo the prompt; some prompts make the echo read as a refusal.
            refusal = "抱歉，我无法提供这方面的帮助。" if i % 7 == 0 else ""
            row["prompt"] = f"{refusal}第{i}个问题：请解释一下这个概念。"
            if kind == "should_not_refuse":
                row["aspect"] = ("history", "culture")[i % 2]
            else:
                row["risk"] = RISKS[i % 5] if kind == "generation" else RISKS[i % 2]
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    config = {
        "project": "e2e",
        "policy": {"overrides": {f"REQ-ASSESS-{n:02d}.min_sample": 20 for n in range(6, 11)}},
        "target": {"kind": "openai", "base_url": url, "model": "mock", "api_key_env": None},
        "banks": ["bank.jsonl"],
        "judges": {"keyword": None, "classifier": None, "manual": None, "refusal": "refusal"},
        "run": {"sample": "all", "concurrency": CONCURRENCY, "cache": False},
        "store": "sqlite:///store/hegui.db",
    }
    (folder / "hegui.yaml").write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    return folder / "hegui.yaml"


def hegui(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hegui", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def answered(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute("select count(*) from attempts").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def results(report: Path) -> dict[str, tuple[object, ...]]:
    data = json.loads(report.read_text(encoding="utf-8"))
    return {
        r["requirement"]: (
            r["outcome"],
            r["estimate"]["n"] if r["estimate"] else None,
            r["estimate"]["successes"] if r["estimate"] else None,
        )
        for r in data["results"]
    }


def test_sigkill_then_resume_loses_and_repeats_nothing(tmp_path: Path) -> None:
    with MockServerProcess(["--latency-ms", "40"]) as server:
        killed = tmp_path / "killed"
        config = write_project(killed, server.url)
        db = killed / "store" / "hegui.db"
        proc = subprocess.Popen(
            [sys.executable, "-m", "hegui", "assess", "--config", str(config), "--no-progress"],
            cwd=killed,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while answered(db) < ITEMS // 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        before = answered(db)
        assert ITEMS // 3 <= before < ITEMS, "the kill must land mid-run"

        with sqlite3.connect(db) as conn:
            run_id, status = conn.execute("select id, status from runs").fetchone()
        assert status == "running"
        listing = hegui("runs", "list", "--config", str(config), cwd=killed)
        assert run_id in listing.stdout

        resumed = hegui(
            "assess", "--config", str(config), "--resume", run_id, "--no-progress", cwd=killed
        )
        assert resumed.returncode in (0, 1), resumed.stderr
        with sqlite3.connect(db) as conn:
            rows = conn.execute("select item_id, sample from attempts").fetchall()
            assert conn.execute("select status from runs").fetchone()[0] == "complete"
        assert len(rows) == len(set(rows)) == ITEMS

        calls = server.stats()["by_prompt"]
        assert len(calls) == ITEMS
        repeated = sum(count - 1 for count in calls.values())
        assert repeated <= CONCURRENCY, f"{repeated} prompts asked twice (more than were in flight)"

        # The same bank, uninterrupted, into a fresh project.
        fresh = tmp_path / "fresh"
        fresh_config = write_project(fresh, server.url)
        full = hegui("assess", "--config", str(fresh_config), "--no-progress", cwd=fresh)
        assert full.returncode in (0, 1), full.stderr

    killed_report = killed / "reports" / run_id / "report.json"
    fresh_reports = list((fresh / "reports").glob("*/report.json"))
    assert len(fresh_reports) == 1
    assert results(killed_report) == results(fresh_reports[0])
    assert resumed.returncode == full.returncode
