"""``onetrip admin …`` manages a running server over the protocol with the admin token: the
boards and callers see what it does at once, and the database is only written by the server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from ops.opskit import Hall, onetrip
from support import PIN, HubProcess

from shared.client import HubClient


@pytest.fixture
def running(hall: Hall, tmp_path) -> Iterator[HubProcess]:
    proc = HubProcess(hall.config, tmp_path / "hall.db").start()
    yield proc
    proc.kill()


def admin(proc: HubProcess, hall: Hall, *args: str, **auth: str):
    given = [f"--{k.replace('_', '-')}={v}" for k, v in auth.items()] or [
        f"--credentials={hall.credentials}"
    ]
    return onetrip("admin", f"--url={proc.url}", "--timeout=3", *given, *args)


async def device(proc: HubProcess, hall: Hall, name: str, *topics: str) -> HubClient:
    client = HubClient(proc.url, device=name, token=hall.tokens[name], topics=topics)
    return await client.connect(5)


async def test_a_notice_reaches_the_boards_and_clears(running: HubProcess, hall: Hall):
    board = await device(running, hall, "display-hall", "hall")
    try:
        result = await asyncio.to_thread(
            admin, running, hall, "notice", "post", "系统维护，暂停取号", "--en", "Maintenance",
            "--minutes", "15",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == (
            "已发布通知，显示 15 分钟：系统维护，暂停取号 / "
            "notice posted for 15 minutes: 系统维护，暂停取号"
        )
        event = await board.next_event("notice")
        assert event["notice"]["text"] == "系统维护，暂停取号"
        assert event["notice"]["text_en"] == "Maintenance"
        result = await asyncio.to_thread(admin, running, hall, "notice", "clear")
        assert result.returncode == 0, result.stderr
        assert "已清除大厅通知" in result.stdout
        event = await board.next_event("notice")
        assert event["notice"]["until"] - event["notice"]["at"] < 1  # shown no longer
    finally:
        await board.close()


async def test_a_window_left_logged_in_is_logged_out(running: HubProcess, hall: Hall):
    caller = await device(running, hall, "caller-1", "window:1")
    try:
        await caller.request("login", window=1, staff="s001", pin=PIN)
        result = await asyncio.to_thread(admin, running, hall, "logout", "--window", "1")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "1 号窗口已退出登录 / window 1 is logged out"
        seen = await caller.next_event("window", where=lambda e: e["window"]["staff"] is None)
        assert seen["window"]["status"] == "logged_out"
        again = await asyncio.to_thread(admin, running, hall, "logout", "--window", "1")
        assert again.returncode == 1
        assert again.stderr.strip() == (
            "onetrip admin: 服务器拒绝：窗口1尚未登录 / the server refused: "
            "Window 1 has nobody logged in"
        )
    finally:
        await caller.close()


def test_a_wrong_or_missing_token_and_no_server_are_one_line(
    running: HubProcess, hall: Hall, tmp_path
):
    wrong = tmp_path / "admin.token"
    wrong.write_text("not-the-token\n", encoding="utf-8")
    result = admin(running, hall, "notice", "clear", token_file=str(wrong))
    assert result.returncode == 1
    assert result.stderr.strip().startswith("onetrip admin: 服务器拒绝：设备身份验证失败")
    assert "the server refused: Device authentication failed" in result.stderr
    missing = onetrip("admin", f"--url={running.url}", "notice", "clear")
    assert missing.returncode == 1 and "ONETRIP_ADMIN_TOKEN" in missing.stderr
    kiosk = admin(running, hall, "notice", "clear", credentials=str(hall.credentials),
                  device="kiosk-1")  # fmt: skip
    assert kiosk.returncode == 1 and "服务器拒绝：" in kiosk.stderr  # only the admin role may
    running.kill()
    gone = admin(running, hall, "notice", "clear")
    assert gone.returncode == 1
    assert gone.stderr.strip().startswith(f"onetrip admin: 无法连接大厅服务器 {running.url}")
    assert len(gone.stderr.strip().splitlines()) == 1


def test_set_pin_hash_changes_that_staff_members_hash_alone(hall: Hall):
    from server.admin import set_pin_hash
    from shared.config import load_config

    text = hall.config.read_text(encoding="utf-8")
    updated = set_pin_hash(text, "s002", "scrypt$new")
    changed = [
        (a, b) for a, b in zip(text.splitlines(), updated.splitlines(), strict=True) if a != b
    ]
    assert len(changed) == 1 and changed[0][1] == 'pin_hash = "scrypt$new"'
    before = load_config(hall.config)
    s002 = updated.index('id = "s002"')
    assert updated.index('"scrypt$new"') > s002 > updated.index(before.staff["s001"].pin_hash)
    with pytest.raises(KeyError):
        set_pin_hash(text, "s999", "x")
