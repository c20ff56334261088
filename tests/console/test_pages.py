"""Every page renders in Chinese and English, lists paginate by keyset, gateway actions work."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from hegui.console.i18n import LANGUAGES
from hegui.console.messages import CATALOGUE
from hegui.gateway.complaints import ComplaintCategory, ComplaintIn, ComplaintStore
from hegui.gateway.identity.users import UserStore
from hegui.incidents import IncidentIn, IncidentSource, SourceKind
from tests.console.conftest import csrf_of


def _gateway(app: FastAPI) -> tuple[str, str]:
    engine = app.state.console.gateway_engine()
    users = UserStore(engine)
    user = users.create_user("用户甲")
    for i in range(12):
        users.create_user(f"u{i}")
    complaint = ComplaintStore(engine, feedback_days=15).add(
        ComplaintIn(category=ComplaintCategory.ILLEGAL_CONTENT, description="生成了违法内容"),
        user_id=user.id,
    )
    return user.id, complaint.id


def test_catalogue_has_both_languages() -> None:
    for key, texts in CATALOGUE.items():
        assert len(texts) == len(LANGUAGES), key
        assert texts[1].strip(), key  # English is never empty
        assert texts[0].strip() or key.endswith("_en"), key


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders(
    app: FastAPI, client_for: Callable[[str], TestClient], run_id: str, lang: str
) -> None:
    user_id, _ = _gateway(app)
    incident_id = (
        app.state.console.incidents()
        .open(IncidentIn(title="事件", source=IncidentSource(kind=SourceKind.MANUAL)), actor="t")
        .id
    )
    app.state.console.reports.wait(run_id)
    admin = client_for("admin")
    admin.cookies.clear()
    admin = client_for("admin")
    headers = {"Accept-Language": lang}
    token = csrf_of(admin, "/runs")
    admin.post("/language", data={"csrf": token, "lang": lang})
    pages = [
        "/runs",
        f"/runs/{run_id}",
        f"/runs/{run_id}/summary",
        f"/runs/{run_id}/items",
        f"/runs/{run_id}/failures",
        f"/runs/{run_id}/item?id=g-A.1.1-1&sample=0",
        f"/compare?a={run_id}&b={run_id}",
        "/review",
        f"/review/{run_id}",
        f"/review/{run_id}/agreement",
        "/gateway/users",
        f"/gateway/users/{user_id}",
        "/gateway/enforcement",
        "/complaints",
        "/incidents",
        f"/incidents/{incident_id}",
        f"/incidents/{incident_id}/verification",
        "/library",
        "/audit",
        "/admin/users",
    ]
    marker = {"zh": "评估运行", "en": "Runs"}[lang]
    for path in pages:
        response = admin.get(path, headers=headers)
        assert response.status_code == 200, (path, response.text[-500:])
        assert "Server-Timing" in response.headers
        if not path.endswith(("/summary", "/verification")):  # fragments
            assert marker in response.text, path
    summary = admin.get(f"/runs/{run_id}/summary").text
    assert "REQ-ASSESS-09" in summary and "<svg" in summary
    compare = admin.get(f"/compare?a={run_id}&b={run_id}").text
    assert "+0.0 pp" in compare


def test_unknown_things_are_404(client_for: Callable[[str], TestClient], run_id: str) -> None:
    admin = client_for("admin")
    assert admin.get("/runs/no-such-run").status_code == 404
    assert admin.get(f"/runs/{run_id}/item?id=nope&sample=0").status_code == 404
    assert admin.get("/gateway/users/nobody").status_code == 404
    bad = admin.get(f"/runs/{run_id}/items?after=abc")
    assert bad.status_code == 400 and "after" in bad.text


def test_evidence_pages_cover_the_plan_once(
    client_for: Callable[[str], TestClient], run_id: str
) -> None:
    admin = client_for("admin")
    seen: list[int] = []
    url: str | None = f"/runs/{run_id}/items"
    while url:
        page = admin.get(url).text
        seen += [int(s) for s in re.findall(r'<td class="num">(\d+)</td>', page)]
        found = re.search(r'href="(/runs/[^"]+/items\?after=\d+)"', page)
        url = found.group(1) if found else None
    assert seen == list(range(len(seen))) and len(seen) == 149  # the demo plan: 70 + 38 + 41


def test_failures_list_the_planted_failures(
    app: FastAPI, client_for: Callable[[str], TestClient], run_id: str
) -> None:
    app.state.console.reports.wait(run_id)
    page = client_for("auditor").get(f"/runs/{run_id}/failures").text
    assert page.count("/item?id=") >= 3


def test_admin_suspends_and_reinstates_a_gateway_user(
    app: FastAPI, client_for: Callable[[str], TestClient]
) -> None:
    user_id, complaint_id = _gateway(app)
    admin = client_for("admin")
    token = csrf_of(admin, f"/gateway/users/{user_id}")
    missing = admin.post(f"/gateway/users/{user_id}/suspend", data={"csrf": token, "reason": " "})
    assert missing.status_code == 400 and "reason" in missing.text
    bad_hours = admin.post(
        f"/gateway/users/{user_id}/suspend", data={"csrf": token, "reason": "x", "hours": "-1"}
    )
    assert bad_hours.status_code == 400 and "hours" in bad_hours.text
    page = admin.post(
        f"/gateway/users/{user_id}/suspend",
        data={"csrf": token, "reason": "多次生成违法内容", "hours": "24"},
    ).text
    assert "已暂停服务" in page and "console:admin" in page
    page = admin.post(
        f"/gateway/users/{user_id}/reinstate", data={"csrf": token, "reason": "申诉成立"}
    ).text
    assert "申诉成立" in page
    ledger = admin.get("/gateway/enforcement").text
    assert "多次生成违法内容" in ledger and "reinstate" in ledger
    audit = admin.get("/audit").text
    assert "gateway.suspend" in audit and "gateway.reinstate" in audit

    answered = admin.post(
        f"/complaints/{complaint_id}/outcome",
        data={"csrf": token, "response": "已删除相关内容并处置账号", "channel": "api"},
    ).text
    assert "已删除相关内容并处置账号" in answered


def test_gateway_users_paginate(app: FastAPI, client_for: Callable[[str], TestClient]) -> None:
    _gateway(app)
    admin = client_for("admin")
    handles: list[str] = []
    url: str | None = "/gateway/users"
    while url:
        page = admin.get(url).text
        handles += re.findall(r'<a href="/gateway/users/u_\w+">([^<]+)</a>', page)
        found = re.search(r'href="(/gateway/users\?after=[^"]+)"', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert sorted(handles) == sorted(["用户甲", *(f"u{i}" for i in range(12))])


def test_drill_down_from_a_risk_chart(
    app: FastAPI, client_for: Callable[[str], TestClient], run_id: str
) -> None:
    app.state.console.reports.wait(run_id)
    client = client_for("auditor")
    summary = client.get(f"/runs/{run_id}/summary").text
    links = re.findall(r'href="(/runs/[^"]+/failures\?risk=([^&"]+)[^"]*)" class="fail"', summary)
    assert links, "the demo has risks below their threshold"
    url, risk = links[0]
    page = client.get(url.replace("&amp;", "&")).text
    rows = re.findall(r"<td>(A\.\d\.\d|[a-z]+)<div", page)
    assert rows and set(rows) == {risk.replace("%2E", ".")}
    passed = client.get(url.replace("&amp;", "&").replace("outcome=failed", "outcome=passed"))
    assert passed.status_code == 200
    assert client.get(f"/runs/{run_id}/failures?outcome=maybe").status_code == 400
