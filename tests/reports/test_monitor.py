"""The hall monitor (大厅经理) and /reports, served by a real ``onetrip server`` and looked at in
a real headless Chromium (Debian's, driven by Playwright): it follows the hall's pushes."""

from __future__ import annotations

import asyncio
import io
import os
import re
import shutil
import threading
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pytest
from support import PIN, HubProcess

from shared.client import HubClient, HubError
from shared.sample import write_hall

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
SCREENSHOT = os.environ.get("ONETRIP_SCREENSHOTS")  # a folder to keep the page's picture in

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


@pytest.fixture(scope="module")
def hall(tmp_path_factory) -> Iterator[tuple[HubProcess, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("monitor")
    path = folder / "hall.toml"
    write_hall(path, pin=PIN, fast=True, always_open=True)
    text = path.read_text(encoding="utf-8").replace(
        "card_valid_days = 30", "card_valid_days = 30\nalarm_pause_minutes = 1"
    )
    path.write_text(text, encoding="utf-8")
    tokens = tomllib.loads(path.with_suffix(".credentials.toml").read_text(encoding="utf-8"))
    proc = HubProcess(path, folder / "hall.db").start()
    yield proc, tokens["tokens"]
    proc.stop()


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


async def act(url: str, tokens: dict[str, str], *steps: tuple[str, str, dict]) -> list[dict]:
    """Requests from real devices, each on its own connection."""
    out = []
    clients: dict[str, HubClient] = {}
    try:
        for device, op, fields in steps:
            if device not in clients:
                clients[device] = await HubClient(url, device=device, token=tokens[device]).connect(
                    5
                )
            out.append(await clients[device].request(op, **fields))
    finally:
        for client in clients.values():
            await client.close()
    return out


def in_thread(coro) -> list[dict]:
    """Run ``coro`` on a loop of its own (Playwright's sync API holds this thread's loop)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_the_admin_pages_need_the_admin_token(hall):
    proc, tokens = hall
    for path in ("/monitor", "/monitor.json", "/reports", "/reports.xlsx"):
        status, _, body = get(proc.http + path)
        assert status == 401 and "需要管理员令牌" in body.decode()
        status, _, _ = get(f"{proc.http}{path}?device=kiosk-1&token={tokens['kiosk-1']}")
        assert status == 401  # a kiosk is not an admin


def test_monitor_follows_the_hall_live(hall, tmp_path: Path):
    from playwright.sync_api import expect, sync_playwright

    proc, tokens = hall
    url = f"{proc.http}/monitor?device=admin&token={tokens['admin']}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        fetched: list[str] = []
        page.on("request", lambda r: fetched.append(r.url) if "/monitor.json" in r.url else None)
        page.goto(url)
        expect(page.locator("#name")).to_contain_text("大厅经理")
        expect(page.locator("#live")).to_contain_text("实时")
        expect(page.locator("#zones")).to_contain_text("C 公安")
        in_thread(
            act(
                proc.url,
                tokens,
                ("kiosk-1", "issue", {"zone": "gongan"}),
                ("kiosk-1", "issue", {"zone": "gongan"}),
                ("kiosk-1", "issue", {"zone": "gongan"}),
                ("caller-11", "login", {"window": 11, "staff": "s007", "pin": PIN}),
                ("caller-11", "call_next", {"window": 11}),
                ("caller-12", "login", {"window": 12, "staff": "s011", "pin": PIN}),
                ("caller-12", "pause", {"window": 12, "reason": "午休"}),
            )
        )
        win11 = page.locator(".win", has_text=re.compile(r"^11 "))
        expect(win11).to_contain_text("C001")
        expect(win11).to_contain_text("孙浩")
        expect(win11).to_contain_text("呼叫中")
        gongan = page.locator(".tile", has_text="C 公安")
        expect(gongan).to_contain_text("2")
        win12 = page.locator(".win", has_text=re.compile(r"^12 "))
        expect(win12).to_contain_text("暂停 午休")
        expect(page.locator("#totals")).to_contain_text("取号3")
        expect(page.locator("#alarms")).to_contain_text("设备 kiosk-2 离线")
        # the window starts serving: pushed, and the page shows it without being reloaded
        in_thread(act(proc.url, tokens, ("caller-11", "start", {"window": 11})))
        expect(win11).to_contain_text("办理中")
        # no polling: with nothing happening in the hall, the page asks for nothing
        page.wait_for_timeout(500)
        quiet = len(fetched)
        page.wait_for_timeout(2500)
        assert len(fetched) == quiet
        # a pause longer than the threshold (1 minute here) raises an alarm by itself, from
        # the page's own clock (moved on two minutes here)
        page.clock.set_system_time(time.time() + 120)
        expect(page.locator("#alarms")).to_contain_text("12号窗口已暂停 2 分钟")
        page.clock.set_system_time(time.time())
        # a kiosk's printer runs out of paper: the kiosk tells the hub, the page is pushed
        alarms = page.locator("#alarms")
        with Online(proc.url, tokens, "kiosk-1") as kiosk:
            kiosk.request("device_status", printer="paper_out")
            expect(alarms).to_contain_text("取号机 kiosk-1 打印机缺纸，请更换纸卷")
            expect(alarms).not_to_contain_text("设备 kiosk-1 离线")
            shot = tmp_path / "monitor.png"
            page.screenshot(path=str(shot), full_page=True)
            if SCREENSHOT:
                shutil.copy(shot, Path(SCREENSHOT) / "monitor.png")
        # gone: what it said of its printer is stale, the alarm is that it is offline
        expect(alarms).to_contain_text("设备 kiosk-1 离线")
        expect(alarms).not_to_contain_text("打印机缺纸")
        browser.close()


class Online:
    """A device connected for as long as the ``with`` lasts, on a loop in a thread of its own
    (Playwright's sync API holds this thread's loop)."""

    def __init__(self, url: str, tokens: dict[str, str], device: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.client = HubClient(url, device=device, token=tokens[device])

    def _run(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(10)

    def request(self, op: str, **fields) -> dict:
        return self._run(self.client.request(op, **fields))

    def __enter__(self) -> Online:
        self.thread.start()
        self._run(self.client.connect(5))
        return self

    def __exit__(self, *exc) -> None:
        self._run(self.client.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


def test_reports_page_and_download(hall):
    proc, tokens = hall
    auth = f"device=admin&token={tokens['admin']}"
    asyncio.run(
        act(
            proc.url,
            tokens,
            ("kiosk-1", "issue", {"zone": "shehui"}),
            ("caller-14", "login", {"window": 14, "staff": "s009", "pin": PIN}),
            ("caller-14", "call_next", {"window": 14}),
            ("caller-14", "finish", {"window": 14}),
            ("bridge-1", "evaluate", {"window": 14, "level": 5}),
        )
    )
    status, kind, body = get(f"{proc.http}/reports?{auth}")
    text = body.decode()
    assert status == 200 and kind.startswith("text/html")
    assert "今日" in text and "本月" in text and "社会事务" in text and "下载 Excel 报表" in text
    assert "100.00%" in text  # today's 满意率
    status, kind, body = get(f"{proc.http}/reports.xlsx?period=day&{auth}")
    assert status == 200 and kind.startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert "服务区" in book.sheetnames and book["服务区"]["A1"].value == "服务区"


def test_only_the_admin_closes_a_rectification(hall):
    proc, tokens = hall

    async def go() -> tuple[str, dict]:
        async with HubClient(proc.url, device="kiosk-1", token=tokens["kiosk-1"]) as kiosk:
            try:
                await kiosk.request("close_rectification", ticket="20261124-A002", note="x")
            except HubError as e:
                refused = e.code
        async with HubClient(proc.url, device="admin", token=tokens["admin"]) as admin:
            done = await admin.request("close_rectification", ticket="20261124-A002", note="已回访")
        return refused, done

    refused, done = in_thread(go())
    assert refused == "forbidden" and done == {}
