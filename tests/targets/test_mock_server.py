"""The mock server itself: as a subprocess with /stats, scripted answers, seeded failures."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from hegui.errors import ConfigError, HeguiError
from hegui.targets import OpenAISpec, OpenAITarget
from hegui.targets.mock_config import MockAnswer, MockConfig, load_answers
from hegui.targets.mock_process import MockServerProcess
from hegui.targets.mock_server import MockServer
from tests.targets.helpers import FAST_RETRY, item


def test_subprocess_serves_scripted_answers_and_counts_per_prompt(tmp_path: Path) -> None:
    answers = tmp_path / "answers.jsonl"
    lines = [
        {"prompt": "问题 1", "answer": "脚本答案", "faults": ["500"]},
        {"prompt_sha256": item(2).content_hash(), "answer": "按哈希"},
    ]
    answers.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines))

    async def ask(url: str) -> list[str]:
        spec = OpenAISpec(base_url=url, model="mock-model", api_key_env=None, retry=FAST_RETRY)
        async with OpenAITarget(spec) as target:
            return [(await target.send(item(i))).text for i in (1, 2, 3)]

    with MockServerProcess(["--answers", str(answers), "--latency-ms", "5"]) as server:
        assert server.url.startswith("http://127.0.0.1:") and server.url.endswith("/v1")
        assert asyncio.run(ask(server.url)) == ["脚本答案", "按哈希", "Mock answer to: 问题 3"]
        stats = server.stats()
    assert stats["requests"] == 4 and stats["answered"] == 3 and stats["faults"] == {"500": 1}
    assert stats["by_prompt"][item(1).content_hash()] == 2
    assert stats["answered_by_prompt"] == {item(i).content_hash(): 1 for i in (1, 2, 3)}


def test_subprocess_rejects_bad_options_with_exit_2(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "hegui.targets.mock_server", "--fail-kinds", "teapot"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "unknown fault kind" in done.stderr
    with pytest.raises(HeguiError, match="did not start"):
        MockServerProcess(["--answers", str(tmp_path / "missing.jsonl")]).start()


def test_models_stats_and_reset_endpoints() -> None:
    async def go() -> None:
        async with MockServer(MockConfig(models=("a", "b"))) as server:
            root = server.url.removesuffix("/v1")
            async with aiohttp.ClientSession() as http:
                async with http.get(f"{server.url}/models") as resp:
                    assert [m["id"] for m in (await resp.json())["data"]] == ["a", "b"]
                body = {"model": "a", "messages": [{"role": "user", "content": "hi"}]}
                async with http.post(f"{server.url}/chat/completions", json=body) as resp:
                    assert resp.status == 200
                async with http.get(f"{root}/stats") as resp:
                    assert (await resp.json())["requests"] == 1
                assert server.bodies[-1] == body
                async with http.post(f"{root}/stats/reset") as resp:
                    assert resp.status == 200
                assert server.stats.requests == 0 and not server.bodies
                async with http.post(f"{server.url}/chat/completions", data=b"{oops") as resp:
                    assert resp.status == 400

    asyncio.run(go())


def test_seeded_failures_are_deterministic_and_near_the_rate() -> None:
    config = MockConfig(fail_rate=0.2, fail_kinds=("429", "500", "hang"), seed=3)
    draws = [config.fault_for(10_000, f"p{i}", 1, None) for i in range(2000)]
    assert draws == [config.fault_for(10_000, f"p{i}", 1, None) for i in range(2000)]
    failed = [d for d in draws if d != "ok"]
    assert 300 < len(failed) < 500 and set(failed) == {"429", "500", "hang"}
    other_seed = MockConfig(fail_rate=0.2, seed=4)
    assert draws != [other_seed.fault_for(10_000, f"p{i}", 1, None) for i in range(2000)]


def test_fault_order_script_then_prompt_then_rate() -> None:
    config = MockConfig(script=("500",), fail_rate=1.0, fail_kinds=("hang",))
    entry = MockAnswer("x", faults=("429",))
    assert config.fault_for(1, "k", 1, entry) == "500"
    assert config.fault_for(2, "k", 1, entry) == "429"
    assert config.fault_for(3, "k", 2, entry) == "hang"


def test_config_and_answer_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown fault kind"):
        MockConfig(script=("boom",))
    with pytest.raises(ConfigError, match=r"only \{prompt\} may be used"):
        MockConfig(default_answer="{answer}")
    with pytest.raises(ConfigError, match=r"not in \[0, 1\]"):
        MockConfig(fail_rate=2)
    bad = tmp_path / "a.jsonl"
    bad.write_text('{"prompt": "x", "answer": "y"}\n{"id": "q1", "answer": "y"}\n')
    with pytest.raises(ConfigError, match=r"a.jsonl, line 2: expected an object"):
        load_answers(bad)
