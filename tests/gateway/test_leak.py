"""No leaks over the wire: streams with violations planted at random positions, through the
real server and the official client, never deliver a character of the violation."""

from __future__ import annotations

import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import openai
import pytest

from hegui.targets.mock_server import MockAnswer, MockConfig
from tests.gateway.harness import (
    GatewayServer,
    Loop,
    Upstream,
    gateway_config,
    start_gateway,
    unique,
    verified_user,
)

KEYWORDS = ["网络赌博", "冰毒配方", "制作炸药", "代开发票"]
BENIGN = "今天天气很好我们一起去公园散步看看花草树木听听鸟叫声音，。！？abc 123"
STREAMS = 120


def plant(rng: random.Random) -> tuple[str, int | None]:
    """A benign answer with (usually) a keyword planted; the planted start, or None."""
    text = "".join(rng.choice(BENIGN) for _ in range(rng.randint(0, 400)))
    if rng.random() < 0.15:
        return text, None
    keyword = rng.choice(KEYWORDS)
    if rng.random() < 0.5:  # evasive spelling: separators between characters
        keyword = (
            "".join(c + rng.choice(["", "*", " ", "#", "-"]) for c in keyword[:-1]) + keyword[-1]
        )
    at = rng.randint(0, len(text))
    return text[:at] + keyword + text[at:], at


@pytest.fixture(scope="module")
def cases() -> dict[str, tuple[str, int | None]]:
    rng = random.Random(20251101)
    return {f"leak-{i}": plant(rng) for i in range(STREAMS)}


@pytest.fixture(scope="module")
def planted_upstream(loop: Loop, cases: dict[str, tuple[str, int | None]]) -> Iterator[Upstream]:
    answers = {prompt: MockAnswer(text) for prompt, (text, _) in cases.items()}
    server = Upstream(MockConfig(answers=answers, chunk_chars=2))
    loop.run(server.start())
    yield server
    loop.run(server.stop())


@pytest.fixture(scope="module")
def gw(
    loop: Loop, planted_upstream: Upstream, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[GatewayServer, str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('leak') / 'gw.db'}"
    config = gateway_config(planted_upstream.url, input={"scanners": []})
    server = start_gateway(loop, url, config)
    yield server, verified_user(url, unique("leak"))[1]
    server.stop()


def test_zero_leaked_characters(
    gw: tuple[GatewayServer, str], cases: dict[str, tuple[str, int | None]]
) -> None:
    server, key = gw
    client = openai.OpenAI(base_url=server.url + "/v1", api_key=key, max_retries=0)

    def run(prompt: str) -> tuple[str, str | None]:
        stream = client.chat.completions.create(
            model="mock-model", messages=[{"role": "user", "content": prompt}], stream=True
        )
        chunks = [c for c in stream if c.choices]
        text = "".join(c.choices[0].delta.content or "" for c in chunks)
        return text, chunks[-1].choices[0].finish_reason

    with ThreadPoolExecutor(8) as pool:
        results = dict(zip(cases, pool.map(run, cases), strict=True))
    leaked = blocked = 0
    for prompt, (text, at) in cases.items():
        received, finish = results[prompt]
        if at is None:
            assert received == text and finish == "stop"
            continue
        blocked += 1
        assert finish == "content_filter"
        model_part = received.split("\n\n" + server.gateway.config.refusal_message)[0]
        if received.startswith(server.gateway.config.refusal_message):
            model_part = ""
        assert text.startswith(model_part)
        leaked += max(0, len(model_part) - at)
    assert blocked > STREAMS // 2
    assert leaked == 0
