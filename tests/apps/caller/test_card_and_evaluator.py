"""办结 and the case: the question, the 续办服务卡 printed on the window printer and decoded, or
shown as a QR on the evaluator; a card scanned at the window; the 好差评 screen (一次一评, no
preselection, nothing the clerk can press, the timeout)."""

from __future__ import annotations

import time
from typing import Any

from apps.caller.clerk import (
    Callers,
    Kiosk,
    caller_config,
    click,
    db_rows,
    login,
    press_and_wait,
    scan,
)
from hub.conftest import ServerProcess
from PySide6.QtCore import Qt

from caller.app import build
from caller.dialogs import FinishDialog
from caller.rating import ASKING, IDLE, REASONS, THANKS
from hardware.virtual_printer import VirtualPrinterServer


def open_finish(qtbot: Any, bar: Any) -> FinishDialog:
    click(qtbot, bar.buttons["finish"])
    dialog = bar.dialog
    assert isinstance(dialog, FinishDialog) and dialog.isVisible()
    return dialog


def issue_card(qtbot: Any, bar: Any, extra: str = "", untick: str = "") -> FinishDialog:
    """办结 → 需再次前来 → (tips) → 发卡并办结; returns when the finish is on the bar."""
    dialog = open_finish(qtbot, bar)
    assert dialog.card.isHidden()  # asked once, quickly: the card part only when wanted
    click(qtbot, dialog.again_button)
    assert not dialog.card.isHidden()
    if untick:
        (box,) = [b for b in dialog.tips if b.text() == untick]
        assert box.isChecked()  # every offered tip starts ticked
        click(qtbot, box)
        assert not box.isChecked()
    if extra:
        dialog.free.insert(extra)
    with qtbot.waitSignal(bar.shown, timeout=8000, check_params_cb=lambda a: a == "finish"):
        click(qtbot, dialog.issue)
    return dialog


def test_a_card_printed_decoded_and_scanned_back(
    callers: Callers,
    kiosk: Kiosk,
    printer: VirtualPrinterServer,
    hall_server: ServerProcess,
    qtbot: Any,
) -> None:
    bar = callers(3, printer=printer.url).bar
    login(qtbot, bar, "s001")
    ticket = kiosk.issue(matter="qysl")
    qtbot.waitUntil(lambda: bool(bar.model.waiting))
    press_and_wait(qtbot, bar, "call_next")
    press_and_wait(qtbot, bar, "start")
    dialog = issue_card(qtbot, bar, extra="请加盖公章", untick="名称自主申报结果请打印后一并带来")
    # the hall's tips for 企业设立登记, then the window's own, then the clerk's free text
    assert dialog.selected_tips() == [
        "请带齐补正材料原件",
        "公司章程须全体股东签字",
        "请携带本卡",
        "请加盖公章",
    ]
    assert bar.ticket.text() == "—" and bar.message.text().startswith(f"{ticket['label']}号已办结")
    assert printer.printer.wait_for(1, timeout=10)
    receipt = printer.printer.receipts[0]
    text = receipt.text
    for part in (
        "王丽",
        "0574-62711001",
        "3",
        "请带齐补正材料原件",
        "公司章程须全体股东签字",
        "请携带本卡",
        "请加盖公章",
    ):
        assert part in text, (part, text)
    assert "名称自主申报" not in text  # unticked: not printed
    qtbot.waitUntil(lambda: bar.message.text().startswith("续办服务卡已打印"))
    card_label = bar.message.text().split("：")[-1]
    ((code, number),) = db_rows(hall_server, "SELECT code, number FROM cards")
    assert card_label == f"XB{number:06d}" and card_label in text
    assert receipt.qr_payloads == [code]
    # 需再次前来: the case stays open (the card is not closed by this finish)
    assert db_rows(hall_server, "SELECT closed_at FROM cards WHERE code = ?", code) == [(None,)]
    # the citizen comes back: the clerk scans the card, it is redeemed and called here at once
    with qtbot.waitSignal(bar.shown, timeout=8000, check_params_cb=lambda a: a == "redeem"):
        scan(qtbot, bar, code)
    assert bar.kind.text() == "续办" and bar.state.text() == "叫号中"
    assert bar.message.text() == f"续办服务卡已受理，已呼叫 {bar.ticket.text()}号"
    # this time the case is done: 办结 closes the card; scanning it again is refused
    dialog = open_finish(qtbot, bar)
    with qtbot.waitSignal(bar.shown, timeout=8000):
        click(qtbot, dialog.done_button)
    assert db_rows(hall_server, "SELECT closed_at IS NOT NULL FROM cards WHERE code = ?", code) == [
        (1,)
    ]
    with qtbot.waitSignal(bar.shown, timeout=8000):
        scan(qtbot, bar, code)
    assert bar.message.text() == "该事项已办结，续办服务卡已失效"


def test_a_card_without_printer_is_a_qr_on_the_evaluator(
    callers: Callers, kiosk: Kiosk, hall_server: ServerProcess, qtbot: Any
) -> None:
    app = callers(3, evaluator=True)
    bar, screen = app.bar, app.evaluator
    assert bar is not None and screen is not None
    login(qtbot, bar, "s001")
    kiosk.issue(matter="qybg")
    qtbot.waitUntil(lambda: bool(bar.model.waiting))
    press_and_wait(qtbot, bar, "call_next")
    issue_card(qtbot, bar)
    qtbot.waitUntil(lambda: screen.state == ASKING and not screen.card_box.isHidden())
    (code,) = db_rows(hall_server, "SELECT code FROM cards")[0]
    assert screen.card_qr.payload == code
    assert "王丽" in screen.card_text.text() and "0574-62711001" in screen.card_text.text()
    assert bar.message.text().endswith("续办服务卡已显示在评价屏上：" + screen.flow.card["label"])


def test_the_evaluator_one_rating_no_preselection_no_clerk(
    callers: Callers, kiosk: Kiosk, hall_server: ServerProcess, qtbot: Any
) -> None:
    app = callers(3, evaluator=True, timeout=1.5)
    bar, screen = app.bar, app.evaluator
    assert bar is not None and screen is not None
    # idle: the window, nobody logged in
    assert screen.state == IDLE and "3号窗口" in screen.idle_window.text()
    assert screen.idle_staff.text() == "本窗口暂未开放"
    login(qtbot, bar, "s001")
    labels = kiosk.issue_many(3)
    qtbot.waitUntil(
        lambda: "王丽" in screen.idle_staff.text() and "s001" in screen.idle_staff.text()
    )
    qtbot.waitUntil(lambda: len(bar.model.waiting) == 3)
    press_and_wait(qtbot, bar, "call_next")
    qtbot.waitUntil(lambda: screen.idle_ticket.text() == f"正在办理：{labels[0]}号")
    assert not hasattr(bar, "rate") and "evaluate" not in bar.buttons  # the clerk cannot rate
    dialog = open_finish(qtbot, bar)
    with qtbot.waitSignal(bar.shown, timeout=8000):
        click(qtbot, dialog.done_button)
    qtbot.waitUntil(lambda: screen.state == ASKING)
    assert screen.question.text() == "请对本次服务进行评价"
    assert "王丽" in screen.staff.text() and "s001" in screen.staff.text()
    texts = [b.text() for b in screen.levels.values()]
    assert texts[0].startswith("非常满意") and texts[0].endswith("★★★★★")
    assert texts[-1].startswith("非常不满意") and texts[-1].endswith("★☆☆☆☆")
    # no level preselected, none can take the keyboard, keys rate nothing
    for button in screen.levels.values():
        assert not button.isChecked() and not button.isDefault() and not button.autoDefault()
        assert button.focusPolicy() == Qt.FocusPolicy.NoFocus
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Space, Qt.Key.Key_5, Qt.Key.Key_1, Qt.Key.Key_Enter):
        qtbot.keyClick(screen, key)
    assert screen.sent == [] and screen.state == ASKING
    # the citizen touches 满意 — and again: one evaluate
    with qtbot.waitSignal(screen.hub.replied, timeout=8000):
        click(qtbot, screen.levels[4])
    click(qtbot, screen.levels[5])
    assert screen.sent == [{"ticket": bar.model.last_finished["id"], "level": 4}]
    qtbot.waitUntil(lambda: screen.state == THANKS)
    assert screen.thanks.text() == "感谢您的评价！"
    qtbot.waitUntil(lambda: screen.state == IDLE, timeout=5000)
    assert db_rows(hall_server, "SELECT rating FROM tickets WHERE label = ?", labels[0]) == [(4,)]
    qtbot.waitUntil(lambda: bar.model.day.ratings == {4: 1})
    # the next citizen does not rate: after the timeout, idle and 未评价 (nothing recorded)
    press_and_wait(qtbot, bar, "call_next")
    dialog = open_finish(qtbot, bar)
    with qtbot.waitSignal(bar.shown, timeout=8000):
        click(qtbot, dialog.done_button)
    qtbot.waitUntil(lambda: screen.state == ASKING)
    qtbot.waitUntil(lambda: screen.state == IDLE, timeout=5000)
    assert len(screen.sent) == 1
    assert db_rows(hall_server, "SELECT rating FROM tickets WHERE label = ?", labels[1]) == [
        (None,)
    ]
    # my day on the panel
    click(qtbot, bar.expand)
    assert not bar.panel.isHidden()
    assert bar.day.text().startswith("已办 2 件") and "评价 1 次" in bar.day.text()
    assert "满意率 100%" in bar.day.text()
    # in hall minutes: a demo hall's (``policy.demo_speed``) run faster than the real ones
    assert bar.hall["hall"]["demo_speed"] == 1
    day = bar.model.day
    assert day.timed == 2 and day.service_seconds > 0  # both visits timed, call to finish
    bar.model.day.service_seconds, bar.model.day.timed = 3 * 30.0, 2  # 45 s each, say
    bar.refresh()
    assert "平均 0.8 分钟" in bar.day.text()
    bar.hall["hall"]["demo_speed"] = 60
    bar.refresh()
    assert "平均 45.0 分钟" in bar.day.text()
    # and so do the clocks of the ticket at the window: a demo citizen served for 30 real
    # seconds has been at the window half an hour of the hall's
    press_and_wait(qtbot, bar, "call_next")
    press_and_wait(qtbot, bar, "start")
    ticket = bar.model.ticket
    assert ticket is not None and ticket.get("issued_at")
    bar.model.started_local = time.time() - 30
    ticket["started_at"], ticket["called_at"] = None, float(ticket["issued_at"]) + 2.5
    bar.refresh()
    assert bar.waited.text() == "等候 02:30" and bar.timer.text().startswith("办理 30:0")
    bar.hall["hall"]["demo_speed"] = 1
    bar.refresh()
    assert bar.waited.text() == "等候 00:02" and bar.timer.text().startswith("办理 00:3")


def test_a_standalone_evaluator_and_a_rating_given_elsewhere(
    callers: Callers, kiosk: Kiosk, hall_server: ServerProcess, app_hall: Any, qtbot: Any
) -> None:
    """``onetrip caller --evaluator``: the screen alone, on its own connection; a ticket the
    bridge's hardware evaluator rated first is thanked, not rated twice."""
    bar = callers(3).bar
    login(qtbot, bar, "s001")
    alone = build(caller_config(app_hall, hall_server.url, 3), evaluator_only=True)
    callers.made.append(alone)
    screen = alone.evaluator
    assert alone.bar is None and screen is not None
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: alone.hub.is_connected and "王丽" in screen.idle_staff.text())
    kiosk.issue()
    qtbot.waitUntil(lambda: bool(bar.model.waiting))
    press_and_wait(qtbot, bar, "call_next")
    dialog = open_finish(qtbot, bar)
    with qtbot.waitSignal(bar.shown, timeout=8000):
        click(qtbot, dialog.done_button)
    qtbot.waitUntil(lambda: screen.state == ASKING)
    kiosk.admin("evaluate", window=3, level=5)  # the hardware evaluator was quicker
    qtbot.waitUntil(lambda: bool(screen.reason_buttons))
    click(qtbot, screen.levels[2])  # 不满意: its reasons first
    click(qtbot, screen.reason_buttons["等候时间长"])
    with qtbot.waitSignal(screen.hub.failed, timeout=8000):
        click(qtbot, screen.submit_button)
    qtbot.waitUntil(lambda: screen.state == THANKS)
    rows = db_rows(hall_server, "SELECT rating FROM tickets WHERE status = 'done'")
    assert rows == [(5,)]


def test_english_and_a_staff_photo(
    callers: Callers, kiosk: Kiosk, tmp_path: Any, qtbot: Any
) -> None:
    from PySide6.QtGui import QColor, QImage

    photo = QImage(120, 160, QImage.Format.Format_RGB32)
    photo.fill(QColor("#336699"))
    assert photo.save(str(tmp_path / "s001.png"))
    app = callers(3, evaluator=True, lang="en", photos=str(tmp_path))
    bar, screen = app.bar, app.evaluator
    assert bar is not None and screen is not None
    assert bar.state.text() == "Logged out" and bar.buttons["call_next"].text() == "Call next"
    login(qtbot, bar, "s001", "000000")
    assert bar.message.text() == "Wrong staff id or PIN"  # the server's English message
    login(qtbot, bar, "s001")
    assert bar.state.text() == "Idle"
    qtbot.waitUntil(
        lambda: screen.idle_photo.pixmap() is not None and not screen.idle_photo.pixmap().isNull()
    )
    assert screen.idle_photo.pixmap().height() == 160
    assert "Served by" in screen.idle_staff.text()


def test_a_poor_rating_with_reasons_and_a_good_one_without(
    callers: Callers, kiosk: Kiosk, hall_server: ServerProcess, qtbot: Any
) -> None:
    """不满意 / 非常不满意: the hall's reasons offered, two ticked, 提交 — the ``rated`` event in
    the database carries them; 非常满意 offers none; 重新选择 and 跳过."""
    import json

    app = callers(3, evaluator=True)
    bar, screen = app.bar, app.evaluator
    assert bar is not None and screen is not None
    login(qtbot, bar, "s001")
    labels = kiosk.issue_many(3)
    qtbot.waitUntil(lambda: len(bar.model.waiting) == 3)
    qtbot.waitUntil(lambda: len(screen.reason_buttons) == 6)  # the hall config's list

    def finish_one() -> None:
        press_and_wait(qtbot, bar, "call_next")
        dialog = open_finish(qtbot, bar)
        with qtbot.waitSignal(bar.shown, timeout=8000):
            click(qtbot, dialog.done_button)
        qtbot.waitUntil(lambda: screen.state == ASKING)

    def rated(label: str) -> dict[str, Any]:
        (payload,) = db_rows(
            hall_server,
            "SELECT e.payload FROM events e JOIN tickets t ON t.id = e.ticket "
            "WHERE e.type = 'rated' AND t.label = ?",
            label,
        )[0]
        return json.loads(payload)

    # 1. 非常不满意 → the reasons page; 重新选择 goes back; then 非常不满意 again, two reasons
    finish_one()
    click(qtbot, screen.levels[1])
    assert screen.state == REASONS and screen.stack.currentWidget() is screen.reasons_page
    assert screen.sent == []
    assert "非常不满意" in screen.reasons_level.text()
    assert [b.text() for b in screen.reason_buttons.values()][:2] == ["等候时间长", "服务态度不好"]
    for button in screen.reason_buttons.values():
        assert not button.isChecked() and button.focusPolicy() == Qt.FocusPolicy.NoFocus
    click(qtbot, screen.reason_buttons["办事效率低"])
    click(qtbot, screen.back_button)
    assert screen.state == ASKING and screen.sent == []
    click(qtbot, screen.levels[1])
    assert not screen.reason_buttons["办事效率低"].isChecked()  # a fresh choice
    click(qtbot, screen.reason_buttons["需要多次跑动"])
    click(qtbot, screen.reason_buttons["等候时间长"])
    ticked = screen.reason_buttons["等候时间长"]
    assert ticked.isChecked() and ticked.text() == "✓ 等候时间长"  # marked, not by colour alone
    qtbot.keyClick(screen, Qt.Key.Key_Return)  # keys submit nothing
    assert screen.sent == []
    with qtbot.waitSignal(screen.hub.replied, timeout=8000):
        click(qtbot, screen.submit_button)
    click(qtbot, screen.submit_button)  # once
    assert screen.sent == [
        {
            "ticket": bar.model.last_finished["id"],
            "level": 1,
            "reasons": ["等候时间长", "需要多次跑动"],
        }
    ]
    qtbot.waitUntil(lambda: screen.state == THANKS)
    assert rated(labels[0])["level"] == 1
    assert rated(labels[0])["reasons"] == ["等候时间长", "需要多次跑动"]
    qtbot.waitUntil(lambda: screen.state == IDLE, timeout=5000)

    # 2. 非常满意: sent at once, no reasons offered
    finish_one()
    with qtbot.waitSignal(screen.hub.replied, timeout=8000):
        click(qtbot, screen.levels[5])
    assert screen.stack.currentWidget() is not screen.reasons_page
    assert screen.sent[-1] == {"ticket": bar.model.last_finished["id"], "level": 5}
    qtbot.waitUntil(lambda: screen.state == THANKS)
    assert rated(labels[1])["reasons"] == []
    qtbot.waitUntil(lambda: screen.state == IDLE, timeout=5000)

    # 3. 不满意, then 跳过: the level alone
    finish_one()
    click(qtbot, screen.levels[2])
    click(qtbot, screen.reason_buttons["服务态度不好"])
    with qtbot.waitSignal(screen.hub.replied, timeout=8000):
        click(qtbot, screen.skip_button)
    assert screen.sent[-1] == {"ticket": bar.model.last_finished["id"], "level": 2}
    qtbot.waitUntil(lambda: screen.state == THANKS)  # the evaluate's reply (not the hall's)
    assert rated(labels[2])["level"] == 2 and rated(labels[2])["reasons"] == []
    assert db_rows(hall_server, "SELECT label, rating FROM tickets ORDER BY label") == [
        (labels[0], 1),
        (labels[1], 5),
        (labels[2], 2),
    ]


def test_reasons_the_hall_dropped_meanwhile_keep_the_rating(tmp_path: Any, qtbot: Any) -> None:
    """The hall's list changes (a reload) while a citizen ticks a reason it no longer has: the
    server refuses the reasons, the evaluator sends the level alone — the rating is not lost."""
    import json

    from hub.conftest import _write

    files = _write(tmp_path / "hall")
    server = ServerProcess(files, tmp_path / "hall.db").start()
    made = Callers(files, server, qtbot)
    try:
        kiosk = Kiosk(files, server.url)
        app = made(3, evaluator=True)
        bar, screen = app.bar, app.evaluator
        assert bar is not None and screen is not None
        login(qtbot, bar, "s001")
        (label,) = kiosk.issue_many(1)
        qtbot.waitUntil(lambda: len(bar.model.waiting) == 1)
        press_and_wait(qtbot, bar, "call_next")
        dialog = open_finish(qtbot, bar)
        with qtbot.waitSignal(bar.shown, timeout=8000):
            click(qtbot, dialog.done_button)
        qtbot.waitUntil(lambda: screen.state == ASKING and len(screen.reason_buttons) == 6)
        click(qtbot, screen.levels[1])
        click(qtbot, screen.reason_buttons["等候时间长"])
        text = files.config_path.read_text(encoding="utf-8")
        files.config_path.write_text(
            text.replace('rating_reasons = ["等候时间长", ', "rating_reasons = ["), encoding="utf-8"
        )
        assert kiosk.admin("reload")["reloaded"]
        with qtbot.waitSignal(screen.hub.replied, timeout=8000):
            click(qtbot, screen.submit_button)
        qtbot.waitUntil(lambda: screen.state == THANKS)
        tid = bar.model.last_finished["id"]
        assert screen.sent == [
            {"ticket": tid, "level": 1, "reasons": ["等候时间长"]},
            {"ticket": tid, "level": 1},
        ]
        ((payload,),) = db_rows(server, "SELECT payload FROM events WHERE type = 'rated'")
        assert json.loads(payload)["level"] == 1 and json.loads(payload)["reasons"] == []
        assert db_rows(server, "SELECT rating FROM tickets WHERE label = ?", label) == [(1,)]
        # the next question offers the hall's new list
        qtbot.waitUntil(lambda: screen.state == IDLE, timeout=5000)
        kiosk.issue_many(1)
        qtbot.waitUntil(lambda: len(bar.model.waiting) == 1)
        press_and_wait(qtbot, bar, "call_next")
        dialog = open_finish(qtbot, bar)
        with qtbot.waitSignal(bar.shown, timeout=8000):
            click(qtbot, dialog.done_button)
        qtbot.waitUntil(lambda: len(screen.reason_buttons) == 5)
        assert "等候时间长" not in screen.reason_buttons
    finally:
        made.close()
        server.kill()
