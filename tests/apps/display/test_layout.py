"""Layouts measured: at 1920×1080, 3840×2160 and portrait, with a busy morning of a real
server on the board, every part lies inside the screen and every text is shown whole; the
number being called is at least 8 % of the screen's height and large enough for 10 m."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from display.hallboard import HallBoard, WindowChip
from display.sizes import SCREENS as SIZES
from display.sizes import WINDOW_SCREEN
from display.stage import Stage, morning
from display.widgets import Text
from display.windowscreen import WindowScreen
from shared import eventloop

WAIT = 10_000


@pytest.fixture(scope="module")
def busy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    stage = Stage(Path(tmp_path_factory.mktemp("busy"))).start()
    eventloop.run(morning(stage))
    yield stage
    stage.stop()


def outside(widget, top) -> list[str]:
    """The visible parts of ``top`` that reach outside it, or whose text is cut."""
    bad = []
    screen = top.rect()
    for child in [*top.findChildren(Text), *top.findChildren(WindowChip)]:
        if not child.isVisible():
            continue
        rect = child.geometry()
        rect.moveTopLeft(child.mapTo(top, child.rect().topLeft()))
        if not screen.contains(rect):
            bad.append(f"{child.full!r} at {rect} is off the {screen.size()} screen")
        metrics = child.fontMetrics()
        if isinstance(child, Text) and child.full and child.height() < child.px * 1.15:
            bad.append(f"{child.full!r}: {child.height()} px high for a {child.px} px font")
        for line in child.text().split("\n"):
            if metrics.horizontalAdvance(line) > child.contentsRect().width():
                bad.append(f"{line!r} is wider than its {child.contentsRect().width()} px")
    return bad


@pytest.mark.parametrize("name", list(SIZES))
def test_hall_board_fits_every_screen(qtbot, busy, displays, tmp_path, name):
    width, height, inches = SIZES[name]
    app = displays(busy.url, busy.tokens, size=SIZES[name])
    board = app.widget
    assert isinstance(board, HallBoard)
    qtbot.waitUntil(lambda: board.number.full == "A002" and bool(board.zone_rows), timeout=WAIT)
    qtbot.waitUntil(lambda: app.info.get("timezone") == "Asia/Shanghai", timeout=WAIT)
    qtbot.wait(50)  # the layout settles
    assert (board.width(), board.height()) == (width, height)
    assert outside(board, board) == []
    # everything the hall must see is there, whole
    assert board.number.fits() and board.call_line.fits() and board.name.fits()
    assert [r.number.full for r in board.rows if r.number.full][:3] == ["B005", "B004", "B003"]
    assert all(r.number.fits() and r.window.fits() for r in board.rows)
    assert len(board.chips) == 20 and all(c.text().split("\n")[0] == c.full.split("\n")[0]
                                          for c in board.chips.values())  # fmt: skip
    assert board.notice.isVisible() and board.notice.geometry().bottom() < height
    # the number: ≥ 8 % of the height, and large on the glass (10 m: about 58 mm digits)
    assert board.number.px >= 0.08 * height
    units = app.widget.sizes
    assert units.number == board.number.px
    mm = board.number.px * 25.4 / (((width**2 + height**2) ** 0.5) / inches)
    assert mm >= 60, f'the number is {mm:.0f} mm on a {inches}" screen'


def test_window_screen_fits(qtbot, busy, displays):
    app = displays(busy.url, busy.tokens, mode="window", window=2, size=WINDOW_SCREEN)
    screen = app.widget
    assert isinstance(screen, WindowScreen)
    qtbot.waitUntil(lambda: screen.number.full == "A002", timeout=WAIT)
    assert screen.staff_name.full == "陈建国" and screen.staff_id.full == "工号 s002"
    assert outside(screen, screen) == []
    assert screen.number.px >= 0.25 * 800


def test_window_screen_shows_the_pause_reason(qtbot, busy, displays):
    app = displays(busy.url, busy.tokens, mode="window", window=10, size=WINDOW_SCREEN)
    screen = app.widget
    qtbot.waitUntil(lambda: screen.state.full == "暂停服务：午间轮休", timeout=WAIT)
    assert screen.number.full == ""
    assert outside(screen, screen) == []


def test_the_clock_is_the_halls(qtbot, busy, displays):
    app = displays(busy.url, busy.tokens)
    board = app.widget
    qtbot.waitUntil(lambda: bool(app.info), timeout=WAIT)
    from datetime import datetime
    from zoneinfo import ZoneInfo

    hall_now = datetime.fromtimestamp(time.time(), ZoneInfo("Asia/Shanghai"))
    shown = datetime.strptime(board.time.full, "%H:%M:%S").replace(
        year=hall_now.year, month=hall_now.month, day=hall_now.day, tzinfo=hall_now.tzinfo
    )
    assert (
        abs((shown - hall_now).total_seconds()) < 5
        or abs((shown - hall_now).total_seconds()) > 86_000
    )  # just past midnight
    assert board.hours_label.full == "今日办公 00:00-24:00"


def test_window_screen_shows_the_staff_photo(qtbot, busy, displays, tmp_path):
    from PySide6.QtGui import QColor, QPixmap

    photos = tmp_path / "photos"
    photos.mkdir()
    picture = QPixmap(120, 160)
    picture.fill(QColor("#88AACC"))
    assert picture.save(str(photos / "s003.png"))
    app = displays(busy.url, busy.tokens, mode="window", window=3, size=WINDOW_SCREEN,
                   photos=photos)  # fmt: skip
    screen = app.widget
    qtbot.waitUntil(lambda: screen.staff_name.full == "李娜", timeout=WAIT)
    assert screen.photo.isVisible() and not screen.photo.pixmap().isNull()
    assert screen.state.full == "办理中 A003"
    assert outside(screen, screen) == []
