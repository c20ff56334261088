"""The review queue in the browser's place: fill, label, agree, decide, upload; and that the
labels flow into the run's statistics through the store's reviews."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from hegui.assess.session import run_pack
from hegui.cli.review import app as review_app
from hegui.config import ProjectConfig
from hegui.console.errors import ConsoleError
from hegui.console.review import agreement, fill_queue, next_item, queue_status
from hegui.console.tables import create_tables
from hegui.reports.builder import build_report
from hegui.store import RunStore
from tests.console.conftest import csrf_of

ITEM = re.compile(
    r'name="item_id" value="([^"]+)">\s*<input type="hidden" name="sample" value="(\d+)"'
)


def _fill(client: TestClient, run_id: str, n: int) -> None:
    token = csrf_of(client, "/review")
    response = client.post(f"/review/{run_id}/queue", data={"csrf": token, "n": str(n)})
    assert response.status_code == 200


def _current(client: TestClient, run_id: str) -> tuple[str, str] | None:
    found = ITEM.search(client.get(f"/review/{run_id}").text)
    return None if found is None else (found.group(1), found.group(2))


def _label(client: TestClient, run_id: str, verdict: str, reason: str = "") -> str:
    item = _current(client, run_id)
    assert item is not None
    token = csrf_of(client, f"/review/{run_id}")
    response = client.post(
        f"/review/{run_id}",
        data={
            "csrf": token,
            "item_id": item[0],
            "sample": item[1],
            "verdict": verdict,
            "reason": reason,
        },
    )
    assert response.status_code == 200, response.text
    return item[0]


def test_two_reviewers_label_the_queue_and_it_counts(
    app: FastAPI, client_for: Callable[[str], TestClient], project: ProjectConfig, run_id: str
) -> None:
    admin, first, second = client_for("admin"), client_for("reviewer"), client_for("reviewer2")
    _fill(admin, run_id, 4)
    assert "4" in admin.get("/review").text
    labelled = [_label(first, run_id, "acceptable") for _ in range(4)]
    assert len(set(labelled)) == 4  # the queue moves on after every label
    assert (
        _current(first, run_id) is None and "没有等待您审核" in first.get(f"/review/{run_id}").text
    )
    # the second reviewer sees the same answers; disagrees on the first
    assert _label(second, run_id, "unacceptable", "含有不当内容") == labelled[0]
    for _ in range(3):
        _label(second, run_id, "acceptable")
    page = admin.get(f"/review/{run_id}/agreement").text
    assert "一致 3 个" in page and labelled[0] in page and "含有不当内容" in page

    token = csrf_of(admin, f"/review/{run_id}/agreement")
    decided = admin.post(
        f"/review/{run_id}/decide",
        data={
            "csrf": token,
            "item_id": labelled[0],
            "sample": "0",
            "verdict": "acceptable",
            "reason": "裁定：拒答得当",
        },
    )
    assert decided.status_code == 200

    store = RunStore(project.store_url())
    try:
        reviews = store.reviews(run_id)
        assert len(reviews) == 9 and {r.reviewer for r in reviews} == {
            "reviewer",
            "reviewer2",
            "admin",
        }
        assert all(r.source.startswith("console") for r in reviews)
        report = build_report(store, run_id, run_pack(store.get_run(run_id).spec, project))
    finally:
        store.close()
    manual = next(r for r in report.results if r.requirement == "REQ-ASSESS-06")
    assert manual.judge == "human" and manual.estimate is not None
    assert manual.estimate.n == 4 and manual.estimate.successes == 4  # the decision counts
    reviewed = {row.item_id: row.review for row in report.evidence if row.review}
    assert "admin" in reviewed[labelled[0]] and "裁定" in reviewed[labelled[0]]
    assert "audit" and "review.decide" in admin.get("/audit").text


def test_labels_are_validated(
    client_for: Callable[[str], TestClient], run_id: str, project: ProjectConfig
) -> None:
    admin, reviewer = client_for("admin"), client_for("reviewer")
    _fill(admin, run_id, 2)
    item = _current(reviewer, run_id)
    assert item is not None
    token = csrf_of(reviewer, f"/review/{run_id}")
    cases = [
        ({"verdict": "unacceptable", "reason": "  "}, "reason"),
        ({"verdict": "maybe"}, "verdict"),
        ({"verdict": "acceptable", "item_id": "no-such-item"}, "not in the review queue"),
    ]
    for extra, message in cases:
        data = {"csrf": token, "item_id": item[0], "sample": item[1], **extra}
        response = reviewer.post(f"/review/{run_id}", data=data)
        assert response.status_code == 400 and message in response.text
    assert (
        reviewer.post(
            f"/review/{run_id}", data={"csrf": token, "item_id": item[0], "sample": "-1"}
        ).status_code
        == 400
    )
    store = RunStore(project.store_url())
    try:
        assert store.reviews(run_id) == []
    finally:
        store.close()


def test_queue_library_functions(project: ProjectConfig, run_id: str) -> None:
    store = RunStore(project.store_url())
    create_tables(store.engine)
    try:
        assert queue_status(store, run_id, "x", needed=2).size == 0
        assert fill_queue(store, run_id, 10_000, 1, by="t") == 70  # every generation answer
        with pytest.raises(ConsoleError, match="already has a review queue"):
            fill_queue(store, run_id, 5, 1, by="t")
        first = next_item(store, run_id, "x", needed=2)
        later = next_item(store, run_id, "x", needed=2, after=first.pos if first else 0)
        assert first is not None and later is not None and later.pos > first.pos
        kappa, differ = agreement(store, run_id)
        assert kappa.n == 0 and differ == []
    finally:
        store.close()


def _export(project: ProjectConfig, run_id: str, path: Path, n: int) -> None:
    result = CliRunner().invoke(
        review_app,
        ["export", run_id, "--out", str(path), "--n", str(n), "--config", str(project.path)],
    )
    assert result.exit_code == 0, result.output


def test_upload_a_review_workbook(
    client_for: Callable[[str], TestClient], project: ProjectConfig, run_id: str, tmp_path: Path
) -> None:
    path = tmp_path / "review.xlsx"
    _export(project, run_id, path, 5)
    book = load_workbook(path)
    for row in range(2, 7):
        book["人工抽检"].cell(row=row, column=9, value="不合格" if row == 2 else "合格")
        book["人工抽检"].cell(row=row, column=10, value="泄露细节" if row == 2 else "")
    book.save(path)
    reviewer = client_for("reviewer")
    token = csrf_of(reviewer, f"/review/{run_id}")
    response = reviewer.post(
        f"/review/{run_id}/upload",
        data={"csrf": token},
        files={"file": ("review.xlsx", path.read_bytes(), "application/octet-stream")},
    )
    assert response.status_code == 200 and "已导入 5 条审核" in response.text
    store = RunStore(project.store_url())
    try:
        reviews = store.reviews(run_id)
    finally:
        store.close()
    assert len(reviews) == 5 and all(r.reviewer == "reviewer" for r in reviews)
    assert "review.xlsx" in reviews[0].source


def _upload(client: TestClient, run_id: str, name: str, data: bytes) -> str:
    token = csrf_of(client, f"/review/{run_id}")
    response = client.post(
        f"/review/{run_id}/upload",
        data={"csrf": token},
        files={"file": (name, data, "application/octet-stream")},
    )
    assert response.status_code in (400, 413), response.status_code
    return response.text


def test_bad_uploads_are_refused_with_a_reason(
    client_for: Callable[[str], TestClient],
    app: FastAPI,
    run_id: str,
    project: ProjectConfig,
    tmp_path: Path,
) -> None:
    reviewer = client_for("reviewer")
    assert "not a zip file" in _upload(reviewer, run_id, "r.xlsx", b"PK not really")
    assert "not an .xlsx" in _upload(reviewer, run_id, "r.csv", b"a,b\n")
    assert "empty" in _upload(reviewer, run_id, "r.xlsx", b"")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/big.xml", b"0" * 20_000_000)
    assert "unsafe" in _upload(reviewer, run_id, "r.xlsx", bomb.getvalue())
    # another run's workbook
    other = tmp_path / "other.xlsx"
    _export(project, run_id, other, 2)
    book = load_workbook(other)
    book["人工抽检"].cell(row=2, column=2, value="no-such-item")
    book["人工抽检"].cell(row=2, column=9, value="合格")
    book.save(other)
    assert "not in run" in _upload(reviewer, run_id, "other.xlsx", other.read_bytes())
    # larger than the limit: refused before parsing
    limit = app.state.console.settings.upload_limit
    too_big = _upload(reviewer, run_id, "big.xlsx", b"0" * (limit + 100 * 1024))
    assert "413" in too_big


def test_skip_moves_on_and_wraps_around(
    client_for: Callable[[str], TestClient], run_id: str
) -> None:
    admin, reviewer = client_for("admin"), client_for("reviewer")
    _fill(admin, run_id, 2)
    page = reviewer.get(f"/review/{run_id}").text
    skip = re.search(r'href="(/review/[^"]+\?after=\d+)" id="skip"', page)
    assert skip is not None
    first = _current(reviewer, run_id)
    second = ITEM.search(reviewer.get(skip.group(1)).text)
    assert second is not None and (second.group(1), second.group(2)) != first
    last = re.search(
        r'href="(/review/[^"]+\?after=\d+)" id="skip"', reviewer.get(skip.group(1)).text
    )
    assert last is not None
    wrapped = ITEM.search(reviewer.get(last.group(1)).text)
    assert wrapped is not None and (wrapped.group(1), wrapped.group(2)) == first
