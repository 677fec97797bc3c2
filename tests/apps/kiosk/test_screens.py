"""The kiosk's screens themselves: 长辈模式 sizes measured from the widgets at the configured
density, both orientations, English, closed zones, paging, the idle timeout, and the hidden
maintenance screen behind a long press and a PIN."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from apps.kiosk.conftest import Driver
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QPushButton

from qtkit.units import Units
from shared.hours import Hours, Period

UNITS = Units.from_diagonal(21.5, 1920, 1080)  # what the kiosk's config says


def labels(k: Driver) -> list[QLabel]:
    return [w for w in k.window.page.findChildren(QLabel) if w.isVisible() and w.text()]


def buttons(k: Driver) -> list[QPushButton]:
    return [b for b in k.window.page.findChildren(QPushButton) if b.isVisible()]


def test_elderly_mode_meets_the_spec_measured_from_the_widgets(make_kiosk: Any) -> None:
    k: Driver = make_kiosk()
    normal_heading = k.widget("prompt").font().pixelSize()
    k.click("elderly")
    assert k.flow.elderly and k.text("elderly") == "标准模式"
    k.window.grab()  # polished and laid out
    for screen in ("home", "matters", "priority"):
        if screen == "matters":
            k.click("zone-shangshi")
        elif screen == "priority":
            k.click("matter-qysl")
        k.window.grab()
        heading = k.widget("prompt").font().pixelSize()
        assert UNITS.to_dp(heading) >= 30 and heading > normal_heading, screen
        assert len(labels(k)) >= 2 and len(buttons(k)) >= 2
        for label in labels(k):
            size = label.font().pixelSize()
            assert size >= UNITS.pt(18), (screen, label.text(), size)  # body ≥ 18 pt
        for button in buttons(k):
            w, h = button.width(), button.height()
            assert min(UNITS.to_dp(w), UNITS.to_dp(h)) >= 60, (screen, button.objectName(), w, h)
            assert min(UNITS.to_mm(w), UNITS.to_mm(h)) >= 15, (screen, button.objectName())
            assert button.font().pixelSize() >= UNITS.pt(18)
    k.click("back")
    k.click("back")
    assert k.flow.screen.value == "home" and k.flow.elderly  # kept while the citizen chooses


def test_elderly_mode_shows_fewer_matters_per_page(make_kiosk: Any) -> None:
    k: Driver = make_kiosk()
    # a zone of seven matters, as the server's snapshot would name them
    zone = k.flow.catalog.zones["shangshi"]
    zone["matters"] = [{"id": f"m{i}", "name": f"事项{i}"} for i in range(7)]
    k.click("zone-shangshi")
    assert [n for n in k.window.widgets if n.startswith("matter-")] == [
        f"matter-m{i}" for i in range(6)
    ]
    assert k.text("page-label") == "第 1/2 页"
    k.click("next")
    assert [n for n in k.window.widgets if n.startswith("matter-")] == ["matter-m6"]
    k.click("back")
    k.click("elderly")
    k.click("zone-shangshi")
    assert len([n for n in k.window.widgets if n.startswith("matter-")]) == 4
    k.click("next")
    assert len([n for n in k.window.widgets if n.startswith("matter-")]) == 3
    assert not k.enabled("next") and k.enabled("prev")


@pytest.mark.parametrize(("orientation", "size", "columns"), [
    ("landscape", (1920, 1080), 3),
    ("portrait", (1080, 1920), 2),
])  # fmt: skip
def test_both_orientations_are_laid_out_not_stretched(
    make_kiosk: Any, orientation: str, size: tuple[int, int], columns: int
) -> None:
    k: Driver = make_kiosk(orientation=orientation)
    k.window.setFixedSize(*size)
    k.window.grab()
    assert (k.window.width(), k.window.height()) == size
    tiles = [k.widget(f"zone-{z}") for z in ("shangshi", "budongchan", "gongan")]
    lefts = sorted({t.mapTo(k.window, QPoint(0, 0)).x() for t in tiles})
    assert len(lefts) == min(columns, 3)
    for tile in tiles:
        top_left = tile.mapTo(k.window, QPoint(0, 0))
        assert top_left.x() >= 0 and top_left.x() + tile.width() <= size[0]
        assert top_left.y() + tile.height() <= size[1]
        assert tile.width() <= size[0] / columns and tile.height() >= UNITS.mm(15)
    for name in ("card", "elderly", "lang"):
        button = k.widget(name)
        assert button.mapTo(k.window, QPoint(0, 0)).y() + button.height() <= size[1]
    k.issue("shangshi", "qysl")
    k.wait_screen("ticket")
    k.window.grab()
    qr = k.widget("qr")
    assert qr.width() == qr.height() >= UNITS.mm(50)  # square, photographable
    number = k.widget("number")
    assert number.mapTo(k.window, QPoint(0, 0)).y() + number.height() <= size[1]


def test_english_for_one_citizen_then_chinese_again(make_kiosk: Any) -> None:
    k: Driver = make_kiosk()
    k.click("lang")
    assert k.text("prompt") == "Please choose a service zone"
    assert k.text("lang") == "中文"
    assert "Business registration" in [
        w.text() for w in k.widget("zone-shangshi").findChildren(QLabel)
    ]
    k.issue("shangshi", "qysl")
    k.wait_screen("ticket")
    assert k.text("take") == "Please take your ticket"
    k.clock.advance(30)
    k.wait_screen("home")
    assert k.text("prompt") == "请选择办理业务的服务区"


def test_closed_zones_are_greyed_with_the_reason(make_kiosk: Any) -> None:
    k: Driver = make_kiosk()
    public = k.flow.catalog.public
    assert public is not None
    noon = Hours(weekly={d: (Period(0, 1),) for d in range(7)}, noon_duty=(Period(0, 24 * 60),))
    k.flow.catalog.public = dataclasses.replace(public, hours=noon)
    k.window.render()
    # 商事登记 keeps noon duty; 不动产登记 does not
    assert k.enabled("zone-shangshi") and not k.enabled("zone-budongchan")
    words = [w.text() for w in k.widget("zone-budongchan").findChildren(QLabel)]
    assert "午间值班期间本区暂停取号" in "\n".join(words)
    k.click("zone-budongchan")
    assert k.flow.screen.value == "home"
    k.flow.catalog.public = dataclasses.replace(public, hours=Hours())
    k.window.render()
    words = [w.text() for w in k.widget("zone-gongan").findChildren(QLabel)]
    assert "当前不在取号时间" in "\n".join(words) and not k.enabled("zone-gongan")


def test_the_idle_timeout_runs_only_when_nobody_touches(make_kiosk: Any) -> None:
    k: Driver = make_kiosk(idle_seconds=30)
    k.click("zone-gongan")
    k.wait_screen("matters")
    k.clock.advance(20)
    k.qtbot.mouseClick(k.widget("prompt"), Qt.MouseButton.LeftButton)  # a touch anywhere
    k.clock.advance(20)
    k.qtbot.wait(700)
    assert k.flow.screen.value == "matters"  # 40 s on the screen, 20 s since the touch
    k.clock.advance(11)
    k.wait_screen("home", timeout=3000)


def press_corner(k: Driver, hold_ms: int) -> None:
    corner = QPoint(5, 5)
    k.qtbot.mousePress(k.window, Qt.MouseButton.LeftButton, pos=corner)
    k.qtbot.wait(hold_ms)
    k.qtbot.mouseRelease(k.window, Qt.MouseButton.LeftButton, pos=corner)


def enter_pin(k: Driver, pin: str) -> None:
    pad = k.widget("pin-pad")
    for digit in pin:
        k.qtbot.mouseClick(pad.keys[digit], Qt.MouseButton.LeftButton)
    k.qtbot.mouseClick(pad.keys["ok"], Qt.MouseButton.LeftButton)


def test_maintenance_behind_a_long_press_and_a_pin_with_lockout(make_kiosk: Any) -> None:
    k: Driver = make_kiosk()
    press_corner(k, 50)  # a quick tap in the corner: nothing
    assert k.flow.screen.value == "home"
    press_corner(k, 600)
    k.wait_screen("pin")
    enter_pin(k, "111111")
    assert k.text("pin-error") == "密码错误，还可以再试4次"
    for _ in range(4):
        enter_pin(k, "222222")
    assert k.text("pin-error") == "密码错误次数过多，请5分钟后再试"
    enter_pin(k, "246810")  # right, but locked out
    assert k.flow.screen.value == "pin"
    k.clock.advance(301)
    enter_pin(k, "246810")
    k.wait_screen("maintenance")
    assert k.text("m-printer") == "打印机：打印机正常"
    assert "已连接" in k.text("m-server") and "kiosk-1" in k.text("m-server")
    k.click("maint-test")
    assert k.printer.printer.wait_for(1)
    k.qtbot.waitUntil(lambda: k.has("m-test") and k.text("m-test") == "测试页已打印")
    assert "打印机测试页" in k.receipts()[0].text and k.receipts()[0].cut
    k.click("maint-lang")
    assert k.text("m-lang") == "Default language: English"
    quits: list[bool] = []
    k.window.on_quit = lambda: quits.append(True)
    k.click("maint-exit")
    assert quits == [True]
    k.click("maint-close")
    assert k.flow.screen.value == "home" and k.text("prompt") == "Please choose a service zone"
