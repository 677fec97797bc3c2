"""The web board (/display) and the ticket page in a real headless Chromium (Debian's
``chromium`` and ``chromium-driver``, driven by Selenium), on a real server process."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from support import until

from display import browser

pytestmark = pytest.mark.skipif(
    browser.found() is None, reason="no Chromium here: apt-get install chromium chromium-driver"
)


@pytest.fixture(scope="module")
def chrome() -> Iterator[Any]:
    # the browser's own clock in UTC, as on the trial's TV box: the page must show the hall's
    driver = browser.chromium(1920, 1080, tz="UTC")
    yield driver
    driver.quit()


def js(chrome: Any, script: str) -> Any:
    return chrome.execute_script(script)


def text(chrome: Any, element_id: str) -> str:
    return str(js(chrome, f"return document.getElementById('{element_id}').textContent"))


def recent(chrome: Any) -> list[str]:
    return list(js(chrome, "return [...document.querySelectorAll('#recent .call b')]"
                           ".map(e => e.textContent)"))  # fmt: skip


def live(chrome: Any) -> bool:
    return js(chrome, "return document.body.dataset.live") == "true"


def test_web_board_calls_recalls_and_survives_a_restart(chrome, hall_server, driver, tmp_path):
    driver.issue("shangshi", 4)
    driver.login(1, "s001")
    driver.login(2, "s002")
    chrome.get(hall_server.http + "/display")
    html = chrome.page_source
    for external in ("src=", "href=", "url(", "@import"):
        assert external not in html  # the hall's LAN may have no internet
    until(lambda: live(chrome))
    assert text(chrome, "name") == "余姚市行政服务中心"
    assert text(chrome, "offline") == "连接中断" and not js(
        chrome, "return document.getElementById('offline').offsetParent !== null"
    )

    # the clock is the hall's (Asia/Shanghai), not the browser's UTC
    hall_now = datetime.now(ZoneInfo("Asia/Shanghai"))
    shown = text(chrome, "clock")
    h, m = int(shown[:2]), int(shown[3:5])
    assert abs((h * 60 + m) - (hall_now.hour * 60 + hall_now.minute)) in (0, 1, 1439)

    # a call appears at once, large, and is heard: the first gesture unlocks the audio
    chrome.find_element("tag name", "header").click()
    first = driver.call_next(1)
    until(lambda: text(chrome, "number") == first)
    assert text(chrome, "line") == f"请{first}号到1号窗口办理"
    until(lambda: js(chrome, "return document.body.dataset.said") == "1")
    assert js(chrome, "return said[0]") == f"/display/say.wav?ticket={first}&window=1&recall=0"
    second = driver.call_next(2)
    until(lambda: text(chrome, "number") == second)
    assert recent(chrome) == [first]

    # a recall is shown as a recall: back on top, marked, never a second identical line
    driver.request("caller-1", "recall", window=1)
    until(lambda: text(chrome, "number") == first)
    assert text(chrome, "recall") == "第 2 次呼叫"
    assert recent(chrome) == [second]
    until(lambda: "1 号窗口呼叫 " + first in js(
        chrome, "return document.querySelector('[data-window=\"1\"]').textContent"))  # fmt: skip

    # a notice from the admin
    driver.request("admin", "notice", text="系统维护通知", minutes=5)
    until(lambda: text(chrome, "notice") == "系统维护通知")

    # the server stops and starts again: the page says so, then shows the hall again
    driver.close()
    hall_server.stop()
    until(lambda: not live(chrome))
    assert js(chrome, "return document.getElementById('offline').offsetParent !== null")
    assert text(chrome, "number") == first  # the last state stays
    hall_server.start()
    until(lambda: live(chrome), timeout=20)
    driver.request("caller-2", "start", window=2)
    driver.request("caller-2", "finish", window=2)
    third = driver.call_next(2)
    until(lambda: text(chrome, "number") == third)
    assert first in recent(chrome)
    shot = tmp_path / "display-web.png"
    chrome.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000


def test_ticket_pages(chrome, hall_server, driver):
    waiting, done = driver.request("kiosk-1", "issue", zone="shehui")["ticket"], None
    done = driver.request("kiosk-1", "issue", zone="shehui")["ticket"]
    driver.login(10, "s010")
    # window 10 calls shehui after budongchan: none of those wait, so the first shehui ticket
    called = driver.call_next(10)
    assert called == waiting["label"]
    driver.request("caller-10", "start", window=10)
    driver.request("caller-10", "finish", window=10)

    # a finished ticket's page does not ask to watch the screens any more
    chrome.get(f"{hall_server.http}/t/{waiting['code']}")
    until(lambda: "已办结" in text(chrome, "say") or "办结" in text(chrome, "zone"))
    assert not js(chrome, "return document.getElementById('hint').offsetParent !== null")
    # a waiting one does
    chrome.get(f"{hall_server.http}/t/{done['code']}")
    until(lambda: "前面" in text(chrome, "say"))
    assert js(chrome, "return document.getElementById('hint').offsetParent !== null")

    # an unknown (or yesterday's) code: a styled page that says what to do
    try:
        urllib.request.urlopen(f"{hall_server.http}/t/ABCDEFGH", timeout=5)
    except urllib.error.HTTPError as e:
        assert e.code == 404
    else:
        pytest.fail("an unknown code was answered 200")
    chrome.get(f"{hall_server.http}/t/ABCDEFGH")
    body = str(js(chrome, "return document.body.innerText"))
    assert "号码不存在或已过期" in body and "取号机重新取号" in body
    assert "页面不存在" not in body and "404" not in body
    assert (
        js(chrome, "return getComputedStyle(document.body).backgroundColor") != "rgba(0, 0, 0, 0)"
    )


def test_the_announcement_audio(hall_server):
    url = f"{hall_server.http}/display/say.wav?ticket=A001&window=12&recall=1"
    with urllib.request.urlopen(url, timeout=10) as r:
        assert r.headers["Content-Type"] == "audio/wav"
        wav = r.read()
    assert wav[:4] == b"RIFF" and wav[8:12] == b"WAVE" and len(wav) > 16_000 * 2  # > 1 s
    for bad in ("ticket=A001", "ticket=<x>&window=1", "ticket=A001&window=0", "window=3"):
        try:
            urllib.request.urlopen(f"{hall_server.http}/display/say.wav?{bad}", timeout=5)
        except urllib.error.HTTPError as e:
            assert e.code == 400
        else:
            pytest.fail(f"{bad} was answered")
