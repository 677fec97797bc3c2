"""``onetrip admin …`` manages a running server over the protocol with the admin token: the
boards and callers see what it does at once, and the database is only written by the server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from ops.opskit import Hall, onetrip
from support import PIN, HubProcess

from display.model import Board
from shared.client import HubClient, HubError


@pytest.fixture
def running(hall: Hall, tmp_path) -> Iterator[HubProcess]:
    proc = HubProcess(hall.config, tmp_path / "hall.db").start()
    yield proc
    proc.kill()


def admin(proc: HubProcess, hall: Hall, *args: str, timeout: float = 3, **auth: str):
    given = [f"--{k.replace('_', '-')}={v}" for k, v in auth.items()] or [
        f"--credentials={hall.credentials}"
    ]
    return onetrip("admin", f"--url={proc.url}", f"--timeout={timeout}", *given, *args)


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
        assert event["notice"]["level"] == "clear"
        shown = Board()  # what a hall board (Qt or web) shows from these pushes
        shown.snapshot(await board.request("snapshot"))
        assert shown.active_notices(time.time()) == []
        shown.event({**event, "event": "notice", "notice": {**event["notice"], "level": "info",
                     "text": "x", "until": time.time() + 600}})  # fmt: skip
        assert shown.active_notices(time.time())
        shown.event(event)
        assert shown.active_notices(time.time()) == []
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
    gone = admin(running, hall, "notice", "clear", timeout=0.5)
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


async def test_unlock_lets_a_locked_out_staff_member_in_again(running: HubProcess, hall: Hall):
    caller = await device(running, hall, "caller-1", "window:1")
    try:
        for _ in range(10):
            try:
                await caller.request("login", window=1, staff="s001", pin="000000")
            except HubError as e:
                if e.code == "locked_out":
                    break
        else:
            raise AssertionError("never locked out")
        with pytest.raises(HubError) as info:
            await caller.request("login", window=1, staff="s001", pin=PIN)
        assert info.value.code == "locked_out"
        result = await asyncio.to_thread(admin, running, hall, "unlock", "--staff", "s001")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "工号 s001 已解除锁定 / staff id s001 is unlocked"
        assert (await caller.request("login", window=1, staff="s001", pin=PIN))["window"][
            "staff"
        ] == "s001"
        unknown = await asyncio.to_thread(admin, running, hall, "unlock", "--staff", "s999")
        assert unknown.returncode == 1 and "s999" in unknown.stderr
    finally:
        await caller.close()


@pytest.fixture
def own(tmp_path) -> Iterator[tuple[Hall, HubProcess]]:
    """A hall of the test's own (its config file is edited) and its server."""
    from ops.opskit import write

    mine = write(tmp_path / "own")
    proc = HubProcess(mine.config, tmp_path / "hall.db").start()
    yield mine, proc
    proc.kill()


async def test_reload_takes_new_staff_and_refuses_a_new_window(own):
    mine, proc = own
    text = mine.config.read_text(encoding="utf-8")
    first = text.index("[[staff]]")
    block = text[first : text.index("[[staff]]", first + 1)]
    newcomer = (
        block.replace('id = "s001"', 'id = "s100"')
        .replace("王丽", "赵新")
        .replace('backup = "s002"\n', "")
    )
    mine.config.write_text(text.replace(block, block + newcomer, 1), encoding="utf-8")
    result = await asyncio.to_thread(admin, proc, mine, "reload")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "服务器已重新加载配置 / the server reloaded its configuration",
        "  新增工作人员：s100 / staff added: s100",
    ]
    caller = await device(proc, mine, "caller-1", "window:1")
    try:
        assert (await caller.request("login", window=1, staff="s100", pin=PIN))["window"][
            "staff"
        ] == "s100"
    finally:
        await caller.close()

    moved = mine.config.read_text(encoding="utf-8").replace('prefix = "A"', 'prefix = "Y"', 1)
    mine.config.write_text(moved, encoding="utf-8")
    refused = await asyncio.to_thread(admin, proc, mine, "reload")
    assert refused.returncode == 1
    assert "配置未重新加载：" in refused.stderr and "请重启服务器" in refused.stderr
    assert "the configuration was not reloaded:" in refused.stderr and "restart" in refused.stderr
    assert "zone 'shangshi'" in refused.stderr


async def test_reset_pin_writes_the_hash_and_the_server_takes_it(own):
    mine, proc = own
    result = await asyncio.to_thread(
        onetrip, "admin", f"--url={proc.url}", f"--credentials={mine.credentials}", "reset-pin",
        "--staff", "s003", "--config", str(mine.config), stdin="975310\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("s003 的新 PIN 已写入")
    from shared.config import load_config
    from shared.security import verify_pin

    assert verify_pin("975310", load_config(mine.config).staff["s003"].pin_hash)
    caller = await device(proc, mine, "caller-1", "window:1")
    try:
        with pytest.raises(HubError):
            await caller.request("login", window=1, staff="s003", pin=PIN)
        assert (await caller.request("login", window=1, staff="s003", pin="975310"))["window"][
            "staff"
        ] == "s003"
    finally:
        await caller.close()
