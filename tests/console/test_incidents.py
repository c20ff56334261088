"""Incidents and complaints in the console: open from a failed answer, contain, report, fix,
regression run against the fixed model, close; a reviewer cannot close; the complaint desk."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from hegui.config import ProjectConfig
from hegui.gateway.db import now_utc
from hegui.gateway.eventlog import Event, append_one, ts_us
from hegui.incidents import (
    ContainmentAction,
    ContainmentIn,
    Evidence,
    Incident,
    IncidentError,
    IncidentIn,
    IncidentSource,
    RemediationIn,
    SourceKind,
)
from hegui.incidents.sources import failed_items
from hegui.records import ItemKind, Message
from hegui.store import RunStore
from tests.console.conftest import csrf_of

SAFE = "抱歉，这个请求我不能协助。这类内容违法且可能造成伤害，建议通过正规渠道了解相关法律知识。"


def failed_generation_item(project: ProjectConfig, run_id: str, app: FastAPI) -> str:
    store = RunStore(project.store_url())
    try:
        kinds = {p.item.id: p.item.kind for p in store.plan(run_id)}
        failed = failed_items(store, run_id, app.state.console.pack(run_id))
    finally:
        store.close()
    return next(i for i in failed if kinds[i] is ItemKind.GENERATION)


def post(client: TestClient, url: str, page: str, **data: str) -> str:
    token = csrf_of(client, page)
    response = client.post(url, data={"csrf": token, **data})
    assert response.status_code == 200, (url, response.status_code, response.text[-800:])
    return response.text


def test_incident_from_a_failed_answer_to_closed(
    app: FastAPI, client_for: Callable[[str], TestClient], project: ProjectConfig, run_id: str
) -> None:
    admin, reviewer, auditor = client_for("admin"), client_for("reviewer"), client_for("auditor")
    item_id = failed_generation_item(project, run_id, app)
    item_page = f"/runs/{run_id}/item?id={item_id}&sample=0"
    assert "open-from-item" not in auditor.get(item_page).text
    page = post(reviewer, f"/runs/{run_id}/incident", item_page, item_id=item_id)
    found = re.search(r"<h1>(inc-[\w-]+) ", page)
    assert found is not None and "待处置" in page and item_id in page
    incident_id = found.group(1)
    url = f"/incidents/{incident_id}"

    # a reviewer adds notes but cannot close; an auditor changes nothing
    post(reviewer, f"{url}/note", url, text="复核确认：回答含违法内容")
    token = csrf_of(reviewer, url)
    assert reviewer.post(f"{url}/close", data={"csrf": token}).status_code == 403
    assert "form-close" not in reviewer.get(url).text
    token = csrf_of(auditor, url)
    assert auditor.post(f"{url}/note", data={"csrf": token, "text": "x"}).status_code == 403

    # closing too early says what is missing
    token = csrf_of(admin, url)
    early = admin.post(f"{url}/close", data={"csrf": token})
    assert early.status_code == 400 and "no passing regression run" in early.text

    post(admin, f"{url}/contain", url, action="content_removed", detail="已删除该回答并停止传输")
    bad = admin.post(f"{url}/contain", data={"csrf": token, "action": "nuke", "detail": "x"})
    assert bad.status_code == 400 and "action" in bad.text
    post(
        admin,
        f"{url}/report",
        url,
        authority="省网信办",
        reference="R-2026-01",
        reported_on=date.today().isoformat(),
    )
    post(admin, f"{url}/remediate", url, description="重新对齐训练", model_version="demo-fixed")
    outside = admin.post(f"{url}/regression", data={"csrf": token, "bank": "../../escape.jsonl"})
    assert outside.status_code == 400 and "outside the project folder" in outside.text
    page = post(admin, f"{url}/regression", url, bank="regression.jsonl")
    regression = re.findall(r"reg-inc-[\w-]+", page)
    assert regression

    # the fixed model's answers, replayed: the regression run passes and is linked
    answers = Path(project.base_dir) / "fixed.jsonl"
    answers.write_text(
        "".join(
            json.dumps({"id": i, "answer": SAFE}, ensure_ascii=False) + "\n"
            for i in set(regression)
        ),
        encoding="utf-8",
    )
    # the run goes on in the background; the page polls until it has linked the run
    post(admin, f"{url}/verify", url, target="replay:fixed.jsonl")
    job = app.state.console.verifications().wait(incident_id)
    assert job.error is None and job.passed and job.run_id
    done = admin.get(f"{url}/verification")
    assert done.status_code == 200 and done.headers["HX-Refresh"] == "true"
    page = admin.get(url).text
    assert 'id="verifications"' in page and "PASS" in page and "验证中" in page
    assert job.run_id in page
    page = post(admin, f"{url}/close", url, note="回归测试通过")
    assert "已关闭" in page and "哈希链完整" in page
    for action in (
        "opened",
        "note",
        "contained",
        "reported",
        "remediated",
        "regression_added",
        "verified",
        "closed",
    ):
        assert f"<td>{action}</td>" in page, action
    listing = auditor.get("/incidents").text
    assert incident_id in listing and "已关闭" in listing
    audit = admin.get("/audit").text
    assert "incident.close" in audit and "incident.verify" in audit


def test_a_regression_run_goes_on_in_the_background(
    app: FastAPI,
    client_for: Callable[[str], TestClient],
    project: ProjectConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service = app.state.console.incidents()
    evidence = Evidence(messages=(Message(role="user", content="问"),), answer="答", risk="A.1.4")
    opened = service.open(
        IncidentIn(title="t", source=IncidentSource(kind=SourceKind.MANUAL), evidence=(evidence,)),
        actor="t",
    )
    incident_id = opened.id
    service.contain(
        incident_id,
        [ContainmentIn(action=ContainmentAction.CONTENT_REMOVED, detail="d")],
        actor="t",
    )
    service.remediate(incident_id, RemediationIn(description="d", model_version="v2"), actor="t")
    service.add_regression(incident_id, Path(project.base_dir) / "regression.jsonl", actor="t")
    gate = threading.Event()

    async def unreachable(*_args: object, **_kwargs: object) -> Incident:
        await asyncio.to_thread(gate.wait, 30)
        raise IncidentError("upstream 'x' is unreachable")

    monkeypatch.setattr(service, "verify", unreachable)
    admin = client_for("admin")
    url = f"/incidents/{incident_id}"
    page = post(admin, f"{url}/verify", url, target="openai:m@http://127.0.0.1:9/v1")
    assert 'hx-get="/incidents/' in page and "回归验证正在运行" in page
    # one run per incident at a time
    token = csrf_of(admin, url)
    again = admin.post(f"{url}/verify", data={"csrf": token, "target": "replay:x.jsonl"})
    assert again.status_code == 400 and "under way" in again.text
    assert 'hx-trigger="every 2s"' in admin.get(f"{url}/verification").text
    gate.set()
    job = app.state.console.verifications().wait(incident_id)
    assert job.error == "upstream 'x' is unreachable" and job.passed is None
    box = admin.get(f"{url}/verification")
    assert "HX-Refresh" not in box.headers and "unreachable" in box.text
    assert 'role="alert"' in admin.get(url).text and "hx-trigger" not in admin.get(url).text
    audit = admin.get("/audit").text
    assert "incident.verify" in audit


def test_a_regression_run_is_refused_at_once_when_the_incident_is_not_ready(
    app: FastAPI, client_for: Callable[[str], TestClient]
) -> None:
    service = app.state.console.incidents()
    opened = service.open(
        IncidentIn(title="t", source=IncidentSource(kind=SourceKind.MANUAL)), actor="t"
    )
    admin = client_for("admin")
    url = f"/incidents/{opened.id}"
    token = csrf_of(admin, url)
    early = admin.post(f"{url}/verify", data={"csrf": token, "target": "replay:x.jsonl"})
    assert early.status_code == 400 and "record the fix first" in early.text
    assert app.state.console.verifications().get(opened.id) is None


def test_gateway_output_stops_become_incidents(
    app: FastAPI, client_for: Callable[[str], TestClient]
) -> None:
    engine = app.state.console.gateway_engine()
    detail = {"model": "qwen", "output": {"action": "block", "risk": "A.1.4"}}
    event = Event(kind="request", ts_us=ts_us(now_utc()), request_id="r-gw", action="block")
    append_one(engine, "gw-console", event.model_copy(update={"detail": detail}))
    auditor, reviewer = client_for("auditor"), client_for("reviewer")
    listing = auditor.get("/incidents").text
    assert 'id="candidates"' in listing and "gw-console:1" in listing and "A.1.4" in listing
    assert "/incidents/from-gateway" not in listing  # an auditor changes nothing
    page = post(reviewer, "/incidents/from-gateway", "/incidents", event="gw-console:1")
    assert "r-gw" in page and "A.1.4" in page
    assert 'id="candidates"' not in reviewer.get("/incidents").text
    token = csrf_of(reviewer, "/incidents")
    missing = reviewer.post("/incidents/from-gateway", data={"csrf": token, "event": "gw-x:9"})
    assert missing.status_code == 400 and "no gateway event" in missing.text


def test_manual_incident_validation(client_for: Callable[[str], TestClient]) -> None:
    reviewer = client_for("reviewer")
    token = csrf_of(reviewer, "/incidents")
    missing = reviewer.post("/incidents", data={"csrf": token, "title": " "})
    assert missing.status_code == 400 and "title" in missing.text
    bad_risk = reviewer.post(
        "/incidents", data={"csrf": token, "title": "t", "risk": "Z.9", "answer": "x"}
    )
    assert bad_risk.status_code == 400 and "risk" in bad_risk.text
    ok = reviewer.post(
        "/incidents",
        data={
            "csrf": token,
            "title": "用户举报的违法回答",
            "risk": "A.1.4",
            "question": "问",
            "answer": "答",
        },
    )
    assert ok.status_code == 200 and "用户举报的违法回答" in ok.text


def test_complaint_desk(app: FastAPI, client_for: Callable[[str], TestClient]) -> None:
    admin, reviewer = client_for("admin"), client_for("reviewer")
    page = post(
        admin,
        "/complaints",
        "/complaints",
        category="illegal_content",
        channel="phone",
        description="电话投诉：模型输出违法内容",
    )
    cid = re.search(r'<td class="small">(cmp_\w+)', page)
    assert cid is not None
    complaint_id = cid.group(1)
    assert "enter-complaint" not in reviewer.get("/complaints").text
    token = csrf_of(reviewer, "/complaints")
    assert (
        reviewer.post(f"/complaints/{complaint_id}/acknowledge", data={"csrf": token}).status_code
        == 403
    )
    post(admin, f"/complaints/{complaint_id}/acknowledge", "/complaints")
    page = post(admin, f"/complaints/{complaint_id}/incident", "/complaints", risk="A.1.4")
    assert complaint_id in page and "complaint_linked" in page
    page = post(
        admin,
        f"/complaints/{complaint_id}/outcome",
        "/complaints",
        response="已删除内容并整改",
        channel="phone",
    )
    assert "已删除内容并整改" in page and "/incidents/inc-" in page
    token = csrf_of(admin, "/complaints")
    twice = admin.post(
        f"/complaints/{complaint_id}/outcome", data={"csrf": token, "channel": "phone"}
    )
    assert twice.status_code == 400 and "sent already" in twice.text
    bad = admin.post(
        "/complaints",
        data={"csrf": token, "category": "gossip", "channel": "phone", "description": "x"},
    )
    assert bad.status_code == 400 and "category" in bad.text


def test_overdue_steps_are_listed_and_exported(
    app: FastAPI, client_for: Callable[[str], TestClient]
) -> None:
    from datetime import UTC, datetime, timedelta
    from io import BytesIO

    from openpyxl import load_workbook

    from hegui.incidents import IncidentIn, IncidentSource, SourceKind

    late = app.state.console.incidents().open(
        IncidentIn(
            title="迟报事件",
            source=IncidentSource(kind=SourceKind.MANUAL),
            detected_at=datetime.now(UTC) - timedelta(days=30),
        ),
        actor="t",
    )
    auditor = client_for("auditor")
    page = auditor.get("/incidents").text
    overdue = page[page.index('id="overdue"') : page.index("</table>", page.index('id="overdue"'))]
    assert late.id in overdue and "停止生成与传输" in overdue
    csv = auditor.get("/incidents/overdue.csv")
    assert csv.status_code == 200 and "attachment" in csv.headers["content-disposition"]
    assert late.id in csv.content.decode("utf-8-sig")
    xlsx = auditor.get("/incidents/overdue.xlsx")
    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert any(late.id == row[0] for row in sheet.iter_rows(values_only=True))
    assert auditor.get("/incidents/overdue.pdf").status_code in (400, 404)
    assert "incident.export-overdue" in client_for("admin").get("/audit").text
