"""The hall board and the window screen on a real server process, with real pushes: what the
widgets show after each call, recall, pause, notice, new day and lost connection."""

from __future__ import annotations

from hub.conftest import ServerProcess

from display.hallboard import HallBoard
from display.windowscreen import WindowScreen

WAIT = 10_000


def rows(board: HallBoard) -> list[str]:
    return [r.number.full for r in board.rows if r.number.full]


def test_calls_recalls_pauses_and_notices(qtbot, hall_server, driver, displays):
    hall = displays(hall_server.url)
    screen = displays(hall_server.url, mode="window", window=1, size=(1280, 800, 10.1))
    board, win = hall.widget, screen.widget
    assert isinstance(board, HallBoard) and isinstance(win, WindowScreen)
    assert board.name.full == "余姚市行政服务中心"
    assert board.number.full == "暂无叫号"
    assert win.state.full == "未登录" and win.staff_name.full == ""

    driver.issue("shangshi", 4)
    driver.login(1, "s001")
    driver.login(2, "s002")
    qtbot.waitUntil(lambda: win.staff_name.full == "王丽", timeout=WAIT)
    assert win.staff_id.full == "工号 s001" and win.state.full == "空闲"
    qtbot.waitUntil(lambda: board.chips[1].full == "1 号窗口\n空闲", timeout=WAIT)
    # waiting per zone follows the counts
    qtbot.waitUntil(
        lambda: {n.full: c.full for n, c in board.zone_rows}["商事登记"] == "4 人", timeout=WAIT
    )

    # a call: large on the hall board, flashing, and on the window's own screen
    assert driver.call_next(1) == "A001"
    qtbot.waitUntil(lambda: board.number.full == "A001", timeout=WAIT)
    assert board.call_line.full == "请A001号到1号窗口办理"
    assert board.highlighted
    qtbot.waitUntil(lambda: win.number.full == "A001", timeout=WAIT)
    assert win.state.full == "呼叫 A001" and win.highlighted
    qtbot.waitUntil(lambda: board.chips[1].full == "1 号窗口\n呼叫 A001", timeout=WAIT)
    qtbot.waitUntil(
        lambda: {n.full: c.full for n, c in board.zone_rows}["商事登记"] == "3 人", timeout=WAIT
    )

    # the recent list: newest first, under the newest call
    assert driver.call_next(2) == "A002"
    qtbot.waitUntil(lambda: board.number.full == "A002", timeout=WAIT)
    assert rows(board) == ["A001"]
    assert win.number.full == "A001"  # window 2's call is not window 1's screen's
    driver.request("caller-1", "start", window=1)
    qtbot.waitUntil(lambda: win.state.full == "办理中 A001", timeout=WAIT)
    driver.request("caller-1", "finish", window=1)
    qtbot.waitUntil(lambda: win.state.full == "空闲", timeout=WAIT)
    assert win.number.full == "—"
    assert driver.call_next(1) == "A003"
    qtbot.waitUntil(lambda: rows(board) == ["A002", "A001"], timeout=WAIT)

    # a recall is shown as a recall: A002 back on top, marked, and not a second line
    driver.request("caller-2", "recall", window=2)
    qtbot.waitUntil(lambda: board.number.full == "A002", timeout=WAIT)
    assert board.recall.full.startswith("第 2 次呼叫")
    assert rows(board) == ["A003", "A001"]
    assert [r.mark.full for r in board.rows[:2]] == ["", ""]

    # a window paused with its reason, on the board and on its screen
    driver.request("caller-1", "start", window=1)
    driver.request("caller-1", "finish", window=1)
    driver.request("caller-1", "pause", window=1, reason="午休")
    qtbot.waitUntil(lambda: win.state.full == "暂停服务：午休", timeout=WAIT)
    assert win.number.full == "" and not win.highlighted
    qtbot.waitUntil(lambda: board.chips[1].full == "1 号窗口\n暂停服务：午休", timeout=WAIT)

    # a notice from the admin: on the band
    assert board.notice.isHidden()
    driver.request("admin", "notice", text="下午系统升级，请耐心等候", minutes=30)
    qtbot.waitUntil(lambda: board.notice.full == "下午系统升级，请耐心等候", timeout=WAIT)
    assert board.notice.isVisible()


def test_connection_lost_and_restored(qtbot, hall_server, driver, displays):
    hall = displays(hall_server.url)
    board = hall.widget
    assert isinstance(board, HallBoard)
    driver.issue("gongan", 2)
    driver.login(11, "s009")
    label = driver.call_next(11)
    qtbot.waitUntil(lambda: board.number.full == label, timeout=WAIT)
    assert board.offline.isHidden()
    driver.close()

    hall_server.kill()
    qtbot.waitUntil(lambda: board.offline.isVisible(), timeout=WAIT)
    assert board.offline.text() == "连接中断"
    assert board.number.full == label  # the last state stays on the screen

    hall_server.start()
    qtbot.waitUntil(lambda: board.offline.isHidden(), timeout=WAIT)
    assert board.number.full == label  # the snapshot brings it back at once
    # and pushes flow again
    driver.request("caller-11", "start", window=11)
    driver.request("caller-11", "finish", window=11)
    nxt = driver.call_next(11)
    qtbot.waitUntil(lambda: board.number.full == nxt, timeout=WAIT)
    assert rows(board)[:1] == [label]


def test_a_new_day_clears_the_board(qtbot, app_hall, tmp_path, displays, make_driver):
    """The hall's calendar moves on a day: the server starts again with its clock in a time
    zone 26 hours ahead, and the first request of the 'next' day opens it."""
    text = app_hall.config_path.read_text(encoding="utf-8")
    west = app_hall.dir / "hall-west.toml"
    east = app_hall.dir / "hall-east.toml"
    west.write_text(text.replace("Asia/Shanghai", "Etc/GMT+12"), encoding="utf-8")
    east.write_text(text.replace("Asia/Shanghai", "Etc/GMT-14"), encoding="utf-8")
    server = ServerProcess(app_hall, tmp_path / "days.db")
    server.config_path = west
    server.start()
    driver = make_driver(server.url)
    try:
        hall = displays(server.url)
        board = hall.widget
        assert isinstance(board, HallBoard)
        driver.issue("shangshi", 2)
        driver.login(1, "s001")
        label = driver.call_next(1)
        qtbot.waitUntil(lambda: board.number.full == label, timeout=WAIT)
        day = hall.model.day
        driver.close()
        server.stop()
        server.config_path = east
        server.start()
        driver.issue("shehui", 1)  # the first request of the new day opens it
        qtbot.waitUntil(lambda: hall.model.day != day, timeout=WAIT)
        qtbot.waitUntil(lambda: board.number.full == "暂无叫号", timeout=WAIT)
        assert rows(board) == []
        assert board.offline.isHidden()
    finally:
        server.kill()


def test_calls_are_announced_in_order(qtbot, hall_server, driver, displays):
    """The board hands each live call to the voice: the default clip pack's audio, a chime and
    the readings, one after another, reaches the sink; a snapshot's history is not read."""
    import time

    from display.voicehook import make_voice
    from voice import RecordingSink, VoiceConfig

    driver.issue("shangshi", 3)
    driver.login(1, "s001")
    first = driver.call_next(1)  # before the board: history, not news
    sink = RecordingSink(clock=time.time, auto=True)
    voice = make_voice(VoiceConfig.from_table({"repeats": 1}), sink=sink)
    hall = displays(hall_server.url, voice=voice)
    qtbot.waitUntil(lambda: hall.widget.number.full == first, timeout=WAIT)
    assert sink.played == []
    driver.request("caller-1", "recall", window=1)
    qtbot.waitUntil(lambda: len(sink.played) >= 2, timeout=WAIT)  # chime, reading
    assert sink.overlaps == 0
    started = [r.started for r in sink.played]
    assert started == sorted(started) and all(r.audio.seconds > 0.1 for r in sink.played)
    voice.close()
