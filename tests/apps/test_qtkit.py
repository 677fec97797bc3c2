"""What the apps share: physical units, the theme's contrast, the CJK font, the keypad, the QR
widget, the wedge scanner and the connection banner, driven as a person would."""

from __future__ import annotations

import os
import pty

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QVBoxLayout, QWidget

from qtkit.banner import ConnectionBanner
from qtkit.fonts import has_hanzi
from qtkit.hubclient import QtHubClient
from qtkit.keypad import Keypad
from qtkit.qr import QUIET, QrWidget, qr_matrix
from qtkit.scanner import WedgeScanner
from qtkit.theme import PALETTE, READ_PAIRS, Sizes, contrast
from qtkit.units import Units


# --- units and theme -----------------------------------------------------------------------
def test_units_follow_the_glass_not_the_pixels() -> None:
    # A 21.5" and a 32" kiosk, both 1920×1080: the same 15 mm is more pixels on the smaller.
    small = Units.from_diagonal(21.5, 1920, 1080)
    large = Units.from_diagonal(32, 1920, 1080)
    assert round(small.px_per_inch, 1) == 102.5 and round(large.px_per_inch, 1) == 68.8
    assert small.mm(15) == 61 and large.mm(15) == 41
    assert Units(160).dp(60) == 60 and Units(320).dp(60) == 120
    assert Units(96).pt(18) == 24  # 18 pt is a quarter inch
    assert abs(small.to_mm(small.mm(15)) - 15) < 0.3
    assert Units(96, 1080, 1920).portrait and not small.portrait
    with pytest.raises(ValueError):
        Units(0)


@pytest.mark.parametrize("pair", READ_PAIRS)
def test_every_text_colour_reaches_4_5_to_1(pair: tuple[str, str]) -> None:
    fg, bg = (getattr(PALETTE, name) for name in pair)
    assert contrast(fg, bg) >= 4.5, pair


def test_contrast_is_wcag() -> None:
    assert round(contrast("#000000", "#FFFFFF"), 1) == 21.0
    assert contrast("#777777", "#777777") == 1.0


def test_elderly_sizes_meet_the_spec_on_a_kiosk() -> None:
    units = Units.from_diagonal(21.5, 1920, 1080)
    sizes = Sizes.for_units(units, elderly=True)
    assert units.to_dp(sizes.body) >= 18 and units.to_dp(sizes.heading) >= 30
    assert units.to_dp(sizes.target) >= 60 and units.to_mm(sizes.target) >= 15
    assert units.to_mm(sizes.body) >= 6.3  # 18 pt
    normal = Sizes.for_units(units)
    assert sizes.body > normal.body and sizes.target > normal.target
    assert units.to_dp(normal.target) >= 60  # the spec's 60 dp holds outside elderly mode too


# --- font ----------------------------------------------------------------------------------
def test_the_app_font_draws_hanzi(qapp: QApplication) -> None:
    family = QApplication.font().family()
    assert has_hanzi(family), family
    assert not has_hanzi("DejaVu Sans") or family != "DejaVu Sans"


# --- keypad --------------------------------------------------------------------------------
def test_keypad_taps_make_a_masked_pin(qtbot) -> None:
    pad = Keypad(masked=True, max_length=6)
    qtbot.addWidget(pad)
    pad.show()
    for key in "12345":
        qtbot.mouseClick(pad.keys[key], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(pad.keys["back"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(pad.keys["9"], Qt.MouseButton.LeftButton)
    assert pad.display.text() == "●●●●●"
    with qtbot.waitSignal(pad.accepted) as got:
        qtbot.mouseClick(pad.keys["ok"], Qt.MouseButton.LeftButton)
    assert got.args == ["12349"]
    assert pad.keys["ok"].text() == "确定" and pad.keys["back"].text() == "删除"


def test_keypad_takes_a_keyboards_digits_and_stops_at_its_length(qtbot) -> None:
    pad = Keypad(max_length=4)
    qtbot.addWidget(pad)
    pad.show()
    pad.setFocus()
    qtbot.keyClicks(pad, "123456")
    assert pad.entry == "1234" and pad.display.text() == "1234"
    with qtbot.waitSignal(pad.accepted) as got:
        qtbot.keyClick(pad, Qt.Key.Key_Return)
    assert got.args == ["1234"]


def test_keypad_ok_with_nothing_typed_does_nothing(qtbot) -> None:
    pad = Keypad()
    qtbot.addWidget(pad)
    with qtbot.assertNotEmitted(pad.accepted):
        qtbot.mouseClick(pad.keys["ok"], Qt.MouseButton.LeftButton)


# --- QR ------------------------------------------------------------------------------------
def test_qr_widget_paints_the_payloads_modules(qtbot) -> None:
    url = "http://hall.example/t/ABCD2345"
    widget = QrWidget(url)
    qtbot.addWidget(widget)
    widget.resize(300, 300)
    image: QImage = widget.grab().toImage()
    left, top, module = widget.module_rect()
    matrix = qr_matrix(url)
    assert widget.matrix == matrix and module >= 3
    half = module // 2
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            pixel = image.pixelColor(left + x * module + half, top + y * module + half)
            assert (pixel.lightness() < 128) == dark, (x, y)
    # the quiet zone is white
    assert image.pixelColor(left - QUIET * module // 2, top + module).lightness() > 200


# --- scanner -------------------------------------------------------------------------------
def _screen_without_field(qtbot) -> QWidget:
    screen = QWidget()
    QVBoxLayout(screen).addWidget(QLabel("请扫描续办服务卡"))
    qtbot.addWidget(screen)
    screen.show()
    screen.activateWindow()
    screen.setFocus()
    return screen


def test_a_wedge_burst_is_a_scan_on_a_screen_with_no_field(qtbot) -> None:
    screen = _screen_without_field(qtbot)
    scanner = WedgeScanner(min_length=6)
    try:
        with qtbot.waitSignal(scanner.scanned, timeout=2000) as got:
            qtbot.keyClicks(screen, "OT1.XB20261122-0007.abc")
            qtbot.keyClick(screen, Qt.Key.Key_Return)
        assert got.args == ["OT1.XB20261122-0007.abc"]
    finally:
        scanner.close()


def test_slow_typing_is_not_a_scan(qtbot) -> None:
    screen = _screen_without_field(qtbot)
    ticks = iter(i * 0.5 for i in range(100))  # half a second between keys: a person
    scanner = WedgeScanner(min_length=3, clock=lambda: next(ticks))
    try:
        with qtbot.assertNotEmitted(scanner.scanned):
            qtbot.keyClicks(screen, "12345")
            qtbot.keyClick(screen, Qt.Key.Key_Return)
    finally:
        scanner.close()


def test_a_burst_into_a_text_field_still_reaches_the_field(qtbot) -> None:
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    field.setFocus()
    scanner = WedgeScanner(min_length=6)
    try:
        with qtbot.waitSignal(scanner.scanned, timeout=2000):
            qtbot.keyClicks(field, "CODE-123456")
            qtbot.keyClick(field, Qt.Key.Key_Return)
        assert field.text() == "CODE-123456"  # a field in focus keeps what is typed
    finally:
        scanner.close()


def test_a_serial_scanner_reaches_the_ui_thread(qtbot) -> None:
    master, slave = pty.openpty()
    scanner = WedgeScanner()
    try:
        # pyserial empties the input when it opens the port: scan once it is open
        assert scanner.use_serial(os.ttyname(slave)).wait_connected(5)
        with qtbot.waitSignal(scanner.scanned, timeout=5000) as got:
            os.write(master, b"OT1.CARD-0001.sig\r\n")
        assert got.args == ["OT1.CARD-0001.sig"]
    finally:
        scanner.close()
        os.close(master)
        os.close(slave)


# --- banner against a real server ------------------------------------------------------
def test_banner_shows_while_the_server_is_down(qtbot, hall_server, app_hall) -> None:
    client = QtHubClient(
        hall_server.url,
        device="kiosk-1",
        token=app_hall.tokens["kiosk-1"],
        backoff=(0.05, 0.3),
    )
    banner = ConnectionBanner()
    qtbot.addWidget(banner)
    client.connection.connect(banner.set_connected)
    try:
        with qtbot.waitSignal(client.connection, timeout=5000):
            client.start()
        assert banner.isHidden()
        with qtbot.waitSignal(client.connection, timeout=5000) as lost:
            hall_server.kill()
        assert lost.args == [False] and banner.isVisibleTo(banner.parentWidget() or banner)
        assert banner.text() == "服务暂不可用，请稍候或到咨询台"
        with qtbot.waitSignal(client.connection, timeout=10000) as back:
            hall_server.start()
        assert back.args == [True] and banner.isHidden()
        banner.set_lang("en")
        assert banner.text().startswith("Service unavailable")
    finally:
        client.stop()


# --- start-up ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "placed"),
    [
        ("10,20,800,600", (10, 20, 800, 600)),
        ("-1920,0,1920,1080", (-1920, 0, 1920, 1080)),
        ("", None),
        ("10,20,800", None),
        ("10,20,0,600", None),
        ("a,b,c,d", None),
    ],
)
def test_the_demo_places_windows_by_environment(monkeypatch, raw, placed) -> None:
    from qtkit.app import GEOMETRY_ENV, placement

    monkeypatch.setenv(GEOMETRY_ENV, raw)
    assert placement() == placed


def test_no_display_is_said_in_both_languages(monkeypatch) -> None:
    from qtkit.app import no_display

    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    message = no_display()
    assert message is not None and "没有可用的显示器" in message and "No display" in message
    monkeypatch.setenv("DISPLAY", ":99")
    assert no_display() is None
