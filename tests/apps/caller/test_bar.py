"""The caller bar driven as a clerk drives it: clicks and keys on the real widgets, against a
real ``onetrip server`` process. Every action, and the server's refusal shown in its words."""

from __future__ import annotations

from typing import Any

from apps.caller.clerk import Callers, Kiosk, click, db_rows, login, pick, press_and_wait, scan
from hub.conftest import ServerProcess
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from caller.dialogs import FinishDialog, PauseDialog, PickDialog, TransferDialog


def enabled(bar: Any) -> set[str]:
    return {a for a, b in bar.buttons.items() if b.isEnabled()}


def finish(qtbot: Any, bar: Any) -> None:
    click(qtbot, bar.buttons["finish"])
    dialog = bar.dialog
    assert isinstance(dialog, FinishDialog) and dialog.isVisible()
    with qtbot.waitSignal(bar.shown, timeout=8000, check_params_cb=lambda a: a == "finish"):
        click(qtbot, dialog.done_button)


def test_login_refusals_state_and_logout(callers: Callers, qtbot: Any) -> None:
    bar = callers(3).bar
    assert bar.state.text() == "未登录" and enabled(bar) == set()
    assert bar.body.currentWidget() is bar.login_page
    click(qtbot, bar.login_button)  # nothing typed: said plainly, nothing sent
    assert bar.message.text() == "请输入工号和密码" and not bar.gate.busy
    login(qtbot, bar, "s001", "000000")
    assert bar.message.text() == "工号或密码错误" and bar.message_level == "error"
    assert bar.pin_edit.text() == ""  # a wrong PIN is not left in the field
    for _ in range(4):
        login(qtbot, bar, "s001", "000000")
    assert "密码错误次数过多" in bar.message.text() and "分钟后再试" in bar.message.text()
    # another window: a staff member logged in elsewhere is told where
    other = callers(4).bar
    login(qtbot, other, "s002")
    assert other.state.text() == "空闲" and other.header.text() == "4号窗口 · 陈建国"
    assert enabled(other) == {"call_next", "pause", "logout"}
    fifth = callers(5).bar
    login(qtbot, fifth, "s002")
    assert fifth.message.text() == "陈建国已在窗口4登录" and fifth.state.text() == "未登录"
    press_and_wait(qtbot, other, "logout")
    assert other.state.text() == "未登录" and other.body.currentWidget() is other.login_page


def test_every_action_and_the_servers_refusals(callers: Callers, kiosk: Kiosk, qtbot: Any) -> None:
    bar = callers(3, recall_limit=4).bar  # one more than the hall allows: the server refuses
    login(qtbot, bar, "s001")
    press_and_wait(qtbot, bar, "call_next")
    assert bar.message.text() == "当前没有等候的号" and bar.ticket.text() == "—"
    first = kiosk.issue(matter="qysl", priority_reason="elderly")
    kiosk.issue()
    qtbot.waitUntil(lambda: len(bar.model.waiting) == 2)
    press_and_wait(qtbot, bar, "call_next")
    assert bar.ticket.text() == first["label"] and bar.state.text() == "叫号中"
    assert bar.kind.text() == "优先：老年人" and bar.where.text() == "商事登记 · 企业设立登记"
    assert bar.message.text() == f"已呼叫 {first['label']}号"
    assert enabled(bar) == {"recall", "no_show", "start", "finish", "transfer", "suspend"}
    for n in (1, 2, 3):
        press_and_wait(qtbot, bar, "recall")
        assert bar.recalls.text() == f"重呼 {n}/4"
    press_and_wait(qtbot, bar, "recall")
    assert bar.message.text() == f"{first['label']}号已重呼3次，已达上限"
    assert bar.message_level == "error"
    press_and_wait(qtbot, bar, "start")
    assert bar.state.text() == "办理中" and enabled(bar) == {"finish", "transfer", "suspend"}
    qtbot.waitUntil(lambda: bar.timer.text().startswith("办理 00:0"))
    finish(qtbot, bar)
    assert bar.message.text() == f"{first['label']}号已办结" and bar.ticket.text() == "—"
    # 过号
    press_and_wait(qtbot, bar, "call_next")
    second = bar.ticket.text()
    press_and_wait(qtbot, bar, "no_show")
    assert bar.message.text() == f"{second}号已过号" and bar.state.text() == "空闲"
    # a transfer to a staff id that does not exist: the server says so
    third = kiosk.issue()
    qtbot.waitUntil(lambda: bool(bar.model.waiting))
    press_and_wait(qtbot, bar, "call_next")
    click(qtbot, bar.buttons["transfer"])
    dialog = bar.dialog
    assert isinstance(dialog, TransferDialog)
    dialog.to_staff.setChecked(True)
    dialog.staff_box.setEditText("s999")
    with qtbot.waitSignal(bar.shown, timeout=8000):
        click(qtbot, dialog.ok)
    assert bar.message.text() == "没有这位工作人员：s999" and bar.ticket.text() == third["label"]
    # a forged card scanned at a busy window: first finish; then the server refuses the code
    scan(qtbot, bar, "FORGED-CARD-CODE")
    assert bar.message.text() == "请先办结当前号，再受理续办服务卡"
    finish(qtbot, bar)
    with qtbot.waitSignal(bar.shown, timeout=8000):
        scan(qtbot, bar, "FORGED-CARD-CODE")
    assert bar.message.text() == "续办服务卡无效，请到咨询台核实"


def test_pause_with_a_reason_resume_and_logout(callers: Callers, qtbot: Any) -> None:
    bar = callers(3).bar
    login(qtbot, bar, "s001")
    click(qtbot, bar.buttons["pause"])
    dialog = bar.dialog
    assert isinstance(dialog, PauseDialog)
    assert [b.text() for b in dialog.reasons][:3] == ["午休", "会议", "临时离开"]
    with qtbot.waitSignal(bar.shown, timeout=8000):
        click(qtbot, dialog.reasons[0])
    assert bar.state.text() == "暂停服务：午休" and enabled(bar) == {"resume", "logout"}
    press_and_wait(qtbot, bar, "resume")
    assert bar.state.text() == "空闲"
    click(qtbot, bar.buttons["pause"])
    dialog = bar.dialog
    assert isinstance(dialog, PauseDialog)
    dialog.other.insert("窗口设备维修")  # typed Chinese arrives as an input-method commit
    with qtbot.waitSignal(bar.shown, timeout=8000):
        qtbot.keyClick(dialog.other, Qt.Key.Key_Return)
    assert bar.state.text() == "暂停服务：窗口设备维修"
    press_and_wait(qtbot, bar, "logout")
    assert bar.state.text() == "未登录"


def test_two_windows_calling_together_never_share_a_ticket(
    callers: Callers, kiosk: Kiosk, hall_server: ServerProcess, qtbot: Any
) -> None:
    rounds = 100
    labels = set(kiosk.issue_many(2 * rounds + 5))
    one, two = callers(1).bar, callers(2).bar
    login(qtbot, one, "s003")
    login(qtbot, two, "s004")
    got: dict[int, list[str]] = {1: [], 2: []}
    for _ in range(rounds):
        with (
            qtbot.waitSignal(one.shown, timeout=8000, check_params_cb=lambda a: a == "call_next"),
            qtbot.waitSignal(two.shown, timeout=8000, check_params_cb=lambda a: a == "call_next"),
        ):
            click(qtbot, one.buttons["call_next"])  # both pressed before either hears back
            click(qtbot, two.buttons["call_next"])
        got[1].append(one.ticket.text())
        got[2].append(two.ticket.text())
        assert one.ticket.text() != two.ticket.text()
        with (
            qtbot.waitSignal(one.shown, timeout=8000),
            qtbot.waitSignal(two.shown, timeout=8000),
        ):
            click(qtbot, one.buttons["no_show"])
            click(qtbot, two.buttons["no_show"])
    called = got[1] + got[2]
    assert len(set(called)) == 2 * rounds and set(called) <= labels
    rows = db_rows(hall_server, "SELECT label, window FROM tickets WHERE window IS NOT NULL")
    windows: dict[str, set[int]] = {}
    for label, window in rows:
        windows.setdefault(label, set()).add(window)
    assert all(len(w) == 1 for w in windows.values()) and len(windows) == 2 * rounds


def test_two_apps_on_one_window_see_its_real_state(
    callers: Callers, kiosk: Kiosk, qtbot: Any
) -> None:
    first = callers(3).bar
    login(qtbot, first, "s001")
    second = callers(3).bar  # a second PC at the window, or a restart: the server's state
    assert second.state.text() == "空闲" and second.header.text() == "3号窗口 · 王丽"
    kiosk.issue_many(2)
    qtbot.waitUntil(lambda: len(first.model.waiting) == 2 and len(second.model.waiting) == 2)
    with (
        qtbot.waitSignal(first.shown, timeout=8000),
        qtbot.waitSignal(second.shown, timeout=8000),
    ):
        click(qtbot, first.buttons["call_next"])  # both press before either hears back
        click(qtbot, second.buttons["call_next"])
    messages = {first.message.text(), second.message.text()}
    assert any(m.startswith("窗口3正在处理") for m in messages), messages
    qtbot.waitUntil(lambda: first.ticket.text() == second.ticket.text() != "—")
    with (
        qtbot.waitSignal(first.shown, timeout=8000),
        qtbot.waitSignal(second.shown, timeout=8000),
    ):
        click(qtbot, first.buttons["start"])
        click(qtbot, second.buttons["no_show"])
    messages = {first.message.text(), second.message.text()}
    # whichever reached the server second is refused: after a start, 当前状态为…，不能过号;
    # after the no-show, 窗口3当前没有号
    assert any("不能" in m or m == "窗口3当前没有号" for m in messages), messages
    qtbot.waitUntil(lambda: first.state.text() == second.state.text())


def drain_in_order(qtbot: Any, bar: Any) -> list[str]:
    """Press 呼叫下一位 until nobody waits; each time the list's first entry must be called."""
    called = []
    while True:
        qtbot.waitUntil(lambda: not bar._waiting_rid and not bar.waiting_timer.isActive())
        expected = bar.waiting_labels()[:1]
        if not expected:
            return called
        press_and_wait(qtbot, bar, "call_next")
        assert bar.ticket.text() == expected[0], (bar.ticket.text(), expected)
        called.append(expected[0])
        if bar.kind.text().startswith("转入"):
            assert bar.kind.text() == "转入：需补材料"
        press_and_wait(qtbot, bar, "no_show")


def test_waiting_list_first_is_what_call_next_calls(
    callers: Callers, kiosk: Kiosk, qtbot: Any
) -> None:
    """Normal tickets and a follow-up routed to the staff member: the list's first entry is the
    one 呼叫下一位 calls, every time."""
    bar = callers(3).bar
    login(qtbot, bar, "s001")
    kiosk.issue_many(4)
    qtbot.waitUntil(lambda: len(bar.model.waiting) == 4)
    assert len(drain_in_order(qtbot, bar)) == 4


def test_waiting_list_is_what_call_next_calls_and_choose_call(
    callers: Callers, kiosk: Kiosk, qtbot: Any
) -> None:
    """The list's first entry is the one 呼叫下一位 then calls, over a mix of normal, priority
    and transferred tickets (the engine's one order; see docs/caller.md)."""
    bar = callers(3).bar
    login(qtbot, bar, "s001")
    other = callers(1).bar
    login(qtbot, other, "s003")
    kiosk.issue()
    kiosk.issue(priority_reason="elderly")
    kiosk.issue()
    kiosk.issue(priority_reason="disabled")
    kiosk.issue(priority_reason="pregnant")
    kiosk.issue()
    # window 1 takes one and sends it to window 3, at the head
    qtbot.waitUntil(lambda: len(other.model.waiting) == 6)
    press_and_wait(qtbot, other, "call_next")
    click(qtbot, other.buttons["transfer"])
    dialog = other.dialog
    assert isinstance(dialog, TransferDialog)
    dialog.to_window.setChecked(True)
    dialog.window_box.setCurrentIndex(dialog.window_box.findData(3))
    dialog.note.insert("需补材料")  # typed Chinese arrives as an input-method commit
    with qtbot.waitSignal(other.shown, timeout=8000):
        click(qtbot, dialog.ok)
    qtbot.waitUntil(lambda: len(bar.model.waiting) == 6 and not bar._waiting_rid)
    assert bar.waiting_list.count() == 6
    # 选呼 the third in the list
    chosen = bar.waiting_labels()[2]
    click(qtbot, bar.buttons["choose"])
    assert isinstance(bar.dialog, PickDialog)
    pick(qtbot, bar, chosen, "choose")
    assert bar.ticket.text() == chosen and bar.message.text() == f"已选呼 {chosen}号"
    press_and_wait(qtbot, bar, "no_show")
    drain_in_order(qtbot, bar)
    # 选呼 refused: the ticket picked was called elsewhere meanwhile
    kiosk.issue()
    qtbot.waitUntil(lambda: len(bar.model.waiting) == 1)
    click(qtbot, bar.buttons["choose"])
    label = bar.waiting_labels()[0]
    qtbot.waitUntil(lambda: len(other.model.waiting) == 1)
    press_and_wait(qtbot, other, "call_next")
    pick(qtbot, bar, label, "choose")
    assert bar.message.text().startswith(f"{label}号当前状态为已叫号，不能选呼")


def test_transfer_to_a_zone_a_window_and_a_staff_member(
    callers: Callers, kiosk: Kiosk, qtbot: Any
) -> None:
    bar = callers(3).bar
    login(qtbot, bar, "s001")
    window5 = callers(5).bar  # 不动产登记
    login(qtbot, window5, "s005")
    window4 = callers(4).bar
    login(qtbot, window4, "s004")
    window2 = callers(2).bar
    login(qtbot, window2, "s002")
    kiosk.issue_many(3)

    def transfer(how: str, value: Any, head: bool, note: str = "") -> str:
        qtbot.waitUntil(lambda: bool(bar.model.waiting) and not bar.gate.busy)
        press_and_wait(qtbot, bar, "call_next")
        label = bar.ticket.text()
        click(qtbot, bar.buttons["transfer"])
        dialog = bar.dialog
        assert isinstance(dialog, TransferDialog) and dialog.isVisible()
        getattr(dialog, f"to_{how}").setChecked(True)
        combo = getattr(dialog, f"{how}_box")
        qtbot.waitUntil(lambda: combo.findData(value) >= 0)  # the hall's latest state
        combo.setCurrentIndex(combo.findData(value))
        (dialog.at_head if head else dialog.at_tail).setChecked(True)
        if note:
            dialog.note.insert(note)
        with qtbot.waitSignal(bar.shown, timeout=8000):
            click(qtbot, dialog.ok)
        assert bar.message.text() == f"{label}号已转移" and bar.state.text() == "空闲"
        return label

    to_zone = transfer("zone", "budongchan", head=False)
    qtbot.waitUntil(lambda: any(t["zone"] == "budongchan" for t in window5.model.waiting))
    press_and_wait(qtbot, window5, "call_next")
    assert window5.ticket.text() == to_zone and window5.where.text().startswith("不动产登记")

    to_window = transfer("window", 4, head=True, note="请核对材料")
    qtbot.waitUntil(lambda: window4.waiting_labels()[:1] == [to_window])
    press_and_wait(qtbot, window4, "call_next")
    assert window4.ticket.text() == to_window and window4.kind.text() == "转入：请核对材料"

    to_staff = transfer("staff", "s002", head=True, note="转陈建国")
    qtbot.waitUntil(lambda: window2.waiting_labels()[:1] == [to_staff])
    # marked ★ (routed to this staff member) once the staff topic's list has come too
    qtbot.waitUntil(lambda: window2.waiting_list.item(0).text().startswith("★ " + to_staff))
    press_and_wait(qtbot, window2, "call_next")
    assert window2.ticket.text() == to_staff and window2.kind.text() == "转入：转陈建国"


def test_suspend_several_and_call_back(callers: Callers, kiosk: Kiosk, qtbot: Any) -> None:
    bar = callers(3).bar
    login(qtbot, bar, "s001")
    labels = kiosk.issue_many(4)
    qtbot.waitUntil(lambda: len(bar.model.waiting) == 4)
    for label in labels[:3]:
        press_and_wait(qtbot, bar, "call_next")
        assert bar.ticket.text() == label
        press_and_wait(qtbot, bar, "suspend")
        assert bar.message.text() == f"{label}号已挂起"
    assert bar.model.window["suspended"] == labels[:3]
    assert "call_back" in enabled(bar)
    click(qtbot, bar.buttons["call_back"])
    dialog = bar.dialog
    assert isinstance(dialog, PickDialog) and dialog.list.count() == 3
    pick(qtbot, bar, labels[1], "call_back")
    assert bar.ticket.text() == labels[1] and bar.message.text() == f"已回呼 {labels[1]}号"
    assert "call_back" not in enabled(bar)  # busy with it
    finish(qtbot, bar)
    assert bar.model.window["suspended"] == [labels[0], labels[2]]
    # one of them is cancelled at the desk meanwhile: the server refuses the call back
    click(qtbot, bar.buttons["call_back"])
    kiosk.admin("cancel", ticket=labels[2], reason="群众已离开")
    pick(qtbot, bar, labels[2], "call_back")
    assert (
        bar.message.text().startswith(f"{labels[2]}号当前状态为") and bar.message_level == "error"
    )
    qtbot.waitUntil(lambda: bar.model.window["suspended"] == [labels[0]])
    click(qtbot, bar.buttons["call_back"])
    pick(qtbot, bar, labels[0], "call_back")
    assert bar.ticket.text() == labels[0]


def send_key(widget: Any, key: Qt.Key, press: bool = True, repeat: bool = False) -> None:
    kind = QEvent.Type.KeyPress if press else QEvent.Type.KeyRelease
    QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, "", repeat))


def test_shortcuts_and_a_held_key(callers: Callers, kiosk: Kiosk, qtbot: Any) -> None:
    bar = callers(3).bar
    login(qtbot, bar, "s001")
    labels = kiosk.issue_many(3)
    qtbot.waitUntil(lambda: len(bar.model.waiting) == 3)
    bar.setFocus()
    sent: list[str] = []
    bar.hub.replied.connect(lambda rid, _r: sent.append(rid))
    # F1 held down: one press, then the keyboard's auto-repeat, then the release
    with qtbot.waitSignal(bar.shown, timeout=8000):
        send_key(bar, Qt.Key.Key_F1)
        for _ in range(25):
            send_key(bar, Qt.Key.Key_F1, repeat=True)
    for _ in range(10):  # a keypad that repeats presses without releasing
        send_key(bar, Qt.Key.Key_F1)
    qtbot.wait(300)  # no shown signal may follow: give a stray reply the time to come
    send_key(bar, Qt.Key.Key_F1, press=False)
    assert bar.ticket.text() == labels[0]
    assert bar.waiting_labels() == labels[1:]
    # F2 重呼, F4 开始办理, F5 办结 opens the question
    with qtbot.waitSignal(bar.shown, timeout=8000):
        qtbot.keyClick(bar, Qt.Key.Key_F2)
    assert bar.recalls.text() == "重呼 1/3"
    with qtbot.waitSignal(bar.shown, timeout=8000):
        qtbot.keyClick(bar, Qt.Key.Key_F4)
    assert bar.state.text() == "办理中"
    qtbot.keyClick(bar, Qt.Key.Key_F5)
    assert isinstance(bar.dialog, FinishDialog) and bar.dialog.isVisible()
    qtbot.keyClick(bar, Qt.Key.Key_F1)  # a shortcut under an open dialog does nothing
    with qtbot.waitSignal(bar.shown, timeout=8000):
        click(qtbot, bar.dialog.done_button)
    # F1 pressed again after the release: the next one
    with qtbot.waitSignal(bar.shown, timeout=8000):
        qtbot.keyClick(bar, Qt.Key.Key_F1)
    assert bar.ticket.text() == labels[1]
    # a key for an action that does not apply (F11 恢复服务 while calling) sends nothing
    qtbot.keyClick(bar, Qt.Key.Key_F11)
    assert not bar.gate.busy


def test_server_restart_mid_service(
    callers: Callers, kiosk: Kiosk, hall_server: ServerProcess, qtbot: Any
) -> None:
    bar = callers(3).bar
    login(qtbot, bar, "s001")
    labels = kiosk.issue_many(3)
    qtbot.waitUntil(lambda: len(bar.model.waiting) == 3)
    press_and_wait(qtbot, bar, "call_next")
    press_and_wait(qtbot, bar, "start")
    hall_server.kill()  # a crash, mid-service
    qtbot.waitUntil(lambda: bar.banner.isVisible(), timeout=10000)
    assert enabled(bar) == set() and "连接中断" in bar.banner.text()
    qtbot.keyClick(bar, Qt.Key.Key_F5)  # nothing opens, nothing is queued
    assert bar.dialog is None and not bar.gate.busy
    hall_server.start()
    qtbot.waitUntil(lambda: not bar.banner.isVisible(), timeout=15000)
    qtbot.waitUntil(lambda: bar.state.text() == "办理中")
    assert bar.ticket.text() == labels[0]  # the server's ticket, which survived
    finish(qtbot, bar)
    # a press whose reply is lost with the server: resent with its id, one call at most
    click(qtbot, bar.buttons["call_next"])
    hall_server.kill()
    hall_server.start()
    qtbot.waitUntil(lambda: not bar.gate.busy, timeout=15000)
    qtbot.waitUntil(lambda: bar.hub.is_connected and bar.state.text() == "叫号中", timeout=15000)
    assert bar.ticket.text() == labels[1]
    called = db_rows(hall_server, "SELECT label FROM tickets WHERE status = 'called'")
    assert called == [(labels[1],)]
