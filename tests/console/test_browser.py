"""The console in a real browser: Playwright driving Debian's headless Chromium against a
uvicorn server on a free port. Sign in, review answers, role restrictions."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from hegui.config import ProjectConfig
from hegui.console.live import CHROMIUM_ARGS, LiveServer, chromium_path, serve_in_thread
from tests.console.conftest import PASSWORD
from tests.console.test_incidents import SAFE, failed_generation_item

sync_api = pytest.importorskip("playwright.sync_api")
if chromium_path() is None:
    pytest.skip("needs Debian chromium (scripts/install-system)", allow_module_level=True)


@pytest.fixture
def live(app: FastAPI) -> Iterator[LiveServer]:
    with serve_in_thread(app) as server:
        yield server


@pytest.fixture
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=chromium_path(), headless=True, args=list(CHROMIUM_ARGS)
        )
        yield instance
        instance.close()


def _page(browser: object, live: LiveServer, username: str, lang: str = "zh-CN") -> object:
    context = browser.new_context(locale=lang)  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live.url + "/runs")
    assert "/login" in page.url
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(live.url + "/runs")
    return page


def test_sign_in_and_review_answers(browser: object, live: LiveServer, run_id: str) -> None:
    admin = _page(browser, live, "admin")
    admin.goto(live.url + "/review")  # type: ignore[attr-defined]
    admin.fill("input[name=n]", "3")  # type: ignore[attr-defined]
    admin.click('button:has-text("建立抽检队列")')  # type: ignore[attr-defined]
    admin.wait_for_selector('a.button:has-text("开始审核")')  # type: ignore[attr-defined]

    reviewer = _page(browser, live, "reviewer")
    reviewer.goto(f"{live.url}/review/{run_id}")  # type: ignore[attr-defined]
    first = reviewer.input_value("input[name=item_id]")  # type: ignore[attr-defined]
    # 不合格 without a reason: the server says which field is missing
    reviewer.check("input[value=unacceptable]")  # type: ignore[attr-defined]
    reviewer.click("#submit-review")  # type: ignore[attr-defined]
    reviewer.wait_for_selector(".box.error")  # type: ignore[attr-defined]
    assert "reason" in reviewer.inner_text(".box.error")  # type: ignore[attr-defined]
    reviewer.check("input[value=unacceptable]")  # type: ignore[attr-defined]
    reviewer.fill("#reason", "回答包含不当内容")  # type: ignore[attr-defined]
    reviewer.click("#submit-review")  # type: ignore[attr-defined]
    # the page's CSP forbids eval, so wait with a selector rather than a JS predicate
    reviewer.wait_for_selector(f'input[name=item_id]:not([value="{first}"])', state="attached")  # type: ignore[attr-defined]
    for _ in range(2):
        shown = reviewer.input_value("input[name=item_id]")  # type: ignore[attr-defined]
        reviewer.check("input[value=acceptable]")  # type: ignore[attr-defined]
        reviewer.click("#submit-review")  # type: ignore[attr-defined]
        reviewer.wait_for_selector(  # type: ignore[attr-defined]
            f'input[name=item_id]:not([value="{shown}"]), #done', state="attached"
        )
    reviewer.wait_for_selector("#done")  # type: ignore[attr-defined]
    assert "我已审 3 / 3" in reviewer.inner_text("#progress")  # type: ignore[attr-defined]

    # the label shows on the item page with its provenance
    reviewer.goto(f"{live.url}/runs/{run_id}/item?id={first}&sample=0")  # type: ignore[attr-defined]
    text = reviewer.inner_text("main")  # type: ignore[attr-defined]
    assert "回答包含不当内容" in text and "console, reviewer reviewer" in text

    # the run's summary, scored in the background, includes the reviews
    reviewer.goto(f"{live.url}/runs/{run_id}")  # type: ignore[attr-defined]
    reviewer.wait_for_selector("#overall", timeout=60_000)  # type: ignore[attr-defined]
    assert "已人工抽检 3 个回答" in reviewer.inner_text("#summary")  # type: ignore[attr-defined]


def test_role_restrictions_in_the_browser(browser: object, live: LiveServer, run_id: str) -> None:
    auditor = _page(browser, live, "auditor", "en-US")
    auditor.goto(live.url + "/review")  # type: ignore[attr-defined]
    assert "Create queue" not in auditor.content()  # type: ignore[attr-defined]
    response = auditor.goto(f"{live.url}/review/{run_id}")  # type: ignore[attr-defined]
    assert response.status == 403  # an auditor cannot label
    assert "You may not do this" in auditor.inner_text("main")  # type: ignore[attr-defined]
    auditor.goto(live.url + "/audit")  # type: ignore[attr-defined]
    assert "sign-in" in auditor.inner_text("#audit")  # type: ignore[attr-defined]
    # a forged form post from the page is refused
    status = auditor.evaluate(  # type: ignore[attr-defined]
        """async () => (await fetch('/admin/users', {method: 'POST',
            headers: {'Content-Type': 'application/x-www-form-urlencoded'},
            body: 'username=x&password=xxxxxxxxxxxx&role=admin'})).status"""
    )
    assert status == 403

    reviewer = _page(browser, live, "reviewer")
    assert reviewer.goto(live.url + "/audit").status == 403  # type: ignore[attr-defined]
    assert reviewer.goto(live.url + "/admin/users").status == 403  # type: ignore[attr-defined]
    reviewer.goto(live.url + "/runs")  # type: ignore[attr-defined]
    nav = reviewer.inner_text("header")  # type: ignore[attr-defined]
    assert "审计日志" not in nav and "控制台用户" not in nav


def test_incident_open_and_close_with_its_regression_run(
    browser: object,
    live: LiveServer,
    run_id: str,
    project: ProjectConfig,
    app: FastAPI,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    item_id = failed_generation_item(project, run_id, app)
    admin = _page(browser, live, "admin")
    admin.goto(f"{live.url}/runs/{run_id}/item?id={item_id}&sample=0")  # type: ignore[attr-defined]
    admin.click("#open-from-item button")  # type: ignore[attr-defined]
    admin.wait_for_selector("#incident-status")  # type: ignore[attr-defined]
    incident_url = admin.url  # type: ignore[attr-defined]
    assert "待处置" in admin.inner_text("#incident-status")  # type: ignore[attr-defined]

    # a reviewer sees the incident but no way to close it, and the server refuses anyway
    reviewer = _page(browser, live, "reviewer")
    reviewer.goto(incident_url)  # type: ignore[attr-defined]
    assert reviewer.query_selector("#form-close") is None  # type: ignore[attr-defined]
    token = reviewer.input_value("#form-note input[name=csrf]")  # type: ignore[attr-defined]
    status = reviewer.evaluate(  # type: ignore[attr-defined]
        """async ([url, token]) => (await fetch(url + '/close', {method: 'POST',
            headers: {'Content-Type': 'application/x-www-form-urlencoded'},
            body: 'csrf=' + encodeURIComponent(token)})).status""",
        [incident_url, token],
    )
    assert status == 403

    def submit(form: str, **fields: str) -> None:
        for name, value in fields.items():
            selector = f"{form} [name={name}]"
            if (
                admin.evaluate(  # type: ignore[attr-defined]
                    "s => document.querySelector(s).tagName", selector
                )
                == "SELECT"
            ):
                admin.select_option(selector, value)  # type: ignore[attr-defined]
            else:
                admin.fill(selector, value)  # type: ignore[attr-defined]
        with admin.expect_navigation():  # type: ignore[attr-defined]
            admin.click(f"{form} button[type=submit]")  # type: ignore[attr-defined]

    submit("#form-contain", action="content_removed", detail="已删除回答，停止传输")
    submit("#form-report", authority="省网信办", reference="R-2026-07")
    submit("#form-remediate", description="补充安全对齐数据", model_version="demo-fixed")
    submit("#form-regression", bank="regression.jsonl")
    regression = set(re.findall(r"reg-inc-[\w-]+", admin.inner_text("main")))  # type: ignore[attr-defined]
    assert regression
    answers = Path(project.base_dir) / "fixed.jsonl"
    answers.write_text(
        "".join(
            json.dumps({"id": i, "answer": SAFE}, ensure_ascii=False) + "\n" for i in regression
        ),
        encoding="utf-8",
    )
    # the run goes on in the background (held back here, so the page sees it under way): the
    # page polls, and reloads when the run is linked
    service = app.state.console.incidents()
    verify = service.verify

    async def held_back(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(3)
        return await verify(*args, **kwargs)

    monkeypatch.setattr(service, "verify", held_back)
    submit("#form-verify", target="replay:fixed.jsonl")
    assert "正在运行" in admin.inner_text("#verification-job")  # type: ignore[attr-defined]
    admin.wait_for_selector("#verifications td.PASS", timeout=30_000)  # type: ignore[attr-defined]
    assert not admin.inner_text("#verification-job")  # type: ignore[attr-defined]
    submit("#form-close", note="回归测试通过")
    assert "已关闭" in admin.inner_text("#incident-status")  # type: ignore[attr-defined]
    assert "哈希链完整" in admin.inner_text("#timeline-check")  # type: ignore[attr-defined]
