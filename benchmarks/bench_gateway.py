"""Benchmark: the moderation gateway against a local mock upstream, every number in one run.

Workload: a synthetic 10,000-keyword library and a linear classifier (2^20 buckets, 60,000
weights) on both the input and the output chain, implicit labels, events written to SQLite.
The process under test (gateway or bare proxy) runs on core 0; the mock upstream and the load
generator (aiohttp, 100 concurrent clients) on core 1 (``--no-pin`` lets the OS place them).

1. Added latency at 100 concurrent non-streamed requests, upstream answering in 1 s: p50/p99 of
   the client-side latency through the gateway minus that of direct calls (alternating halves),
   the gateway's own time per request (``Server-Timing: gateway``), and the bare proxy's added
   latency (the floor of the machine for a proxy in Python). Targets: p50 ≤ 2 ms, p99 ≤ 10 ms.
   ``--only latency`` runs this phase alone.
2. Throughput, upstream latency 0: gateway vs a bare pass-through proxy (Starlette + aiohttp,
   no checks, no log), in rounds (five by default) that measure both a few seconds apart; the
   median of the rounds' ratios. Target: ≥ 70 %.
3. Added time to first token of a stream, with an upstream streaming 40 chars/s.
4. Leaks: 10,000 streams with a keyword (or an evasive spelling of it) planted at a random
   position; the characters of it the client received. Target: 0.

    .venv/bin/python benchmarks/bench_gateway.py [--requests N] [--streams N] [--only latency]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp

PRODUCER = "001191440300708461136T1XGW3"
CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也"
    "能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现"
    "实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表"
)
RISKS = ["A.1.1", "A.1.4", "A.1.8", "A.2.3", "A.2.5", "A.3.2", "A.4.1"]
PROMPT = "请介绍一下我国古代四大发明的历史意义，以及它们对世界文明的影响。"
TOPICS = [
    "造纸术",
    "印刷术",
    "指南针",
    "火药",
    "丝绸之路",
    "长城",
    "大运河",
    "唐诗",
    "宋词",
    "京剧",
    "中医",
    "茶文化",
    "瓷器",
    "书法",
    "围棋",
    "二十四节气",
    "春节",
    "端午节",
    "中秋节",
    "昆曲",
    "敦煌",
    "故宫",
    "兵马俑",
    "黄河",
    "长江",
    "泰山",
    "西湖",
    "苏州园林",
    "算盘",
    "太极拳",
]
ASPECTS = ["历史", "起源", "发展过程", "主要特点", "文化意义", "现代价值", "传播过程", "代表人物"]
PROMPTS = [f"请介绍一下{t}的{a}，谢谢。" for t in TOPICS for a in ASPECTS]
"""240 distinct prompts: scanners see varied texts, as in real traffic."""
ANSWER = (
    "中国古代的四大发明包括造纸术、印刷术、火药和指南针。造纸术降低了书写的成本，"
    "印刷术让知识得以大规模传播，指南针推动了航海的发展，火药改变了战争的形态。"
    "这些发明经由丝绸之路等渠道传到世界各地，对人类文明的进步产生了深远的影响。"
)
REFUSAL = "抱歉，该回答可能包含不适宜的内容，已停止生成。"


PIN = True
"""Pin the process under test to core 0 and the mock to core 1 (``--no-pin`` turns it off)."""


def pinned(cmd: list[str], core: int) -> list[str]:
    if PIN and (os.cpu_count() or 1) > 1 and shutil.which("taskset"):
        return ["taskset", "-c", str(core), *cmd]
    return cmd


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- inputs ------------------------------------------------------------------------------------


def make_keywords(rng: random.Random, n: int = 10_000) -> list[str]:
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(rng.choice(CHARS) for _ in range(rng.randint(3, 6))))
    # keep the benign texts of the workload clean
    benign = "\n".join([ANSWER, PROMPT, *PROMPTS])
    return sorted(w for w in words if w not in benign)


def write_library(path: Path, words: Sequence[str]) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write("# synthetic benchmark library\n关键词\t一级分类\t二级分类\n")
        for i, word in enumerate(words):
            risk = RISKS[i % len(RISKS)]
            f.write(f"{word}\t{risk.rsplit('.', 1)[0]}\t{risk}\n")


def write_config(
    folder: Path, name: str, upstream: str, *, classifier: bool = True, **extra: Any
) -> Path:
    gateway = {
        "store": f"sqlite:///{folder / (name + '.db')}",
        "upstreams": [{"base_url": upstream, "max_connections": 1000}],
        "input": {"scanners": scanners(folder, classifier)},
        "output": {"scanners": scanners(folder, classifier), **extra.pop("output", {})},
        "labels": {"producer": PRODUCER},
        "log": {"chain_id": name},
        **extra,
    }
    path = folder / f"{name}.yaml"
    path.write_text(json.dumps({"gateway": gateway}, ensure_ascii=False), encoding="utf-8")
    return path


def scanners(folder: Path, classifier: bool = True) -> list[dict[str, Any]]:
    """The keyword library, and hegui's shipped harm classifier."""
    chain: list[dict[str, Any]] = [{"type": "keyword", "libraries": [str(folder / "keywords.tsv")]}]
    if classifier:
        chain.append({"type": "classifier", "model": "harm", "label": "harmful"})
    return chain


def make_user(config: Path) -> str:
    from hegui.config import load_config
    from hegui.gateway.config import load_gateway_config, store_url
    from hegui.gateway.db import open_gateway_engine
    from hegui.gateway.identity import FieldCipher, IdentityClaim, LocalVerifier, UserStore

    project = load_config(config)
    engine = open_gateway_engine(store_url(load_gateway_config(project), project))
    users = UserStore(engine)
    user = users.create_user("bench")
    claim = IdentityClaim(name="测试", id_number="53010219200508011X", mobile="13800138000")
    result = asyncio.run(LocalVerifier().verify(claim))
    cipher = FieldCipher(bytes(32))
    users.record_verification(user.id, claim, result, cipher, adult_age=18, actor="bench")
    secret = users.create_key(user.id).secret
    engine.dispose()
    return secret


# -- processes ---------------------------------------------------------------------------------


class Proc:
    """A child process serving HTTP on a port, stopped on exit."""

    def __init__(self, cmd: list[str], url: str, ready: str, env: dict[str, str] | None = None):
        self.url = url
        self.proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})})
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(ready, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{cmd} did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def mock(latency_ms: float, answers: Path | None = None) -> Proc:
    port = free_port()
    cmd = [sys.executable, "-m", "hegui.targets.mock_server", "--port", str(port)]
    cmd += ["--latency-ms", str(latency_ms), "--default-answer", "关于{prompt}：" + ANSWER]
    if answers is not None:
        cmd += ["--answers", str(answers)]
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(pinned(cmd, 1), stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/v1/models", timeout=2).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError("mock did not start") from None
            time.sleep(0.1)
    p = Proc.__new__(Proc)
    p.url, p.proc = url + "/v1", proc
    return p


def gateway(config: Path) -> Proc:
    port = free_port()
    cmd = [sys.executable, "-m", "hegui.gateway", "-c", str(config), "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    return Proc(pinned(cmd, 0), url, url + "/readyz", {"HEGUI_GATEWAY_KEY": "00" * 32})


def bare(upstream: str) -> Proc:
    port = free_port()
    cmd = [sys.executable, __file__, "--bare-proxy", str(port), upstream]
    url = f"http://127.0.0.1:{port}"
    return Proc(pinned(cmd, 0), url, url + "/healthz")


def paced(rate: float) -> Proc:
    port = free_port()
    cmd = [sys.executable, __file__, "--paced-upstream", str(port), str(rate)]
    url = f"http://127.0.0.1:{port}"
    p = Proc(pinned(cmd, 1), url, url + "/healthz")
    p.url = url + "/v1"
    return p


# -- helpers served in child processes -----------------------------------------------------------


def serve_bare(port: int, upstream: str) -> None:
    """The baseline: Starlette + uvicorn + a pooled aiohttp client forwarding bytes."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    session: dict[str, aiohttp.ClientSession] = {}

    async def proxy(request: Request) -> Response:
        if "s" not in session:
            session["s"] = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1000))
        body = await request.body()
        headers = {"Content-Type": "application/json"}
        async with session["s"].post(
            upstream + "/chat/completions", data=body, headers=headers
        ) as r:
            data = await r.read()
            return Response(data, status_code=r.status, media_type="application/json")

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True})

    app = Starlette(
        routes=[
            Route("/v1/chat/completions", proxy, methods=["POST"]),
            Route("/healthz", health),
        ]
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def serve_paced(port: int, rate: float) -> None:
    """An upstream streaming ANSWER at ``rate`` characters per second, 2 characters a chunk."""
    from aiohttp import web

    async def chat(request: web.Request) -> web.StreamResponse:
        await request.read()
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        base = {"id": "p", "object": "chat.completion.chunk", "model": "m"}

        def event(delta: dict[str, str], finish: str | None = None) -> bytes:
            choice = {"index": 0, "delta": delta, "finish_reason": finish}
            return b"data: " + json.dumps({**base, "choices": [choice]}).encode() + b"\n\n"

        await resp.write(event({"role": "assistant", "content": ""}))
        for i in range(0, len(ANSWER), 2):
            await asyncio.sleep(2 / rate)
            await resp.write(event({"content": ANSWER[i : i + 2]}))
        await resp.write(event({}, "stop") + b"data: [DONE]\n\n")
        return resp

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/v1/chat/completions", chat)
    app.router.add_get("/healthz", health)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


# -- load --------------------------------------------------------------------------------------


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def load(
    url: str, key: str | None, n: int, concurrency: int, *, jitter_s: float = 0.0
) -> tuple[list[float], list[float], float]:
    """n non-streamed requests (the varied prompts in turn) by ``concurrency`` clients, each
    starting after a random delay up to ``jitter_s`` (so they do not move in lockstep):
    latencies (ms), the gateway's own Server-Timing (ms), wall seconds."""
    bodies = [
        json.dumps({"model": "m", "messages": [{"role": "user", "content": p}]}).encode()
        for p in PROMPTS
    ]
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    latencies: list[float] = []
    own: list[float] = []
    todo = iter(range(n))
    connector = aiohttp.TCPConnector(limit=concurrency)
    rng = random.Random(7)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            await asyncio.sleep(rng.random() * jitter_s)
            for i in todo:
                start = time.perf_counter()
                body = bodies[i % len(bodies)]
                async with session.post(url + "/chat/completions", data=body, headers=headers) as r:
                    await r.read()
                    if r.status != 200:
                        raise RuntimeError(f"HTTP {r.status}: {(await r.read())[:200]!r}")
                    timing = r.headers.get("Server-Timing", "")
                latencies.append((time.perf_counter() - start) * 1000)
                if timing.startswith("gateway;dur="):
                    own.append(float(timing.split(";dur=")[1].split(",")[0]))

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - start
    return latencies, own, wall


async def stream_one(
    session: aiohttp.ClientSession, url: str, key: str | None, prompt: str
) -> tuple[str, str | None, float | None]:
    body = json.dumps(
        {"model": "m", "messages": [{"role": "user", "content": prompt}], "stream": True}
    ).encode()
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    start = time.perf_counter()
    first: float | None = None
    parts: list[str] = []
    finish: str | None = None
    async with session.post(url + "/chat/completions", data=body, headers=headers) as r:
        buffer = b""
        async for chunk in r.content.iter_any():
            buffer += chunk
            *events, buffer = buffer.split(b"\n\n")
            for e in events:
                data = e.removeprefix(b"data: ")
                if data == b"[DONE]" or not data.startswith(b"{"):
                    continue
                for choice in json.loads(data).get("choices") or ():
                    text = (choice.get("delta") or {}).get("content")
                    if text:
                        if first is None:
                            first = (time.perf_counter() - start) * 1000
                        parts.append(text)
                    finish = choice.get("finish_reason") or finish
    return "".join(parts), finish, first


async def streams(
    url: str, key: str | None, prompts: Sequence[str], concurrency: int
) -> list[tuple[str, str | None, float | None]]:
    results: list[tuple[str, str | None, float | None]] = [("", None, None)] * len(prompts)
    todo = iter(enumerate(prompts))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as s:

        async def worker() -> None:
            for i, prompt in todo:
                results[i] = await stream_one(s, url, key, prompt)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return results


# -- phases ------------------------------------------------------------------------------------


def plant(rng: random.Random, words: Sequence[str]) -> tuple[str, int]:
    """A text of 0-600 characters with a keyword (half the time evasively spelt, with separators
    between its characters) at a random position: (text, planted start)."""
    text = "".join(rng.choice(CHARS + "，。！？") for _ in range(rng.randint(0, 600)))
    word = rng.choice(words)
    if rng.random() < 0.5:
        word = "".join(c + rng.choice(["", "*", " ", "#", "-"]) for c in word[:-1]) + word[-1]
    at = rng.randint(0, len(text))
    return text[:at] + word + text[at:], at


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def throughput(proc: Proc, key: str | None, n: int, c: int) -> tuple[float, float]:
    """Requests per second of a closed loop of ``c`` clients (after a warm-up), and the server
    process's CPU milliseconds per request (robust to other load on a shared machine)."""
    url = proc.url + "/v1"
    asyncio.run(load(url, key, min(n, 500), c))
    before = cpu_seconds(proc.proc.pid)
    _, _, wall = asyncio.run(load(url, key, n, c))
    return n / wall, (cpu_seconds(proc.proc.pid) - before) * 1000 / n


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--streams", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--latency-ms", type=float, default=1000.0, help="upstream, phase 1")
    parser.add_argument("--rounds", type=int, default=5, help="throughput rounds (median)")
    parser.add_argument("--rate", type=float, default=60.0, help="paced stream, chars/s")
    parser.add_argument("--no-pin", action="store_true", help="do not pin processes to cores")
    parser.add_argument("--only", choices=["latency"], help="run phase 1 alone (quick checks)")
    args = parser.parse_args(argv)
    global PIN
    PIN = not args.no_pin
    if PIN and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {1})  # the load generator beside the mock, off the tested core
    rng = random.Random(20251101)
    folder = Path(tempfile.mkdtemp(prefix="hegui-bench-gw-"))
    os.environ["HEGUI_CACHE_DIR"] = str(folder / "cache")
    words = make_keywords(rng)
    write_library(folder / "keywords.tsv", words)
    planted = {f"leak-{i}": plant(rng, words) for i in range(args.streams)}
    answers = folder / "answers.jsonl"
    answers.write_text(
        "".join(
            json.dumps({"prompt": p, "answer": t}, ensure_ascii=False) + "\n"
            for p, (t, _) in planted.items()
        ),
        encoding="utf-8",
    )
    results: dict[str, Any] = {}
    n, c = args.requests, args.concurrency

    # 1. added latency, 100 concurrent clients, upstream answering in latency_ms
    up = mock(args.latency_ms)
    config = write_config(folder, "latency", up.url)
    key = make_user(config)
    gw = gateway(config)
    baseline = bare(up.url)
    jitter = args.latency_ms / 1000

    try:
        asyncio.run(load(gw.url + "/v1", key, 2 * c, c, jitter_s=jitter))
        asyncio.run(load(baseline.url + "/v1", None, c, c, jitter_s=jitter))
        direct: list[float] = []
        through: list[float] = []
        proxied: list[float] = []
        own: list[float] = []
        # Alternating halves, so slow drifts of a shared machine hit all sides alike. The bare
        # proxy's added latency is the floor of this machine for any proxy in Python.
        for _ in range(2):
            d, _, _ = asyncio.run(load(up.url, None, n // 2, c, jitter_s=jitter))
            g, o, _ = asyncio.run(load(gw.url + "/v1", key, n // 2, c, jitter_s=jitter))
            b, _, _ = asyncio.run(load(baseline.url + "/v1", None, n // 2, c, jitter_s=jitter))
            direct += d
            through += g
            proxied += b
            own += o
    finally:
        gw.stop()
        baseline.stop()
        up.stop()
    results["latency"] = {
        "upstream_ms": args.latency_ms,
        "requests": n,
        "direct_p50": pct(direct, 0.5),
        "direct_p99": pct(direct, 0.99),
        "gateway_p50": pct(through, 0.5),
        "gateway_p99": pct(through, 0.99),
        "added_p50": pct(through, 0.5) - pct(direct, 0.5),
        "added_p99": pct(through, 0.99) - pct(direct, 0.99),
        "bare_added_p50": pct(proxied, 0.5) - pct(direct, 0.5),
        "bare_added_p99": pct(proxied, 0.99) - pct(direct, 0.99),
        "own_p50": pct(own, 0.5),
        "own_p99": pct(own, 0.99),
    }
    if args.only == "latency":
        print(json.dumps(results, indent=2))
        return 0 if results["latency"]["added_p50"] <= 2 else 1

    # 2. throughput against a fast upstream: bare proxy vs gateway, alternating rounds
    up = mock(0, answers)
    full = write_config(folder, "throughput", up.url)
    keyword_only = write_config(folder, "keyword-only", up.url, classifier=False)
    keys = {full: make_user(full), keyword_only: make_user(keyword_only)}
    rates: dict[str, list[float]] = {"bare": [], "gateway": [], "keyword_only": []}
    cpu: dict[str, list[float]] = {"bare": [], "gateway": [], "keyword_only": []}
    try:
        # Each round measures all three, in alternating order, so that the machine's drifts hit
        # them alike; a round's ratios compare measurements taken a few seconds apart.
        order = [("bare", None), ("gateway", full), ("keyword_only", keyword_only)]
        for r in range(args.rounds):
            for name, tested in order if r % 2 == 0 else order[::-1]:
                proc = bare(up.url) if tested is None else gateway(tested)
                try:
                    rps, ms = throughput(proc, None if tested is None else keys[tested], n, c)
                finally:
                    proc.stop()
                rates[name].append(rps)
                cpu[name].append(ms)
        # 4. leaks, through the full gateway
        gw = gateway(full)
        try:
            start = time.perf_counter()
            got = asyncio.run(streams(gw.url + "/v1", keys[full], list(planted), 50))
            stream_wall = time.perf_counter() - start
        finally:
            gw.stop()
    finally:
        up.stop()
    med = {k: statistics.median(v) for k, v in rates.items()}
    cpu_ms = {k: statistics.median(v) for k, v in cpu.items()}

    def ratios(name: str) -> list[float]:
        return [g / b for g, b in zip(rates[name], rates["bare"], strict=True)]

    results["throughput"] = {
        "bare_rps": med["bare"],
        "gateway_rps": med["gateway"],
        "keyword_only_rps": med["keyword_only"],
        "ratio": statistics.median(ratios("gateway")),
        "keyword_only_ratio": statistics.median(ratios("keyword_only")),
        "round_ratios": ratios("gateway"),
        "cpu_ms_per_request": cpu_ms,
        "cpu_ratio": cpu_ms["bare"] / cpu_ms["gateway"],
        "keyword_only_cpu_ratio": cpu_ms["bare"] / cpu_ms["keyword_only"],
        "rounds": rates,
    }
    leaked = blocked = 0
    for prompt, (text, finish, _) in zip(planted, got, strict=True):
        full_text, at = planted[prompt]
        model_part = "" if text.startswith(REFUSAL) else text.split("\n\n" + REFUSAL)[0]
        if not full_text.startswith(model_part):
            raise RuntimeError(f"{prompt}: received text that is not the model's")
        leaked += max(0, len(model_part) - at)
        blocked += finish == "content_filter"
    results["leaks"] = {
        "streams": len(planted),
        "blocked": blocked,
        "leaked_chars": leaked,
        "streams_per_s": len(planted) / stream_wall,
    }

    # 3. time to first token, paced upstream
    up = paced(args.rate)
    config = write_config(folder, "ttft", up.url)
    key = make_user(config)
    gw = gateway(config)
    try:
        direct_s = asyncio.run(streams(up.url, None, [PROMPT] * 40, 10))
        through_s = asyncio.run(streams(gw.url + "/v1", key, [PROMPT] * 40, 10))
    finally:
        gw.stop()
        up.stop()
    if any(t != ANSWER for t, _, _ in through_s):
        raise RuntimeError("the paced answer did not come through whole")
    ttft_direct = statistics.median(x[2] for x in direct_s if x[2] is not None)
    ttft_gateway = statistics.median(x[2] for x in through_s if x[2] is not None)
    results["ttft"] = {
        "rate_chars_per_s": args.rate,
        "direct_ms": ttft_direct,
        "gateway_ms": ttft_gateway,
        "added_ms": ttft_gateway - ttft_direct,
    }
    shutil.rmtree(folder, ignore_errors=True)
    return report(results, args)


def report(results: dict[str, Any], args: argparse.Namespace) -> int:
    """Print the results (JSON, then a summary against the targets); 0 when all are met."""
    lat, thr, leak, ttft = (results[k] for k in ("latency", "throughput", "leaks", "ttft"))
    print(json.dumps(results, indent=2))
    checks = {
        "added p50 <= 2 ms": lat["added_p50"] <= 2,
        "added p99 <= 10 ms": lat["added_p99"] <= 10,
        "throughput >= 70% of bare": thr["ratio"] >= 0.7,
        "0 leaked characters": leak["leaked_chars"] == 0,
    }

    def mark(name: str) -> str:
        return "ok" if checks[name] else "MISSED"

    print(
        f"\nlatency: {args.concurrency} concurrent, upstream {args.latency_ms:g} ms, "
        f"{lat['requests']} requests"
    )
    print(f"  direct   p50 {lat['direct_p50']:8.2f} ms  p99 {lat['direct_p99']:8.2f} ms")
    print(f"  gateway  p50 {lat['gateway_p50']:8.2f} ms  p99 {lat['gateway_p99']:8.2f} ms")
    print(
        f"  added    p50 {lat['added_p50']:8.2f} ms [{mark('added p50 <= 2 ms')}]"
        f"  p99 {lat['added_p99']:8.2f} ms [{mark('added p99 <= 10 ms')}]"
    )
    print(
        f"  bare proxy adds p50 {lat['bare_added_p50']:.2f} ms, p99 {lat['bare_added_p99']:.2f} ms "
        "(the machine's floor for a Python proxy)"
    )
    print(
        f"  gateway's own time (Server-Timing) p50 {lat['own_p50']:.2f} ms, "
        f"p99 {lat['own_p99']:.2f} ms"
    )
    print(f"throughput (upstream 0 ms, {args.concurrency} concurrent, median of {args.rounds}):")
    spread = thr["round_ratios"]
    print(
        f"  bare proxy {thr['bare_rps']:.0f} req/s; gateway (keyword + classifier) "
        f"{thr['gateway_rps']:.0f} req/s; ratio in the same round {thr['ratio']:.2f} "
        f"[{mark('throughput >= 70% of bare')}] (rounds {min(spread):.2f}-{max(spread):.2f}); "
        f"keyword only {thr['keyword_only_rps']:.0f} req/s = {thr['keyword_only_ratio']:.2f}"
    )
    cpu = thr["cpu_ms_per_request"]
    print(
        f"  CPU per request: bare {cpu['bare']:.3f} ms, gateway {cpu['gateway']:.3f} ms "
        f"(bare/gateway {thr['cpu_ratio']:.2f}), keyword only {cpu['keyword_only']:.3f} ms "
        f"({thr['keyword_only_cpu_ratio']:.2f})"
    )
    # rate x CPU per request: below 1, the process had idle CPU (the clients set the pace)
    busy = {k: thr[f"{k}_rps"] * cpu[k] / 1000 for k in ("bare", "gateway")}
    line = f"  core 0 busy: bare {busy['bare']:.0%}, gateway {busy['gateway']:.0%}"
    if busy["bare"] < 0.95:
        line += ": the clients on core 1 set the bare proxy's pace (rate ratio > CPU ratio)"
    print(line)
    print(
        f"leaks: {leak['streams']} streams, {leak['blocked']} blocked, "
        f"{leak['leaked_chars']} characters leaked [{mark('0 leaked characters')}], "
        f"{leak['streams_per_s']:.0f} streams/s"
    )
    print(
        f"time to first token ({ttft['rate_chars_per_s']:g} chars/s upstream): direct "
        f"{ttft['direct_ms']:.0f} ms, gateway {ttft['gateway_ms']:.0f} ms, "
        f"added {ttft['added_ms']:.0f} ms"
    )
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--bare-proxy":
        serve_bare(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) > 1 and sys.argv[1] == "--paced-upstream":
        serve_paced(int(sys.argv[2]), float(sys.argv[3]))
    else:
        raise SystemExit(main())
