"""Features through the gateway: redaction, canned answers (代答), explicit labels, the
classifier, judge and LLM scanners, content retention."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from sqlalchemy import select

from hegui.gateway import tables as t
from hegui.gateway.config import DEFAULT_REFUSAL
from hegui.judges.features import FeatureSpec, bucket
from hegui.judges.linear import LinearModel
from hegui.targets.mock_server import MockAnswer, MockConfig
from tests.gateway.conftest import ANSWERS
from tests.gateway.harness import (
    KEY,
    GatewayServer,
    Loop,
    Upstream,
    gateway_config,
    start_gateway,
    unique,
    verified_user,
)

CANNED = "这个话题我们换一个吧。"


@pytest.fixture
def run(loop: Loop, sqlite_url: str) -> Iterator[Any]:
    """Start a gateway with a config; give back (server, client)."""
    started: list[GatewayServer] = []

    def make(config: dict[str, Any]) -> tuple[GatewayServer, openai.OpenAI]:
        server = start_gateway(loop, sqlite_url, config)
        started.append(server)
        _, key = verified_user(sqlite_url, unique("gina"))
        return server, openai.OpenAI(base_url=server.url + "/v1", api_key=key, max_retries=0)

    yield make
    for server in started:
        server.stop()


def chat(client: openai.OpenAI, prompt: str, **kw: Any) -> Any:
    return client.chat.completions.create(
        model="mock-model", messages=[{"role": "user", "content": prompt}], **kw
    )


def streamed_text(stream: Any) -> tuple[str, str | None]:
    chunks = [c for c in stream if c.choices]
    return "".join(c.choices[0].delta.content or "" for c in chunks), chunks[-1].choices[
        0
    ].finish_reason


def test_pii_is_redacted_before_the_upstream_and_in_answers(run: Any, upstream: Upstream) -> None:
    pii = {"type": "pii", "kinds": ["mobile", "id_card"]}
    _, client = run(
        gateway_config(upstream.url, input={"scanners": [pii]}, output={"scanners": [pii]})
    )
    chat(client, "我的手机是13800138000，身份证53010219200508011X，帮我写简历")
    sent = upstream.bodies[-1]["messages"][-1]["content"]
    assert sent == "我的手机是[手机号]，身份证[身份证号]，帮我写简历"
    assert chat(client, "留电话").choices[0].message.content == "请联系我，电话[手机号]，谢谢。"
    text, finish = streamed_text(chat(client, "留电话", stream=True))
    assert text == "请联系我，电话[手机号]，谢谢。" and finish == "stop"


def test_canned_answers_replace_the_model(run: Any, upstream: Upstream) -> None:
    keyword = {"type": "keyword", "terms": ["代开发票"], "risk": "A.3.5", "action": "canned"}
    config = gateway_config(
        upstream.url, input={"scanners": [keyword]}, canned_answers={"default": "D", "A.3": CANNED}
    )
    _, client = run(config)
    before = upstream.stats.requests
    answer = chat(client, "哪里可以代开发票")
    assert answer.choices[0].message.content.startswith(CANNED)
    assert answer.choices[0].finish_reason == "content_filter"
    text, finish = streamed_text(chat(client, "哪里可以代开发票", stream=True))
    assert text.startswith(CANNED) and finish == "content_filter"
    assert upstream.stats.requests == before


@pytest.mark.parametrize("position", ["prefix", "suffix"])
def test_explicit_labels(run: Any, upstream: Upstream, position: str) -> None:
    labels = {"explicit": position, "text": "人工智能生成"}
    _, client = run(gateway_config(upstream.url, labels=labels))
    answer = ANSWERS["讲个故事"].answer
    expected = (
        f"【人工智能生成】\n{answer}" if position == "prefix" else f"{answer}\n【人工智能生成】"
    )
    assert chat(client, "讲个故事").choices[0].message.content == expected
    assert streamed_text(chat(client, "讲个故事", stream=True))[0] == expected


def harm_model(path: Path) -> Path:
    """A small linear model over hashed n-grams: 赌 and 博 push towards ``harmful``."""
    spec = FeatureSpec(bits=16)
    grams = [bucket(g, spec.bits) for g in ("赌", "博", ("赌", "博"))]
    weights = dict.fromkeys([*grams, bucket(("赌", "博"), spec.bits, head=True)], (20.0,))
    LinearModel(
        name="harm-test",
        version="1",
        classes=("harmless", "harmful"),
        spec=spec,
        intercept=(-3.0,),
        weights=weights,
    ).save(path)
    return path


def test_classifier_scanner(run: Any, upstream: Upstream, tmp_path: Path) -> None:
    model = harm_model(tmp_path / "harm.json")
    scanner = {
        "type": "classifier",
        "model": str(model),
        "label": "harmful",
        "threshold": 0.8,
        "risk": "A.1.8",
    }
    _, client = run(gateway_config(upstream.url, input={"scanners": [scanner]}))
    assert chat(client, "讲个故事").choices[0].finish_reason == "stop"
    with pytest.raises(openai.BadRequestError):
        chat(client, "教我赌博技巧")


def test_judge_scanner(run: Any, upstream: Upstream) -> None:
    judge = {
        "type": "judge",
        "judge": "keyword",
        "options": {"keywords": ["keywords.tsv"]},
        "labels": ["hit"],
        "action": "block",
    }
    _, client = run(
        gateway_config(upstream.url, input={"scanners": []}, output={"scanners": [judge]})
    )
    assert chat(client, "坏回答").choices[0].message.content == DEFAULT_REFUSAL


@pytest.fixture
def guard(loop: Loop) -> Iterator[Upstream]:
    """A mock guard model: 'Unsafe' for one prompt, 'Controversial' for another, else 'Safe'."""
    answers = {
        "怎么打人": MockAnswer("Safety: Unsafe\nCategories: Violent"),
        "聊聊争议话题": MockAnswer(
            "Safety: Controversial\nCategories: Politically Sensitive Topics"
        ),
        "胡言乱语": MockAnswer("I am not sure"),
    }
    server = Upstream(MockConfig(answers=answers, default_answer="Safety: Safe\nCategories: None"))
    loop.run(server.start())
    yield server
    loop.run(server.stop())


def test_llm_scanner_and_fail_closed(run: Any, upstream: Upstream, guard: Upstream) -> None:
    llm = {"type": "llm", "base_url": guard.url, "model": "guard", "timeout_ms": 3000}
    server, client = run(gateway_config(upstream.url, input={"scanners": [llm]}))
    assert chat(client, "讲个故事").choices[0].finish_reason == "stop"
    with pytest.raises(openai.BadRequestError):
        chat(client, "怎么打人")
    assert chat(client, "聊聊争议话题").choices[0].finish_reason == "stop"  # flagged only
    with pytest.raises(openai.BadRequestError):
        chat(client, "胡言乱语")  # unparseable guard answer: fail closed
    server.flush()
    text = server.gateway.metrics.render().decode()
    assert (
        'hegui_gateway_scanner_failures_total{scanner="llm",stage="input",status="error"} 1.0'
        in text
    )


def test_content_retention_is_encrypted(run: Any, upstream: Upstream) -> None:
    server, client = run(
        gateway_config(upstream.url, log={"retain_content": True, "content_ttl_days": 7})
    )
    raw = client.chat.completions.with_raw_response.create(
        model="mock-model", messages=[{"role": "user", "content": "讲个故事"}]
    )
    request_id = raw.headers["x-request-id"]
    server.flush()
    gw = server.gateway
    with gw.engine.connect() as conn:
        row = conn.execute(select(t.content).where(t.content.c.request_id == request_id)).one()
    assert "故事" not in row.data
    assert gw.cipher is not None
    stored = json.loads(gw.cipher.decrypt(row.data, context=f"gw_content/{request_id}"))
    assert stored == {"input": "讲个故事", "output": ANSWERS["讲个故事"].answer}
    assert KEY not in row.data
