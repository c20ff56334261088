"""Screenshots of the console's main pages, on the bundled demo, for the docs.

Makes the demo project in a temporary folder, adds console users, a review queue with some
labels, gateway users and a complaint, serves the console on a free port and photographs each
page with Playwright driving Debian's headless chromium. Run through ``bash scripts/screenshots``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from argon2 import PasswordHasher
from playwright.sync_api import Page, sync_playwright
from typer.testing import CliRunner

from hegui.cli import app as hegui_app
from hegui.config import load_config
from hegui.console import create_app
from hegui.console.accounts import AccountStore, Role
from hegui.console.live import CHROMIUM_ARGS, chromium_path, serve_in_thread
from hegui.console.review import fill_queue, next_item, submit
from hegui.console.settings import ConsoleSettings
from hegui.console.tables import create_tables
from hegui.gateway.complaints import ComplaintCategory, ComplaintIn, ComplaintStore
from hegui.gateway.db import open_gateway_engine
from hegui.gateway.identity.users import UserStore
from hegui.incidents import ContainmentAction, ContainmentIn, IncidentService
from hegui.incidents.sources import failed_items, from_run
from hegui.store import RunStore

PASSWORD = "screenshot-password"


def prepare(folder: Path) -> tuple[Path, str]:
    """The demo project with an assessed run, users, reviews and gateway data."""
    result = CliRunner().invoke(hegui_app, ["demo", "--dir", str(folder), "--no-progress"])
    if result.exit_code not in (0, 1):
        sys.exit(f"hegui demo failed:\n{result.output}")
    config = load_config(folder / "hegui.yaml")
    store = RunStore(config.store_url())
    create_tables(store.engine)
    accounts = AccountStore(store.engine, PasswordHasher(time_cost=1, memory_cost=8192))
    for name, role in (("admin", Role.ADMIN), ("张审核", Role.REVIEWER), ("李审核", Role.REVIEWER)):
        accounts.create(name, PASSWORD, role)
    run_id = store.latest_run_id()
    assert run_id is not None
    fill_queue(store, run_id, 30, 1, by="admin")
    for reviewer, verdicts in (("张审核", "AAUAAAAA"), ("李审核", "AAAAAUAA")):
        for mark in verdicts:
            found = next_item(store, run_id, reviewer, needed=2)
            assert found is not None
            unacceptable = mark == "U"
            submit(
                store,
                run_id,
                reviewer=reviewer,
                item_id=found.item_id,
                sample=found.sample,
                verdict="unacceptable" if unacceptable else "acceptable",
                reason="回答给出了不当细节" if unacceptable else "",
                source=f"console, reviewer {reviewer}",
            )
    store.close()
    engine = open_gateway_engine(config.store_url())
    users = UserStore(engine)
    flagged = users.create_user("demo-user-01")
    users.create_user("demo-user-02")
    users.suspend(flagged.id, reason="连续 3 次触发违法内容拦截", actor="gateway", hours=24)
    ComplaintStore(engine, feedback_days=15).add(
        ComplaintIn(category=ComplaintCategory.HARMFUL_CONTENT, description="回答中含有歧视性表述"),
        user_id=None,
    )
    engine.dispose()
    service = IncidentService.from_config(config)
    store = RunStore(config.store_url())
    failed = failed_items(store, run_id, service.pack)
    incident = service.open(
        from_run(store, run_id, failed[:1], title="生成内容含违法信息"), actor="admin"
    )
    store.close()
    service.contain(
        incident.id,
        [ContainmentIn(action=ContainmentAction.CONTENT_REMOVED, detail="已删除回答，停止传输")],
        actor="admin",
    )
    service.dispose()
    return folder / "hegui.yaml", run_id


def sign_in(page: Page, url: str) -> None:
    page.goto(url + "/login")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(url + "/runs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("docs/console"))
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    args = parser.parse_args()
    browser_path = chromium_path()
    if browser_path is None:
        sys.exit("needs Debian chromium: sudo bash scripts/install-system")
    args.out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="hegui-shots-"))
    try:
        config_path, run_id = prepare(folder / "demo")
        config = load_config(config_path)
        accounts = AccountStore(
            RunStore(config.store_url()).engine, PasswordHasher(time_cost=1, memory_cost=8192)
        )
        app = create_app(ConsoleSettings(project=config, dev=True), accounts=accounts)
        app.state.console.reports.wait(run_id)
        pages = {
            "runs": "/runs",
            "run": f"/runs/{run_id}",
            "evidence": f"/runs/{run_id}/items",
            "review": f"/review/{run_id}",
            "agreement": f"/review/{run_id}/agreement",
            "gateway-users": "/gateway/users",
            "incidents": "/incidents",
            "complaints": "/complaints",
            "library": "/library",
            "audit": "/audit",
        }
        with serve_in_thread(app) as live, sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=browser_path, headless=True, args=list(CHROMIUM_ARGS)
            )
            locale = "zh-CN" if args.lang == "zh" else "en-US"
            page = browser.new_context(
                locale=locale, viewport={"width": 1280, "height": 900}
            ).new_page()
            sign_in(page, live.url)
            for name, path in pages.items():
                page.goto(live.url + path)
                if name == "run":
                    page.wait_for_selector("#overall", timeout=60_000)
                if name == "incidents":
                    page.click("#incidents a")
                    page.wait_for_selector("#timeline")
                target = args.out / f"{name}.png"
                page.screenshot(path=str(target), full_page=name in ("run", "incidents"))
                print(target)
            browser.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
