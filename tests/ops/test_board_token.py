"""A wrong device token: the web board says 设备令牌无效 (not the public board, not 请先登录),
and the server logs it once with the device id and the address (real server, real Chromium)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
import websockets
from ops.opskit import Hall
from support import HubProcess, until

from display import browser


@pytest.fixture
def running(hall: Hall, tmp_path) -> Iterator[HubProcess]:
    proc = HubProcess(hall.config, tmp_path / "hall.db").start()
    yield proc
    proc.kill()


def wrong_token_lines(proc: HubProcess) -> list[str]:
    return [line for line in proc.log_path.read_text().splitlines() if "wrong device token" in line]


@pytest.mark.skipif(browser.found() is None, reason="no Chromium here")
def test_the_web_board_with_a_wrong_token_says_so(running: HubProcess, hall: Hall):
    chrome = browser.chromium(1280, 720)
    try:
        notice = "return document.getElementById('notice').textContent"
        chrome.get(f"{running.http}/display?device=display-hall&token=wrong")
        until(lambda: chrome.execute_script(notice) == "设备令牌无效 / invalid device token")
        # nothing of the (public) board behind it: no hall name, no windows
        assert chrome.execute_script("return document.getElementById('name').textContent") == ""
        line = until(lambda: wrong_token_lines(running))
        assert len(line) == 1 and "wrong device token for 'display-hall' from 127.0.0.1:" in line[0]
        chrome.get(
            f"{running.http}/display?device=display-hall&token={hall.tokens['display-hall']}"
        )
        until(lambda: chrome.execute_script("return document.body.dataset.live") == "true")
        assert chrome.execute_script(notice) == ""
    finally:
        chrome.quit()


async def test_a_token_scanner_is_one_log_line(running: HubProcess):
    async def attempt(i: int, headers: bool) -> None:
        if headers:  # credentials in the handshake: refused with 401
            with pytest.raises(websockets.InvalidStatus):
                await websockets.connect(running.url, additional_headers={
                    "Authorization": "Bearer nope", "X-Onetrip-Device": f"kiosk-{i}"})  # fmt: skip
            return
        async with websockets.connect(running.url) as ws:
            await ws.send('{"op": "auth", "id": 1, "device": "admin", "token": "guess"}')
            assert '"bad_token"' in await ws.recv()

    await asyncio.gather(*(attempt(i, i % 2 == 0) for i in range(40)))
    lines = until(lambda: wrong_token_lines(running))
    time.sleep(0.3)
    assert len(wrong_token_lines(running)) == 1, lines
    assert " from 127.0.0.1:" in lines[0]
